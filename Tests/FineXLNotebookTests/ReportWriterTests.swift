import FineXLSupport
import Foundation
import XCTest
import FineXLCore
@testable import FineXLNotebook

/// Strings a notebook, a file name or a VLM answer could carry to break out of text or an attribute.
let hostileStrings = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "javascript:alert(3)",
    "' onmouseover='alert(4)' x='",
    "</style><script>alert(5)</script>",
    "</textarea></title><svg onload=alert(6)>",
    "{{title}} {{{css}}} &amp; &lt;",
]

/// Bytes that start like a PNG; the writer copies figure bytes verbatim, so their content is irrelevant here.
func fakePNG(_ seed: UInt8, length: Int = 300) -> [UInt8] {
    ReportView.pngSignature + (0..<length).map { UInt8(truncatingIfNeeded: Int(seed) &* 31 &+ $0 &* 7) }
}

func temporaryDirectory(_ label: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("finexl-report-tests-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The repository's `Templates/`, found from this source file.
let projectTemplatesURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Templates")

/// Every start tag in `html` with its attributes, as (tag, [(name, value)]); fails the test on a
/// tag whose attributes are not all `name="value"` pairs, which is what an injection produces.
func startTags(in html: String, file: StaticString = #filePath, line: UInt = #line) -> [(tag: String, attributes: [(String, String)])] {
    var result: [(String, [(String, String)])] = []
    let tagPattern = try! NSRegularExpression(pattern: #"<([A-Za-z][A-Za-z0-9]*)([^>]*)>"#)
    let attributePattern = try! NSRegularExpression(pattern: #"\s+([A-Za-z-]+)(?:="([^"]*)")?"#)
    for match in tagPattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
        let tag = String(html[Range(match.range(at: 1), in: html)!]).lowercased()
        let rest = String(html[Range(match.range(at: 2), in: html)!])
        var attributes: [(String, String)] = []
        var consumed = 0
        for attribute in attributePattern.matches(in: rest, range: NSRange(rest.startIndex..., in: rest)) {
            XCTAssertEqual(attribute.range.location, consumed, "stray text in <\(tag)\(rest)>", file: file, line: line)
            consumed = attribute.range.location + attribute.range.length
            let name = String(rest[Range(attribute.range(at: 1), in: rest)!]).lowercased()
            let value = Range(attribute.range(at: 2), in: rest).map { String(rest[$0]) } ?? ""
            attributes.append((name, value))
        }
        XCTAssertEqual(consumed, (rest as NSString).length, "stray text in <\(tag)\(rest)>", file: file, line: line)
        result.append((tag, attributes))
    }
    return result
}

func sampleDocument(figures: Int = 3) -> ReportDocument {
    var blocks: [ReportBlock] = [
        .heading(level: 1, text: "Overview", anchor: "overview"),
        .prose(html: "<p>The divergence <em>V_div</em> is explained below.</p>\n"),
        .heading(level: 2, text: "Concept weights", anchor: "concept-weights"),
        .table(ReportTable(caption: "Decomposition of V_div", headers: ["Concept", "Weight", "AUROC"],
                           rows: [["warm tones", "0.82", "0.98"], ["film grain", "0.31", "0.77"]],
                           numericColumns: [1, 2])),
    ]
    for index in 0..<figures {
        blocks.append(.figure(ReportFigure(png: fakePNG(UInt8(index)), displayWidth: 320, displayHeight: 200,
                                           caption: "Weights, run \(index + 1)", altText: "Bar chart \(index + 1)",
                                           fileStem: "weights")))
    }
    blocks.append(.heading(level: 3, text: "Residual", anchor: "residual"))
    blocks.append(.heading(level: 4, text: "Details", anchor: "details"))
    blocks.append(.note(ReportNote(level: .error, message: "decompose: eOrtho must be between 0 and 1, got 4",
                                   line: 12, quote: "```finexl decompos")))
    blocks.append(.code("V_div ≈ 0.82·f(warm tones) + residual"))
    return ReportDocument(title: "Style LoRA", author: "A. Tester", blocks: blocks,
                          provenance: [(key: "encoder", value: "descriptor (sha256 ab12)"), (key: "method", value: "nnls")],
                          timings: [(directive: "images", line: 3, seconds: 1.234, cached: false),
                                    (directive: "decompose", line: 12, seconds: 0.0042, cached: true)])
}

func hostileDocument() -> ReportDocument {
    var blocks: [ReportBlock] = []
    for (index, hostile) in hostileStrings.enumerated() {
        blocks.append(.heading(level: 2, text: hostile, anchor: hostile))
        blocks.append(.table(ReportTable(caption: hostile, headers: [hostile, "n"], rows: [[hostile, hostile]],
                                         numericColumns: [1])))
        blocks.append(.figure(ReportFigure(png: fakePNG(UInt8(index)), displayWidth: 100, displayHeight: 50,
                                           caption: hostile, altText: hostile, fileStem: hostile)))
        blocks.append(.note(ReportNote(level: .error, message: hostile, line: index, quote: hostile)))
        blocks.append(.note(ReportNote(level: .warning, message: hostile)))
        blocks.append(.code(hostile))
    }
    return ReportDocument(title: hostileStrings[1], author: hostileStrings[0], blocks: blocks,
                          provenance: hostileStrings.map { (key: $0, value: $0) },
                          timings: hostileStrings.map { (directive: $0, line: 1, seconds: 0.5, cached: true) })
}

final class ReportWriterTests: TemporaryFolderTestCase {
    private func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    private func builtIn() throws -> ReportTemplates { try ReportTemplates.builtIn() }

    // MARK: Escaping

    func testHostileStringsNeverBecomeMarkupInEitherMode() throws {
        let directory = try makeDirectory()
        let hostileName = "\"><img src=x onerror=alert(7)>javascript:x"
        for selfContained in [true, false] {
            let url = try ReportWriter.write(hostileDocument(), name: hostileName, to: directory,
                                             selfContained: selfContained, templates: try builtIn())
            let html = try read(url)
            XCTAssertFalse(html.lowercased().contains("<script"), "a script element got through")
            XCTAssertFalse(html.lowercased().contains("<svg"), "an svg element got through")
            XCTAssertFalse(html.contains("<img src=x"), "an injected img got through")

            let allowedTags: Set<String> = ["html", "head", "meta", "title", "style", "body", "div", "header", "p",
                                            "h1", "h2", "h3", "h4", "h5", "h6", "a", "nav", "ol", "li", "main",
                                            "table", "caption", "span", "thead", "tr", "th", "tbody", "td", "tfoot",
                                            "figure", "img", "figcaption", "aside", "code", "pre", "footer", "dl",
                                            "dt", "dd", "em"]
            let allowedAttributes: Set<String> = ["lang", "charset", "http-equiv", "content", "name", "class", "id",
                                                  "href", "aria-label", "aria-hidden", "tabindex", "scope", "colspan", "src",
                                                  "width", "height", "alt", "role"]
            for (tag, attributes) in startTags(in: html) {
                XCTAssertTrue(allowedTags.contains(tag), "unexpected <\(tag)>")
                for (name, value) in attributes {
                    XCTAssertTrue(allowedAttributes.contains(name), "unexpected attribute \(name) on <\(tag)>")
                    XCTAssertFalse(name.hasPrefix("on"), "event handler \(name) on <\(tag)>")
                    if name == "href" { XCTAssertTrue(value.hasPrefix("#"), "href \(value) leaves the page") }
                    if name == "src" {
                        XCTAssertTrue(value.hasPrefix("data:image/png;base64,") || value.hasPrefix("%22%3E%3Cimg%20src"),
                                      "src \(value.prefix(60)) is not a figure")
                        XCTAssertFalse(value.contains(":") && !value.hasPrefix("data:"), "src \(value) could carry a scheme")
                        // The template writes src unescaped (it is large); it must never need escaping.
                        XCTAssertNotNil(value.range(of: #"^[A-Za-z0-9+/=%._~:;,-]+$"#, options: .regularExpression),
                                        "src \(value.prefix(80)) holds characters that need escaping")
                    }
                }
            }
            // Escaped, the hostile text is still there for the reader to see.
            XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            XCTAssertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
            XCTAssertTrue(html.contains("alt=\"&#39; onmouseover=&#39;alert(4)&#39; x=&#39;\""))
            XCTAssertTrue(html.contains("{{title}} {{{css}}} &amp;amp; &amp;lt;"), "mustache tags in data must stay text")
            XCTAssertEqual(html.components(separatedBy: "</style>").count, 2, "only the page's own style element closes")
        }
        // The hostile report name still produced figure files inside its own folder.
        let figures = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(hostileName + "_files").path)
            .filter { $0 != ReportOutput.manifestName }
        XCTAssertEqual(figures.count, hostileStrings.count)
        XCTAssertTrue(figures.allSatisfy { $0.range(of: #"^fig-[0-9]+(-[a-z0-9_-]+)?\.png$"#, options: .regularExpression) != nil },
                      "\(figures)")
    }

    func testProseHTMLIsKeptAsMarkup() throws {
        let html = try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: try builtIn())
        XCTAssertTrue(html.contains("<p>The divergence <em>V_div</em> is explained below.</p>"))
    }

    func testPageCarriesContentSecurityPolicyAndNoScript() throws {
        let html = try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: try builtIn())
        XCTAssertTrue(html.contains("content=\"default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'"))
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.lowercased().contains("<link"), "the style sheet is inlined so one file is enough")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"), "the template comment must not leave text before the doctype")
    }

    func testStyleSheetCannotCloseTheStyleElement() throws {
        let directory = try makeDirectory()
        let templates = directory.appendingPathComponent("t")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "<style>{{{css}}}</style><p>{{title}}</p>".write(to: templates.appendingPathComponent("report.mustache"), atomically: true, encoding: .utf8)
        try "p { color: red } /* </style><script>x()</script> */".write(to: templates.appendingPathComponent("report.css"), atomically: true, encoding: .utf8)
        let html = try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: try ReportTemplates.load(from: templates))
        XCTAssertEqual(html.components(separatedBy: "</style>").count, 2)
        XCTAssertTrue(html.contains("/* <\\/style><script>x()<\\/script> */"), html)
    }

    // MARK: Figures, tables, notes

    func testFiguresAreNumberedInOrderWithAltText() throws {
        var document = sampleDocument(figures: 3)
        document.blocks.append(.figure(ReportFigure(png: fakePNG(9), displayWidth: 10, displayHeight: 10,
                                                    caption: "No alt given", altText: "", fileStem: "x")))
        let html = try ReportWriter.renderHTML(document, name: "r", templates: try builtIn())
        var searchStart = html.startIndex
        for number in 1...4 {
            let marker = "<span class=\"label\">Figure \(number).</span>"
            guard let range = html.range(of: marker, range: searchStart..<html.endIndex) else {
                return XCTFail("Figure \(number) missing or out of order")
            }
            searchStart = range.upperBound
        }
        XCTAssertFalse(html.contains("Figure 5."))
        XCTAssertTrue(html.contains("Figure 2.</span> Weights, run 2</figcaption>"))
        let imgs = startTags(in: html).filter { $0.tag == "img" }
        XCTAssertEqual(imgs.map { attribute("alt", of: $0.attributes) },
                       ["Bar chart 1", "Bar chart 2", "Bar chart 3", "No alt given"],
                       "alt text is given, or falls back to the caption")
        XCTAssertEqual(imgs.map { attribute("width", of: $0.attributes) }, ["320", "320", "320", "10"])
        XCTAssertEqual(imgs.map { attribute("height", of: $0.attributes) }, ["200", "200", "200", "10"])
        XCTAssertTrue(html.contains("id=\"figure-1\"") && html.contains("id=\"figure-4\""))
    }

    func testRejectsFigureThatIsNotPNG() throws {
        var document = sampleDocument(figures: 1)
        document.blocks.append(.figure(ReportFigure(png: Array("GIF89a".utf8), displayWidth: 1, displayHeight: 1,
                                                    caption: "c", altText: "a", fileStem: "bad-one")))
        XCTAssertThrowsError(try ReportWriter.renderHTML(document, name: "r", templates: try builtIn())) { error in
            let message = (error as? FineXLError)?.message ?? ""
            XCTAssertTrue(message.contains("figure 2") && message.contains("bad-one"), message)
        }
    }

    func testNumericColumnsAreRightAlignedAndShortRowsPadded() throws {
        var document = ReportDocument(title: "t")
        document.blocks = [.table(ReportTable(caption: nil, headers: ["Concept", "Weight"],
                                              rows: [["warm tones", "0.82"], ["lonely"]], numericColumns: [1]))]
        let html = try ReportWriter.renderHTML(document, name: "r", templates: try builtIn())
        XCTAssertTrue(html.contains("<th scope=\"col\">Concept</th><th scope=\"col\" class=\"num\">Weight</th>"))
        XCTAssertTrue(html.contains("<tr><td>warm tones</td><td class=\"num\">0.82</td></tr>"))
        XCTAssertTrue(html.contains("<tr><td>lonely</td><td class=\"num\"></td></tr>"))
        XCTAssertFalse(html.contains("<caption>"), "an uncaptioned table gets no caption and no number")
        let css = try String(contentsOf: projectTemplatesURL.appendingPathComponent("report.css"), encoding: .utf8)
        XCTAssertTrue(css.contains("tabular-nums"))
    }

    func testCaptionedTablesAreNumbered() throws {
        let html = try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: try builtIn())
        XCTAssertTrue(html.contains("<caption><span class=\"label\">Table 1.</span> Decomposition of V_div</caption>"))
    }

    func testErrorNoteQuotesTheNotebookLineInMonospace() throws {
        let html = try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: try builtIn())
        XCTAssertTrue(html.contains("<aside class=\"note note-error\" role=\"note\">"))
        XCTAssertTrue(html.contains("<p class=\"note-source\">line 12: <code>```finexl decompos</code></p>"), html)
        XCTAssertTrue(html.contains("<p class=\"note-label\">Error</p>"))
    }

    func testFooterListsProvenanceAndTimingsWithCachedMarker() throws {
        let html = try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: try builtIn())
        XCTAssertTrue(html.contains("<div><dt>encoder</dt><dd>descriptor (sha256 ab12)</dd></div>"))
        XCTAssertTrue(html.contains("<tr><td><code>images</code></td><td class=\"num\">3</td><td class=\"num\">1.23 s</td><td></td></tr>"))
        XCTAssertTrue(html.contains("<td class=\"num\">0.004 s</td><td><span class=\"badge\">cached</span></td>"))
        XCTAssertTrue(html.contains("<td class=\"num\">1.24 s</td>"), "total of 1.234 + 0.0042")
    }

    func testNoFooterWithoutProvenanceOrTimings() throws {
        let html = try ReportWriter.renderHTML(ReportDocument(title: "t", blocks: [.code("x")]), name: "r",
                                               templates: try builtIn())
        XCTAssertFalse(html.contains("<footer"))
        XCTAssertTrue(html.contains("<pre class=\"code\"><code>x</code></pre>"))
    }

    // MARK: Table of contents

    func testContentsLinksHeadingsOfLevelsOneToThreeToTheirAnchors() throws {
        let html = try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: try builtIn())
        let links = startTags(in: html).filter { $0.tag == "a" }.compactMap { tag -> String? in
            tag.attributes.contains { $0 == ("class", "anchor") } ? nil : attribute("href", of: tag.attributes)
        }
        let contentsLinks = links.filter { $0 != "#top" }
        XCTAssertEqual(contentsLinks, ["#overview", "#concept-weights", "#residual"], "level 4 stays out of the contents")
        let ids = startTags(in: html).compactMap { attribute("id", of: $0.attributes) }
        for link in contentsLinks { XCTAssertTrue(ids.contains(String(link.dropFirst())), "\(link) has no target") }
        XCTAssertTrue(ids.contains("details"), "a level-4 heading still gets its anchor")
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique: \(ids)")
    }

    func testDuplicateAndCollidingAnchorsBecomeUnique() throws {
        let document = ReportDocument(title: "t", blocks: [
            .heading(level: 2, text: "Results", anchor: "results"),
            .heading(level: 2, text: "Results", anchor: "results"),
            .heading(level: 2, text: "Contents", anchor: "contents"),
            .heading(level: 2, text: "Figure 1", anchor: "figure-1"),
            .heading(level: 2, text: "Ünïcode Résumé", anchor: ""),
            .heading(level: 2, text: "!!!", anchor: "   "),
            .figure(ReportFigure(png: fakePNG(1), displayWidth: 1, displayHeight: 1, caption: "c", altText: "a", fileStem: "s")),
        ])
        let html = try ReportWriter.renderHTML(document, name: "r", templates: try builtIn())
        let ids = startTags(in: html).compactMap { attribute("id", of: $0.attributes) }
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique: \(ids)")
        for expected in ["results", "results-2", "contents-2", "figure-1-2", "ünïcode-résumé", "section", "figure-1", "contents"] {
            XCTAssertTrue(ids.contains(expected), "missing id \(expected) in \(ids)")
        }
    }

    // MARK: Output modes

    func testSelfContainedEmbedsEveryFigureAndDecodesToTheSameBytes() throws {
        let directory = try makeDirectory()
        let document = sampleDocument(figures: 3)
        let url = try ReportWriter.write(document, name: "report", to: directory, selfContained: true, templates: try builtIn())
        XCTAssertEqual(url, directory.appendingPathComponent("report.html"))
        let html = try read(url)
        let sources = startTags(in: html).compactMap { attribute("src", of: $0.attributes) }
        XCTAssertEqual(sources.count, 3)
        let expected = document.blocks.compactMap { block -> [UInt8]? in
            if case .figure(let figure) = block { return figure.png } else { return nil }
        }
        for (source, png) in zip(sources, expected) {
            let prefix = "data:image/png;base64,"
            XCTAssertTrue(source.hasPrefix(prefix))
            XCTAssertEqual(Data(base64Encoded: String(source.dropFirst(prefix.count))).map { [UInt8]($0) }, png)
        }
        XCTAssertFalse(html.contains("href=\"http"), "no external references")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("report_files").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["report.html"])
    }

    func testFolderModeWritesNumberedPNGFilesBesideTheReport() throws {
        let directory = try makeDirectory()
        let document = sampleDocument(figures: 3)
        let url = try ReportWriter.write(document, name: "my report", to: directory, selfContained: false, templates: try builtIn())
        let html = try read(url)
        let sources = startTags(in: html).compactMap { attribute("src", of: $0.attributes) }
        XCTAssertEqual(sources, ["my%20report_files/fig-1-weights.png", "my%20report_files/fig-2-weights.png",
                                 "my%20report_files/fig-3-weights.png"])
        for (index, name) in ["fig-1-weights.png", "fig-2-weights.png", "fig-3-weights.png"].enumerated() {
            let file = directory.appendingPathComponent("my report_files").appendingPathComponent(name)
            XCTAssertEqual(try [UInt8](Data(contentsOf: file)), fakePNG(UInt8(index)))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["my report.html", "my report_files"], "no staging files left behind")
    }

    func testRerenderReplacesFiguresAndDropsStaleOnes() throws {
        let directory = try makeDirectory()
        try ReportWriter.write(sampleDocument(figures: 3), name: "r", to: directory, selfContained: false, templates: try builtIn())
        try ReportWriter.write(sampleDocument(figures: 1), name: "r", to: directory, selfContained: false, templates: try builtIn())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("r_files").path).sorted(),
                       [ReportOutput.manifestName, "fig-1-weights.png"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["r.html", "r_files"])
    }

    func testSelfContainedRerenderRemovesTheEarlierFigureFolder() throws {
        let directory = try makeDirectory()
        try ReportWriter.write(sampleDocument(figures: 3), name: "r", to: directory, selfContained: false, templates: try builtIn())
        try ReportWriter.write(sampleDocument(figures: 3), name: "r", to: directory, selfContained: true, templates: try builtIn())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["r.html"])
    }

    func testRerendersKeepFilesTheWriterDidNotName() throws {
        let fileManager = FileManager.default
        for selfContained in [false, true] {
            let directory = try makeDirectory()
            try ReportWriter.write(sampleDocument(figures: 3), name: "r", to: directory, selfContained: false, templates: try builtIn())
            let folder = directory.appendingPathComponent("r_files")
            let foreign = ["notes.txt", "fig-2-weights.png.bak", "FIG-9-weights.png", "fig-x.png"]
            for name in foreign { try Data(name.utf8).write(to: folder.appendingPathComponent(name)) }
            try fileManager.createDirectory(at: folder.appendingPathComponent("fig-7-sub.png"), withIntermediateDirectories: false)
            try Data("mine".utf8).write(to: folder.appendingPathComponent("fig-7-sub.png/inside.txt"))

            try ReportWriter.write(sampleDocument(figures: 1), name: "r", to: directory, selfContained: selfContained,
                                   templates: try builtIn())
            let figures = selfContained ? [] : [ReportOutput.manifestName, "fig-1-weights.png"]
            XCTAssertEqual(try fileManager.contentsOfDirectory(atPath: folder.path).sorted(),
                           (foreign + ["fig-7-sub.png"] + figures).sorted(), "self-contained: \(selfContained)")
            for name in foreign {
                XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent(name)), Data(name.utf8))
            }
            XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("fig-7-sub.png/inside.txt")), Data("mine".utf8))
            XCTAssertEqual(try fileManager.contentsOfDirectory(atPath: directory.path).sorted(), ["r.html", "r_files"],
                           "nothing staged or set aside is left")
        }
    }

    func testFailedSelfContainedRenderKeepsTheEarlierFigures() throws {
        let directory = try makeDirectory()
        try ReportWriter.write(sampleDocument(figures: 2), name: "r", to: directory, selfContained: false, templates: try builtIn())
        let folder = directory.appendingPathComponent("r_files")
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let templates = try makeDirectory()
        try "{{#blocks}}".write(to: templates.appendingPathComponent("report.mustache"), atomically: true, encoding: .utf8)
        try "p {}".write(to: templates.appendingPathComponent("report.css"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReportWriter.write(sampleDocument(figures: 2), name: "r", to: directory, selfContained: true,
                                                    templates: templates))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), before)
        XCTAssertEqual(before, [ReportOutput.manifestName, "fig-1-weights.png", "fig-2-weights.png"])
    }

    func testRejectsReportNameThatIsAPath() throws {
        let directory = try makeDirectory()
        for name in ["", ".", "..", "../evil", "a/b"] {
            XCTAssertThrowsError(try ReportWriter.write(sampleDocument(), name: name, to: directory, selfContained: true,
                                                        templates: try builtIn())) { error in
                XCTAssertTrue((error as? FineXLError)?.message.contains("'\(name)'") ?? false, "\(error)")
            }
        }
    }

    func testCreatesMissingOutputDirectory() throws {
        let directory = try makeDirectory().appendingPathComponent("nested/Output")
        let url = try ReportWriter.write(sampleDocument(), name: "r", to: directory, selfContained: true, templates: try builtIn())
        XCTAssertTrue(FileManager.default.fileExists(atPath: url.path))
    }

    func testOutputFolderThatCannotBeCreatedIsNamed() throws {
        let file = try makeDirectory().appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let output = file.appendingPathComponent("Output")
        XCTAssertThrowsError(try ReportWriter.write(sampleDocument(), name: "r", to: output, selfContained: true,
                                                    templates: try builtIn())) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains(output.path) ?? false, "\(error)")
        }
    }

    // MARK: Atomic writes

    func testFailureWhileMovingFiguresKeepsPreviousReportByteForByte() throws {
        let directory = try makeDirectory()
        let previousURL = try ReportWriter.write(sampleDocument(figures: 1), name: "r", to: directory, selfContained: true,
                                                 templates: try builtIn())
        let previous = try Data(contentsOf: previousURL)
        // A plain file where the figure folder must go: figures and page are staged, then the move fails.
        let blocker = directory.appendingPathComponent("r_files")
        try Data("not a folder".utf8).write(to: blocker)

        XCTAssertThrowsError(try ReportWriter.write(sampleDocument(figures: 3), name: "r", to: directory, selfContained: false,
                                                    templates: try builtIn())) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains(blocker.path) ?? false, "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: previousURL), previous)
        XCTAssertEqual(try Data(contentsOf: blocker), Data("not a folder".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["r.html", "r_files"],
                       "staged files are removed")
    }

    func testFailureWhileReplacingPageRestoresPreviousFigures() throws {
        let directory = try makeDirectory()
        let htmlURL = try ReportWriter.write(sampleDocument(figures: 2), name: "r", to: directory, selfContained: false,
                                             templates: try builtIn())
        let figure = directory.appendingPathComponent("r_files/fig-1-weights.png")
        let previousFigure = try Data(contentsOf: figure)
        // Turn the page into a non-empty folder: rename(2) cannot replace it, after the figures moved in.
        try FileManager.default.removeItem(at: htmlURL)
        try FileManager.default.createDirectory(at: htmlURL, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: htmlURL.appendingPathComponent("inside"))

        var changed = sampleDocument(figures: 2)
        changed.blocks = changed.blocks.map { block in
            guard case .figure(var figure) = block else { return block }
            figure.png = fakePNG(200)
            return .figure(figure)
        }
        XCTAssertThrowsError(try ReportWriter.write(changed, name: "r", to: directory, selfContained: false, templates: try builtIn()))
        XCTAssertEqual(try Data(contentsOf: figure), previousFigure, "the previous figure folder is put back")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["r.html", "r_files"])
    }

    func testTemplateErrorKeepsPreviousReportByteForByte() throws {
        let directory = try makeDirectory()
        let previousURL = try ReportWriter.write(sampleDocument(), name: "r", to: directory, selfContained: false,
                                                 templates: try builtIn())
        let previous = try Data(contentsOf: previousURL)
        let previousFigures = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("r_files").path)

        let templates = try makeDirectory()
        try "<p>{{#blocks}}{{title}}</p>\n".write(to: templates.appendingPathComponent("report.mustache"), atomically: true, encoding: .utf8)
        try "p {}".write(to: templates.appendingPathComponent("report.css"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReportWriter.write(sampleDocument(figures: 1), name: "r", to: directory, selfContained: false,
                                                    templates: templates)) { error in
            let message = (error as? FineXLError)?.message ?? ""
            XCTAssertTrue(message.contains(templates.appendingPathComponent("report.mustache").path), message)
            XCTAssertTrue(message.contains("line "), message)
        }
        XCTAssertEqual(try Data(contentsOf: previousURL), previous)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("r_files").path),
                       previousFigures)
    }

    // MARK: Helpers

    private func attribute(_ name: String, of attributes: [(String, String)]) -> String? {
        attributes.first { $0.0 == name }?.1
    }
}
