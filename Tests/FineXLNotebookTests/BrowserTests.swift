import FineXLSupport
import Foundation
import XCTest
import FineXLCore
import FineXLImage
import FineXLCharts
@testable import FineXLNotebook

/// Opens written reports in headless Chromium. A wrapper page (never the report) loads the
/// report in an iframe, checks every image decoded, and writes its findings into its own DOM,
/// which `--dump-dom` prints. Console messages the report causes are read from Chromium's log.
final class BrowserTests: TemporaryFolderTestCase {
    func testEveryFigureLoadsInFolderMode() throws {
        let browser = try chromium()
        let directory = try makeDirectory()
        let url = try ReportWriter.write(try figureDocument(), name: "browser réport #1", to: directory,
                                         selfContained: false, templates: try ReportTemplates.builtIn())
        let result = try inspect(url, with: browser, in: directory)
        XCTAssertEqual(result.images, 3)
        XCTAssertEqual(result.broken, [], "images that did not load")
        XCTAssertEqual(result.scripts, 0)
        XCTAssertEqual(result.missingTargets, [], "links to anchors that do not exist")
        XCTAssertEqual(result.reportConsole, [], "console messages caused by the report")
        keepSample()
    }

    func testEveryFigureLoadsWhenSelfContained() throws {
        let browser = try chromium()
        let directory = try makeDirectory()
        let url = try ReportWriter.write(try figureDocument(), name: "inline", to: directory,
                                         selfContained: true, templates: try ReportTemplates.builtIn())
        let result = try inspect(url, with: browser, in: directory)
        XCTAssertEqual(result.images, 3)
        XCTAssertEqual(result.broken, [])
        XCTAssertEqual(result.reportConsole, [])
    }

    func testHostileNotebookTextRunsNothingInTheBrowser() throws {
        let browser = try chromium()
        let directory = try makeDirectory()
        let payloads = [
            "<img src=x onerror=\"top.document.body.setAttribute('data-pwned','img')\">",
            "\"><img src=x onerror=\"top.document.body.setAttribute('data-pwned','attr')\">",
            "<script>top.document.body.setAttribute('data-pwned','script')</script>",
            "</style><script>top.document.body.setAttribute('data-pwned','style')</script>",
            "' onload='top.document.body.setAttribute(\"data-pwned\",\"quote\")' x='",
        ]
        var document = try figureDocument()
        document.title = payloads[2]
        document.author = payloads[1]
        document.blocks.append(.heading(level: 2, text: "Résumé des poids — 重み", anchor: ""))
        for payload in payloads {
            document.blocks.append(.heading(level: 2, text: payload, anchor: payload))
            document.blocks.append(.table(ReportTable(caption: payload, headers: [payload], rows: [[payload]])))
            document.blocks.append(.figure(ReportFigure(png: try solidPNG(red: 40, green: 90, blue: 160), displayWidth: 40,
                                                        displayHeight: 20, caption: payload, altText: payload,
                                                        fileStem: payload)))
            document.blocks.append(.note(ReportNote(level: .error, message: payload, line: 1, quote: payload)))
            document.blocks.append(.code(payload))
        }
        document.provenance = payloads.map { (key: $0, value: $0) }
        for selfContained in [false, true] {
            let url = try ReportWriter.write(document, name: "hostile", to: directory, selfContained: selfContained,
                                             templates: try ReportTemplates.builtIn())
            let result = try inspect(url, with: browser, in: directory)
            XCTAssertEqual(result.pwned, "", "a payload ran in the report")
            XCTAssertEqual(result.scripts, 0)
            XCTAssertEqual(result.missingTargets, [], "links to anchors that do not exist")
            XCTAssertEqual(result.broken, [])
            XCTAssertEqual(result.images, 3 + payloads.count)
            XCTAssertEqual(result.reportConsole, [])
            XCTAssertEqual(result.title, payloads[2], "the title reads as the text it was")
        }
    }

    // MARK: Document

    /// A report shaped like a rendered notebook: prose, contents, notes of every level, a table,
    /// figures drawn by FineXLCharts, provenance and timings.
    private func figureDocument() throws -> ReportDocument {
        let concepts = ["warm tones", "film grain", "vignette", "muted colors"]
        let weights = BarChart(title: nil, bars: zip(concepts, [0.82, 0.31, 0.22, 0.12]).map { name, weight in
            BarChart.Bar(label: name, value: weight, interval: (weight - 0.05)...(weight + 0.06))
        }, valueLabel: "weight w_i")
        let cosines = HeatMap(title: nil, labels: concepts, matrix: [
            [1, 0.31, 0.22, 0.41], [0.31, 1, 0.18, 0.27], [0.22, 0.18, 1, 0.35], [0.41, 0.27, 0.35, 1],
        ], range: -1...1)
        let residual = LineChart(title: nil, xLabels: ["1", "2", "3", "4"],
                                 series: [(name: "relative residual", values: [0.83, 0.71, 0.64, 0.61])],
                                 yLabel: "||r|| / ||V_div||", threshold: 0.2)
        let charts: [(image: ChartImage, caption: String, stem: String)] = [
            (try weights.render(), "Weight of each kept concept, with 95 % bootstrap intervals.", "weights"),
            (try cosines.render(), "Cosine between concept vectors f(C); far from orthogonal, as is usual with CLIP.", "cosines"),
            (try residual.render(), "Relative residual as concepts are added (Eq. 11); the dashed line is eDecomp.", "residual"),
        ]
        let figures = charts.map { chart in
            ReportBlock.figure(ReportFigure(png: chart.image.png, displayWidth: chart.image.displayWidth,
                                            displayHeight: chart.image.displayHeight, caption: chart.caption,
                                            altText: chart.image.summary, fileStem: chart.stem))
        }
        let sample = sampleDocument(figures: 0)
        var blocks: [ReportBlock] = [
            .heading(level: 1, text: "Overview", anchor: "overview"),
            .prose(html: "<p>How the <strong>personalized</strong> model differs from its base, in words. Each weight is "
                + "the level of one aspect of personalization; the residual is what the kept concepts leave "
                + "unexplained (see <a href=\"#residual\">Residual</a>).</p>\n<ul>\n<li>40 image pairs, "
                + "matched by prompt and seed</li>\n<li>descriptor encoder, 48 dimensions</li>\n</ul>\n"),
            .note(ReportNote(level: .info, message: "Concept vectors were mapped with 40 generation prompts (paper Eq. 6).")),
            .heading(level: 2, text: "Concept weights", anchor: "concept-weights"),
        ]
        blocks += sample.blocks.filter { if case .table = $0 { return true } else { return false } }
        blocks += figures.prefix(2)
        blocks += [
            .heading(level: 3, text: "Residual", anchor: "residual"),
            figures[2],
            .note(ReportNote(level: .warning, message: "The residual is large: 61 % of V_div is not explained by the kept concepts.")),
            .note(ReportNote(level: .error, message: "decompose: eOrtho must be between 0 and 1, got 4", line: 12,
                             quote: "```finexl decompose")),
            .code("V_div ≈ 0.82·f(warm tones) + 0.31·f(film grain) + 0.22·f(vignette) + 0.12·f(muted colors) + r"),
        ]
        return ReportDocument(title: sample.title, author: sample.author, blocks: blocks,
                              provenance: sample.provenance, timings: sample.timings)
    }

    private func solidPNG(red: UInt8, green: UInt8, blue: UInt8) throws -> [UInt8] {
        try PNGEncoder.encodeRGBA(width: 4, height: 2, rgba: [red, green, blue, 255].repeated(8))
    }

    // MARK: Browser

    private struct Inspection {
        var images: Int
        var broken: [String]
        var scripts: Int
        /// In-page links (contents, heading anchors) whose target id the browser cannot find.
        var missingTargets: [String]
        var pwned: String
        var title: String
        var reportConsole: [String]
    }

    /// The browser, or a skip; under CI (env `CI`) a missing browser fails instead.
    private func chromium() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let named = environment["FINEXL_CHROMIUM"] { candidates.append(named) }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            candidates += path.split(separator: ":").map { "\($0)/\(name)" }
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return URL(fileURLWithPath: found)
        }
        let message = "headless Chromium not found (install Debian's `chromium`, or set FINEXL_CHROMIUM)"
        if environment["CI"] != nil { throw FineXLError(message) }
        throw XCTSkip(message)
    }

    private func inspect(_ report: URL, with browser: URL, in directory: URL) throws -> Inspection {
        let wrapper = directory.appendingPathComponent("wrapper-\(UUID().uuidString.prefix(8)).html")
        try wrapperPage(for: report).write(to: wrapper, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: wrapper) }
        let profile = directory.appendingPathComponent(".profile-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: profile) }

        let (dom, log) = try run(browser, arguments: [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
            "--allow-file-access-from-files", "--user-data-dir=\(profile.path)",
            "--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0",
            "--dump-dom", wrapper.absoluteString,
        ])
        guard let start = dom.range(of: "RESULT{"), let end = dom.range(of: "}ENDRESULT", range: start.upperBound..<dom.endIndex) else {
            XCTFail("the wrapper page reported nothing; Chromium log:\n\(log.suffix(3000))\nDOM:\n\(dom.suffix(2000))")
            throw FineXLError("no result from the browser")
        }
        let json = "{" + dom[start.upperBound..<end.lowerBound] + "}"
        let decoded = try JSONSerialization.jsonObject(with: Data(unescapeDOMText(json).utf8)) as? [String: Any] ?? [:]
        if let error = decoded["error"] as? String { XCTFail("wrapper could not read the report: \(error)") }

        let reportFile = report.lastPathComponent
        let encodedFile = report.absoluteURL.lastPathComponent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? reportFile
        let consoleLines = log.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") }
        let fromReport = consoleLines.filter { $0.contains(reportFile) || $0.contains(encodedFile) || !$0.contains("wrapper-") }
        return Inspection(images: decoded["images"] as? Int ?? -1, broken: decoded["broken"] as? [String] ?? ["?"],
                          scripts: decoded["scripts"] as? Int ?? -1,
                          missingTargets: decoded["missingTargets"] as? [String] ?? ["?"], pwned: decoded["pwned"] as? String ?? "?",
                          title: decoded["title"] as? String ?? "", reportConsole: fromReport)
    }

    private func wrapperPage(for report: URL) -> String {
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>wrapper</title></head>
        <body>
        <iframe id="report" src="\(report.absoluteString)" width="1200" height="3000"></iframe>
        <pre id="result">pending</pre>
        <script>
        function report(result) {
          document.getElementById('result').textContent = 'RESULT' + JSON.stringify(result) + 'ENDRESULT';
        }
        function check(attempt) {
          try {
            const doc = document.getElementById('report').contentDocument;
            if (!doc || doc.readyState !== 'complete' || doc.URL === 'about:blank') {
              if (attempt < 200) { setTimeout(() => check(attempt + 1), 20); return; }
              report({error: 'report never finished loading'});
              return;
            }
            const images = Array.from(doc.images);
            report({
              images: images.length,
              broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 80)),
              scripts: doc.querySelectorAll('script').length,
              missingTargets: Array.from(doc.querySelectorAll('a[href^="#"]'))
                .map(a => a.getAttribute('href'))
                .filter(href => !doc.getElementById(decodeURIComponent(href.slice(1)))),
              pwned: (document.body.getAttribute('data-pwned') || '') + (doc.body.getAttribute('data-pwned') || ''),
              title: doc.title
            });
          } catch (e) {
            report({error: String(e)});
          }
        }
        window.addEventListener('load', () => check(0));
        </script>
        </body></html>
        """
    }

    /// `--dump-dom` serialises text with `&amp;`, `&lt;`, `&gt;` (and `&quot;` in attributes).
    private func unescapeDOMText(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&nbsp;", with: "\u{a0}")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    private func run(_ executable: URL, arguments: [String]) throws -> (stdout: String, stderr: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-chromium-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A hung browser must not hang the suite: give it generously long on a busy machine.
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("Chromium did not finish within 120 s")
        }
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (out, err)
    }

    /// With `FINEXL_REPORT_SAMPLE` set to a folder, keeps a sample report there (Tools/screenshot.sh uses it).
    private func keepSample() {
        guard let target = ProcessInfo.processInfo.environment["FINEXL_REPORT_SAMPLE"], !target.isEmpty else { return }
        let destination = URL(fileURLWithPath: target)
        do {
            let document = try figureDocument()
            try ReportWriter.write(document, name: "sample", to: destination, selfContained: false,
                                   templates: try ReportTemplates.standard())
        } catch {
            XCTFail("could not keep the sample report: \(error)")
        }
    }
}

private extension Array {
    func repeated(_ count: Int) -> [Element] {
        Array((0..<count).map { _ in self }.joined())
    }
}
