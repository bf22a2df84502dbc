@testable import FineXLNotebook
import XCTest

/// Notebooks written to exhaust memory or time: refused or bounded before they can.
final class HostileNotebookParserTests: XCTestCase {
    /// Nine levels of nine aliases: 9^9 (387 million) leaves once expanded.
    static let billionLaughs: String = {
        var lines = ["a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [" + Array(repeating: previous, count: 9).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n")
    }()

    func testAliasesInFrontMatterAreRefusedBeforeTheyExpand() {
        let notebook = Notebook.parse("---\ntitle: x\n" + Self.billionLaughs + "\n---\n# Hi\n")
        XCTAssertEqual(notebook.frontMatterProblems.count, 1)
        let problem = notebook.frontMatterProblems[0]
        XCTAssertEqual(problem.line, 3)
        XCTAssertTrue(problem.message.contains("YAML anchor `&a0` is not supported"), problem.message)
    }

    func testASingleAliasInADirectiveIsRefusedWithItsLine() {
        let notebook = Notebook.parse("# T\n\n```finexl concepts\nfrom: list\nlist: [sepia]\ntop: *n\n```\n")
        let problems = notebook.directives[0].problems
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems.first?.line, 6)
        XCTAssertTrue(problems.first?.message.contains("YAML alias `*n`") == true, "\(problems)")
    }

    func testStarsAndAmpersandsInsideTextStillParse() {
        let notebook = Notebook.parse("""
            ---
            title: Tom & Jerry, a *very* good 2*3 'report' # comment *x
            author: "*quoted* &also"
            ---
            ```finexl concepts
            from: list
            list: [a*b, 'it''s *fine*', "x & y", c&d]
            ```

            ```finexl concepts
            list: |
              *not an alias* inside a block scalar
              &neither
            from: list
            ```
            """)
        XCTAssertEqual(notebook.frontMatterProblems, [])
        XCTAssertEqual(notebook.frontMatter.title, "Tom & Jerry, a *very* good 2*3 'report'")
        XCTAssertEqual(notebook.frontMatter.author, "*quoted* &also")
        XCTAssertEqual(notebook.directives[0].problems, [])
        XCTAssertEqual(notebook.directives[0].options.textList("list"), ["a*b", "it's *fine*", "x & y", "c&d"])
        XCTAssertEqual(notebook.directives[1].problems.map(\.message), [])
    }

    func testAnchorsAfterTagsAndInFlowsAreFound() {
        for yaml in ["a: !!str &x b", "a: [1, &x 2]", "a: {k: *x}", "- - &x 1", "? &k key\n: v", "a:\n  - b\n  - *x",
                     "a: \"multi\n  line\" \nb: *x", "a: |\n  text\nb: *x"] {
            XCTAssertNotNil(YAMLAnchorScan.firstAnchorOrAlias(in: yaml), yaml)
        }
    }

    func testANotebookOverTheSizeLimitIsNotParsed() {
        let text = String(repeating: "[", count: Notebook.maximumBytes + 1)
        let notebook = Notebook.parse(text)
        XCTAssertTrue(notebook.cells.isEmpty)
        XCTAssertTrue(notebook.frontMatterProblems.first?.message.contains("at most \(Notebook.maximumBytes) bytes") == true)
    }

    func testQuotesOfLongLinesAreBoundedExcerpts() {
        let value = "`finexl nothing.here`"
        let line = String(repeating: "word ", count: 400) + value + String(repeating: " tail", count: 400)
        let notebook = Notebook.parse("# T\n\n" + line + "\n")
        let quote = notebook.quote(line: 3)!
        XCTAssertLessThanOrEqual(quote.count, Notebook.maximumQuoteLength)
        XCTAssertTrue(quote.hasPrefix("word word"))
        XCTAssertTrue(quote.hasSuffix("…"))
        let around = notebook.quote(line: 3, around: value)!
        XCTAssertTrue(around.contains(value), around)
        XCTAssertLessThanOrEqual(around.count, Notebook.maximumQuoteLength)
        XCTAssertEqual(Notebook.parse("short line\n").quote(line: 1), "short line")
    }

    func testDeepNestingIsShownAsTextNotRendered() {
        let depth = 10_000
        let text = "# T\n\n" + String(repeating: "> ", count: depth) + "<script>alert(1)</script>\n"
        let notebook = Notebook.parse(text)
        let html = notebook.cells.compactMap { cell -> String? in
            guard case .markdown(let block) = cell else { return nil }
            return block.segments.map { segment in
                switch segment {
                case .html(let html): return html
                case .tooDeep(let source, let limit):
                    return ReportView.html(of: [.sourceText(source, reason: "nests more than \(limit) levels")])
                case .inlineValue: return ""
                }
            }.joined()
        }.joined()
        XCTAssertFalse(html.contains("<blockquote>"))
        XCTAssertTrue(html.contains("nests more than \(CommonMark.maximumNesting) levels"))
        XCTAssertTrue(html.contains("&lt;script&gt;"))
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertLessThan(html.utf8.count, 4 * text.utf8.count)
    }

    func testNestingWithinTheLimitIsRendered() {
        let notebook = Notebook.parse(String(repeating: "> ", count: 10) + "quoted\n")
        guard case .markdown(let block)? = notebook.cells.first, case .html(let html)? = block.segments.first else {
            return XCTFail("expected prose")
        }
        XCTAssertEqual(html.components(separatedBy: "<blockquote>").count - 1, 10)
    }
}
