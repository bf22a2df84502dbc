import FineXLCore
import FineXLSupport
import Foundation

/// Paper size of a printed report.
package enum PageSize: String, CaseIterable, Sendable {
    case a4, letter

    /// Parses a `--page-size` value, in any letter case.
    package init(parsing text: String) throws {
        guard let size = PageSize(rawValue: text.lowercased()) else {
            throw FineXLError("unknown page size \"\(text)\"; use a4 or letter")
        }
        self = size
    }

    /// The CSS `@page { size }` keyword.
    var cssName: String {
        switch self {
        case .a4: return "A4"
        case .letter: return "letter"
        }
    }
}

/// Prints a written HTML report to PDF with headless Chromium.
///
/// Chromium prints what the page's print style sheet lays out (no break through a figure or a
/// table row) and embeds each figure's PNG at its own pixel size; the page size cannot be
/// given on Chromium's command line, so it goes in as an `@page` rule in a private copy of
/// the page. Chromium runs with a private profile, no network and a time limit; its log is
/// shown only when it fails.
package struct PDFPrinter: Sendable {
    /// The Chromium (or Chrome) executable.
    package let browser: URL
    package var pageSize: PageSize
    /// Seconds Chromium may take for one report before it is stopped.
    package var timeout: TimeInterval

    /// Executable names looked for on `PATH`, in order, when `FINEXL_CHROMIUM` is not set.
    static let browserNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// Finds Chromium: `FINEXL_CHROMIUM` when set, else the first of `browserNames` on `PATH`.
    /// Throws, naming what to install, when there is none; callers do this before any work.
    package init(pageSize: PageSize, environment: [String: String] = ProcessInfo.processInfo.environment,
                timeout: TimeInterval = 180) throws {
        self.browser = try Self.locateBrowser(environment: environment)
        self.pageSize = pageSize
        self.timeout = timeout
    }

    static func locateBrowser(environment: [String: String]) throws -> URL {
        let fileManager = FileManager.default
        if let named = environment["FINEXL_CHROMIUM"], !named.isEmpty {
            guard FileKind.at(named) == .regular, fileManager.isExecutableFile(atPath: named) else {
                throw FineXLError("FINEXL_CHROMIUM is \(named), which is not an executable file; "
                    + "point it at Chromium or Chrome, or unset it to search PATH")
            }
            return URL(fileURLWithPath: named)
        }
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        for name in browserNames {
            for folder in folders {
                let candidate = URL(fileURLWithPath: folder).appendingPathComponent(name)
                if FileKind.at(candidate.path) == .regular, fileManager.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
            }
        }
        throw FineXLError("printing a PDF needs headless Chromium, and none was found on PATH "
            + "(looked for \(browserNames.joined(separator: ", "))); install it (Debian/Ubuntu: apt-get install chromium) "
            + "or set FINEXL_CHROMIUM to the browser's path")
    }

    /// Prints `html` (a report written by `ReportWriter`, with its `NAME_files/` beside it) to
    /// `pdf`, atomically: the PDF is staged under a hidden name beside `pdf` and renamed over it
    /// only when Chromium has written a whole one, so an earlier PDF survives any failure.
    @discardableResult
    package func print(html: URL, to pdf: URL) throws -> URL {
        let fileManager = FileManager.default
        let page: String
        do {
            page = try String(contentsOf: html, encoding: .utf8)
        } catch {
            throw FineXLError("cannot read report \(html.path) to print it: \(error.localizedDescription)")
        }

        let scratch = fileManager.temporaryDirectory.appendingPathComponent("finexl-pdf-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
        } catch {
            throw FineXLError("cannot create a temporary folder for Chromium in \(fileManager.temporaryDirectory.path): "
                + error.localizedDescription)
        }
        defer { try? fileManager.removeItem(at: scratch) }

        // The copy sits in the private folder, with a link to the figure folder, so that its
        // relative figure paths resolve and nothing is added to the report's folder.
        let stem = html.deletingPathExtension().lastPathComponent
        let copy = scratch.appendingPathComponent(html.lastPathComponent)
        let figures = html.deletingLastPathComponent().appendingPathComponent(stem + "_files")
        do {
            try Data(Self.withPageSize(page, pageSize).utf8).write(to: copy)
            if fileManager.fileExists(atPath: figures.path) {
                try fileManager.createSymbolicLink(at: scratch.appendingPathComponent(stem + "_files"),
                                                   withDestinationURL: figures.standardizedFileURL)
            }
        } catch {
            throw FineXLError("cannot prepare the print copy of \(html.path) in \(scratch.path): \(error.localizedDescription)")
        }

        let destinationFolder = pdf.deletingLastPathComponent()
        do {
            try fileManager.createDirectory(at: destinationFolder, withIntermediateDirectories: true)
        } catch {
            throw FineXLError("cannot create folder \(destinationFolder.path) for \(pdf.lastPathComponent): "
                + error.localizedDescription)
        }
        let staged = destinationFolder.appendingPathComponent(".\(pdf.lastPathComponent).\(UUID().uuidString.prefix(8)).partial")
        defer { try? fileManager.removeItem(at: staged) }
        try runBrowser(printing: copy, to: staged, scratch: scratch, report: html)

        guard let head = try? FileHandle(forReadingFrom: staged).read(upToCount: 5), head == Data("%PDF-".utf8) else {
            throw FineXLError("Chromium (\(browser.path)) wrote no PDF for \(html.path)")
        }
        if rename(staged.path, pdf.path) != 0 {
            throw FineXLError("cannot write \(pdf.path): \(String(cString: strerror(errno)))")
        }
        return pdf
    }

    /// The page with an `@page` rule for the paper size, after the report's own styles so
    /// that it decides the size while the report's margins still apply.
    static func withPageSize(_ page: String, _ size: PageSize) -> String {
        let rule = "<style>@page { size: \(size.cssName); }</style>\n"
        if let head = page.range(of: "</head>", options: .caseInsensitive) {
            return page.replacingCharacters(in: head.lowerBound..<head.lowerBound, with: rule)
        }
        return rule + page
    }

    /// Chromium's arguments for printing `page` to `output`.
    func arguments(printing page: URL, to output: URL, profile: URL) -> [String] {
        var arguments = [
            "--headless", "--disable-gpu", "--disable-dev-shm-usage",
            "--user-data-dir=\(profile.path)",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--disable-breakpad", "--disable-crash-reporter",
            // No network: every name fails to resolve and any connection would go to a closed
            // local port. The report's Content-Security-Policy already forbids fetches.
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
            // The header and footer would print the local file path and the date.
            "--no-pdf-header-footer", "--print-to-pdf-no-header",
            "--print-to-pdf=\(output.path)",
        ]
        // Chromium's sandbox refuses to start as root; for anyone else it stays on.
        if geteuid() == 0 { arguments.insert("--no-sandbox", at: 1) }
        arguments.append(page.absoluteString)
        return arguments
    }

    private func runBrowser(printing page: URL, to output: URL, scratch: URL, report: URL) throws {
        let logURL = scratch.appendingPathComponent("chromium.log")
        let log: FileHandle
        do {
            guard FileManager.default.createFile(atPath: logURL.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            log = try FileHandle(forWritingTo: logURL)
        } catch {
            throw FineXLError("cannot create \(logURL.path): \(error.localizedDescription)")
        }
        defer { try? log.close() }

        let process = Process()
        process.executableURL = browser
        process.arguments = arguments(printing: page, to: output, profile: scratch.appendingPathComponent("profile"))
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw FineXLError("cannot start Chromium (\(browser.path)): \(error.localizedDescription)")
        }

        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            let grace = Date().addingTimeInterval(5)
            while process.isRunning && Date() < grace { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw FineXLError("Chromium (\(browser.path)) did not finish printing \(report.path) within \(Int(timeout)) s"
                + Self.logTail(logURL))
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit
                ? "exited with status \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)"
            throw FineXLError("Chromium (\(browser.path)) \(how) while printing \(report.path)" + Self.logTail(logURL))
        }
    }

    /// The end of Chromium's log for an error message, without the D-Bus complaints every
    /// headless run on a server prints.
    static func logTail(_ url: URL) -> String {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.contains("dbus") }
        guard !lines.isEmpty else { return "" }
        return ": " + lines.suffix(4).joined(separator: " | ")
    }
}
