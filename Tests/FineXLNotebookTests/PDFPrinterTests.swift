import FineXLCore
import FineXLSupport
import FineXLTestSupport
import Foundation
import XCTest
@testable import FineXLNotebook

/// `finexl render --pdf` and `explain --output FILE.pdf`: a real Chromium prints the quickstart
/// and poppler's tools read the PDF back; stand-in browsers (shell scripts) pin the failures.
final class PDFPrinterTests: TemporaryFolderTestCase {
    private var notebooks: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Notebooks")
    }

    // MARK: Real Chromium, real poppler

    func testQuickstartPDFHoldsTheExplanationTableAndFiguresAtFullResolution() throws {
        let printer = try realPrinter(.a4)
        let directory = try makeDirectory()
        let text = try String(contentsOf: notebooks.appendingPathComponent("quickstart.md"), encoding: .utf8)
        let engine = NotebookEngine(notebook: Notebook.parse(text), directory: notebooks,
                                    cacheDirectory: try makeDirectory(), owner: "quickstart", useCache: false)
        let document = engine.run(title: "quickstart")
        XCTAssertEqual(engine.failures, 0)
        let html = try ReportWriter.write(document, name: "quickstart", to: directory, selfContained: false,
                                          templates: try ReportTemplates.builtIn())
        let pdf = try printer.print(html: html, to: directory.appendingPathComponent("quickstart.pdf"))

        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["quickstart.html", "quickstart.pdf", "quickstart_files"], "nothing staged is left behind")
        let size = try pageSize(of: pdf)
        XCTAssertEqual(size.width, 595.3, accuracy: 1.5, "A4 width in points")
        XCTAssertEqual(size.height, 841.9, accuracy: 1.5, "A4 height in points")

        // Each row of the explanation table reads, cell after cell, on one line of the PDF's text.
        let table = try XCTUnwrap(NotebookTestSupport.tables(document).first {
            $0.headers.contains("Weight") && $0.headers.contains("p (paired)")
        }, "the quickstart has an explanation table")
        XCTAssertTrue(table.rows.map { $0[0] }.contains("warm tones"))
        let pdfText = try tool("pdftotext", ["-layout", pdf.path, "-"])
        XCTAssertTrue(pdfText.contains(table.headers[0]) && pdfText.contains("AUROC"), "the table's header is printed")
        for row in table.rows {
            let pattern = row.map { NSRegularExpression.escapedPattern(for: $0).replacingOccurrences(of: " ", with: #"\s+"#) }
                .joined(separator: #"\s+"#)
            XCTAssertNotNil(pdfText.range(of: pattern, options: .regularExpression), "row \(row) not in the PDF's text")
        }

        // Every page is numbered "k / n" at its foot.
        let info = try tool("pdfinfo", [pdf.path])
        let pages = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last!) })
        XCTAssertGreaterThan(pages, 1, "the quickstart prints on several pages")
        for page in 1...pages {
            let lines = try tool("pdftotext", ["-layout", "-f", "\(page)", "-l", "\(page)", pdf.path, "-"])
                .split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet.whitespaces.union(["\u{0C}"])) }
                .filter { !$0.isEmpty }
            // (pdftotext may drop the narrow spaces of the small footer type.)
            XCTAssertEqual(lines.last?.replacingOccurrences(of: " ", with: ""), "\(page)/\(pages)", "page \(page)'s last line")
        }

        // The PDF embeds exactly the report's figures, each at its PNG's own pixel size (the
        // page draws them at half that: 2× for print and high-density screens).
        let figureFolder = directory.appendingPathComponent("quickstart_files")
        let pngs = try FileManager.default.contentsOfDirectory(atPath: figureFolder.path).filter { $0.hasSuffix(".png") }
        XCTAssertEqual(pngs.count, NotebookTestSupport.figures(document).count)
        XCTAssertGreaterThanOrEqual(pngs.count, 3)
        let pngSizes = try pngs.map { try pixelSize(ofPNG: figureFolder.appendingPathComponent($0)) }
        let lexicographic = { (a: [Int], b: [Int]) in a.lexicographicallyPrecedes(b) }
        XCTAssertEqual(try embeddedImageSizes(pdf).sorted(by: lexicographic), pngSizes.sorted(by: lexicographic))

        // Letter paper, printed over the A4 file: the earlier PDF is replaced whole.
        var letter = printer
        letter.pageSize = .letter
        try letter.print(html: html, to: pdf)
        let letterSize = try pageSize(of: pdf)
        XCTAssertEqual(letterSize.width, 612, accuracy: 1.5)
        XCTAssertEqual(letterSize.height, 792, accuracy: 1.5)
        XCTAssertEqual(try embeddedImageSizes(pdf).count, pngs.count)
    }

    // MARK: Finding Chromium

    func testNoChromiumOnPathNamesWhatToInstall() throws {
        let empty = try makeDirectory()
        let message = errorMessage { _ = try PDFPrinter(pageSize: .a4, environment: ["PATH": empty.path]) }
        XCTAssertTrue(message.contains("apt-get install chromium"), message)
        XCTAssertTrue(message.contains("FINEXL_CHROMIUM"), message)
        XCTAssertTrue(message.contains("chromium, chromium-browser, google-chrome"), message)
    }

    func testFINEXLChromiumNamingAMissingFileIsAnError() throws {
        let folder = try makeDirectory()
        let missing = folder.appendingPathComponent("no-such-chromium").path
        let message = errorMessage {
            _ = try PDFPrinter(pageSize: .a4, environment: ["FINEXL_CHROMIUM": missing, "PATH": "/usr/bin:/bin"])
        }
        XCTAssertTrue(message.contains("FINEXL_CHROMIUM is \(missing), which is not an executable file"), message)
        let folderMessage = errorMessage {
            _ = try PDFPrinter(pageSize: .a4, environment: ["FINEXL_CHROMIUM": folder.path, "PATH": ""])
        }
        XCTAssertTrue(folderMessage.contains("not an executable file"), folderMessage)
    }

    func testPageSizeParsing() throws {
        XCTAssertEqual(try PageSize(parsing: "A4"), .a4)
        XCTAssertEqual(try PageSize(parsing: "letter"), .letter)
        XCTAssertEqual(errorMessage { _ = try PageSize(parsing: "a5") }, "unknown page size \"a5\"; use a4 or letter")
    }

    // MARK: Stand-in browsers

    /// The browser gets a private profile, no network, no header or footer, and a copy of the
    /// page with the paper size whose relative figure paths still resolve.
    func testBrowserRunsWithPrivateProfileNoNetworkAndThePageSize() throws {
        let directory = try makeDirectory()
        let record = directory.appendingPathComponent("record")
        let browser = try script(in: directory, """
            out=""; page=""; profile=""
            for a in "$@"; do
              echo "$a" >> '\(record.path)/args'
              case "$a" in
                --print-to-pdf=*) out="${a#--print-to-pdf=}" ;;
                --user-data-dir=*) profile="${a#--user-data-dir=}" ;;
                file://*) page="${a#file://}" ;;
              esac
            done
            cp "$page" '\(record.path)/page.html'
            cat "$(dirname "$page")"/r_files/* > '\(record.path)/figure'
            mkdir -p "$profile" && test -d "$profile" && echo "$profile" > '\(record.path)/profile'
            echo "some Chromium noise" >&2
            printf '%%PDF-1.4 stand-in' > "$out"
            """)
        try FileManager.default.createDirectory(at: record, withIntermediateDirectories: true)
        let html = try writeReport(in: directory)

        var printer = try PDFPrinter(pageSize: .letter, environment: ["FINEXL_CHROMIUM": browser.path])
        printer.timeout = 60
        let pdf = try printer.print(html: html, to: directory.appendingPathComponent("r.pdf"))

        XCTAssertEqual(try String(contentsOf: pdf, encoding: .utf8), "%PDF-1.4 stand-in")
        let arguments = try String(contentsOf: record.appendingPathComponent("args"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        for expected in ["--headless", "--disable-gpu", "--no-pdf-header-footer", "--proxy-server=127.0.0.1:9",
                         "--host-resolver-rules=MAP * ~NOTFOUND"] {
            XCTAssertTrue(arguments.contains(expected), "\(expected) missing from \(arguments)")
        }
        XCTAssertEqual(arguments.contains("--no-sandbox"), geteuid() == 0, "the sandbox is off only for root")
        let profile = try String(contentsOf: record.appendingPathComponent("profile"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(profile.hasPrefix(FileManager.default.temporaryDirectory.path), profile)
        XCTAssertFalse(FileManager.default.fileExists(atPath: profile), "the private profile is removed afterwards")

        let printed = try String(contentsOf: record.appendingPathComponent("page.html"), encoding: .utf8)
        XCTAssertTrue(printed.contains("<style>@page { size: letter; }</style>\n</head>"), printed)
        let original = try String(contentsOf: html, encoding: .utf8)
        XCTAssertFalse(original.contains("@page { size"), "the report itself is not changed")
        XCTAssertEqual(try Data(contentsOf: record.appendingPathComponent("figure")), Data(fakePNG(3)),
                       "the copy's relative figure path reaches the report's figure")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["browser", "r.html", "r.pdf", "r_files", "record"])
    }

    func testFailingBrowserKeepsTheEarlierPDFAndShowsItsLog() throws {
        let directory = try makeDirectory()
        let browser = try script(in: directory, """
            echo "[1:1:ERROR:dbus/bus.cc] Failed to connect to the bus" >&2
            echo "FATAL: cannot open display" >&2
            exit 3
            """)
        let html = try writeReport(in: directory)
        let pdf = directory.appendingPathComponent("r.pdf")
        try Data("%PDF-1.4 earlier".utf8).write(to: pdf)

        let printer = try PDFPrinter(pageSize: .a4, environment: ["FINEXL_CHROMIUM": browser.path])
        let message = errorMessage { try printer.print(html: html, to: pdf) }
        XCTAssertTrue(message.hasPrefix("Chromium (\(browser.path)) exited with status 3 while printing \(html.path)"), message)
        XCTAssertTrue(message.contains("FATAL: cannot open display"), message)
        XCTAssertFalse(message.contains("dbus"), "the D-Bus noise is left out")
        XCTAssertFalse(message.contains("\n"), "one line")
        XCTAssertEqual(try String(contentsOf: pdf, encoding: .utf8), "%PDF-1.4 earlier")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["browser", "r.html", "r.pdf", "r_files"], "no staged file is left")
    }

    func testPDFGoesIntoAFolderThatDoesNotExistYet() throws {
        let directory = try makeDirectory()
        let browser = try script(in: directory, """
            for a in "$@"; do case "$a" in --print-to-pdf=*) printf '%%PDF-1.7 x' > "${a#--print-to-pdf=}" ;; esac; done
            """)
        let html = try writeReport(in: directory)
        let printer = try PDFPrinter(pageSize: .a4, environment: ["FINEXL_CHROMIUM": browser.path])
        let pdf = try printer.print(html: html, to: directory.appendingPathComponent("shared/reports/r.pdf"))
        XCTAssertEqual(try String(contentsOf: pdf, encoding: .utf8), "%PDF-1.7 x")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: pdf.deletingLastPathComponent().path), ["r.pdf"])
    }

    func testBrowserThatWritesNoPDFIsAnError() throws {
        let directory = try makeDirectory()
        let browser = try script(in: directory, """
            for a in "$@"; do case "$a" in --print-to-pdf=*) echo "<html>not a pdf" > "${a#--print-to-pdf=}" ;; esac; done
            """)
        let html = try writeReport(in: directory)
        let pdf = directory.appendingPathComponent("r.pdf")
        let printer = try PDFPrinter(pageSize: .a4, environment: ["FINEXL_CHROMIUM": browser.path])
        XCTAssertEqual(errorMessage { try printer.print(html: html, to: pdf) },
                       "Chromium (\(browser.path)) wrote no PDF for \(html.path)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: pdf.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["browser", "r.html", "r_files"])
    }

    func testHungBrowserIsStoppedAtTheTimeout() throws {
        let directory = try makeDirectory()
        let browser = try script(in: directory, "echo starting >&2\nexec sleep 60")
        let html = try writeReport(in: directory)
        var printer = try PDFPrinter(pageSize: .a4, environment: ["FINEXL_CHROMIUM": browser.path])
        printer.timeout = 1
        let started = Date()
        let message = errorMessage { try printer.print(html: html, to: directory.appendingPathComponent("r.pdf")) }
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "stopped long before the browser would have exited")
        XCTAssertEqual(message, "Chromium (\(browser.path)) did not finish printing \(html.path) within 1 s: starting")
    }

    // MARK: Helpers

    /// A small written report, `r.html` with one figure in `r_files/`.
    private func writeReport(in directory: URL) throws -> URL {
        var document = ReportDocument(title: "r")
        document.blocks = [.figure(ReportFigure(png: fakePNG(3), displayWidth: 10, displayHeight: 10, caption: "c",
                                                altText: "a", fileStem: "fig"))]
        return try ReportWriter.write(document, name: "r", to: directory, selfContained: false,
                                      templates: try ReportTemplates.builtIn())
    }

    private func script(in directory: URL, _ body: String) throws -> URL {
        let url = directory.appendingPathComponent("browser")
        try ("#!/bin/sh\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    /// The real Chromium, or a skip; under CI (env `CI`) a missing browser or poppler fails instead.
    private func realPrinter(_ size: PageSize) throws -> PDFPrinter {
        let environment = ProcessInfo.processInfo.environment
        do {
            for name in ["pdftotext", "pdfimages", "pdfinfo"] where try locate(name) == nil {
                throw FineXLError("\(name) not found (install Debian's poppler-utils)")
            }
            return try PDFPrinter(pageSize: size)
        } catch let error as FineXLError {
            if environment["CI"] != nil { throw error }
            throw XCTSkip(error.message)
        }
    }

    private func locate(_ name: String) throws -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    private func tool(_ name: String, _ arguments: [String]) throws -> String {
        guard let executable = try locate(name) else { throw FineXLError("\(name) not found") }
        let scratch = try makeDirectory()
        let outURL = scratch.appendingPathComponent("out")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(name) \(arguments)")
        return try String(contentsOf: outURL, encoding: .utf8)
    }

    /// The first page's size in points, from `pdfinfo`.
    private func pageSize(of pdf: URL) throws -> (width: Double, height: Double) {
        let info = try tool("pdfinfo", [pdf.path])
        let line = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("Page size:") })
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        XCTAssertGreaterThanOrEqual(numbers.count, 2, String(line))
        return (numbers[0], numbers[1])
    }

    /// Width and height of each image the PDF draws, from `pdfimages -list` (soft masks left out).
    private func embeddedImageSizes(_ pdf: URL) throws -> [[Int]] {
        let listing = try tool("pdfimages", ["-list", pdf.path])
        return listing.split(separator: "\n").dropFirst(2).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[2] == "image", let width = Int(fields[3]), let height = Int(fields[4]) else { return nil }
            return [width, height]
        }
    }

    /// Width and height from a PNG's IHDR chunk.
    private func pixelSize(ofPNG url: URL) throws -> [Int] {
        let bytes = [UInt8](try Data(contentsOf: url).prefix(24))
        XCTAssertEqual(bytes.count, 24)
        let number = { (offset: Int) in bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return [number(16), number(20)]
    }
}
