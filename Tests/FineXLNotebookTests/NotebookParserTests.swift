@testable import FineXLNotebook
import XCTest

final class NotebookParserTests: XCTestCase {
    func testDirectiveOptionsAreTypedAndCarryTheirLines() {
        let notebook = Notebook.parse("""
            # Title

            ```finexl decompose
            method: paper
            eOrtho: 0.3
            bootstrap: 50
            ```
            """)
        XCTAssertEqual(notebook.directives.count, 1)
        let directive = notebook.directives[0]
        XCTAssertEqual(directive.kind, .decompose)
        XCTAssertEqual(directive.line, 3)
        XCTAssertEqual(directive.problems, [])
        XCTAssertEqual(directive.options.text("method"), "paper")
        XCTAssertEqual(directive.options.number("eOrtho") ?? .nan, 0.3, accuracy: 1e-12)
        XCTAssertEqual(directive.options.integer("bootstrap"), 50)
        XCTAssertEqual(directive.options.line(of: "eOrtho"), 5)
        XCTAssertEqual(directive.options.explainOptions.method, .paper)
    }

    func testUnknownDirectiveSuggestsTheNearestName() {
        let notebook = Notebook.parse("Intro\n\n```finexl decompse\nmethod: nnls\n```\n")
        let directive = notebook.directives[0]
        XCTAssertNil(directive.kind)
        XCTAssertEqual(directive.problems.count, 1)
        XCTAssertEqual(directive.problems[0].line, 3)
        XCTAssertTrue(directive.problems[0].message.contains("unknown directive `decompse`"))
        XCTAssertTrue(directive.problems[0].message.contains("did you mean `decompose`?"))
    }

    func testUnknownOptionIsNamedWithTheValidOnes() {
        let notebook = Notebook.parse("```finexl decompose\nmethod: nnls\neortho: 0.2\n```\n")
        let problems = notebook.directives[0].problems
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems[0].line, 3)
        XCTAssertTrue(problems[0].message.contains("unknown option `eortho`"), problems[0].message)
        XCTAssertTrue(problems[0].message.contains("did you mean `eOrtho`?"))
        XCTAssertTrue(problems[0].message.contains("method, eOrtho, eDecomp, bootstrap, seed"))
    }

    func testWrongTypeNamesOptionAndValue() {
        let notebook = Notebook.parse("text\n\n```finexl concepts\nfrom: vocabulary\ntop: many\n```\n")
        let problems = notebook.directives[0].problems
        XCTAssertEqual(problems.map(\.line), [5])
        XCTAssertTrue(problems[0].message.contains("`top`"))
        XCTAssertTrue(problems[0].message.contains("`many`"))
    }

    func testAllProblemsOfOneBlockAreCollected() {
        let notebook = Notebook.parse("```finexl decompose\nmethod: magic\nfoo: 1\neDecomp: 3\n```\n")
        XCTAssertEqual(notebook.directives[0].problems.map(\.line), [2, 3, 4])
    }

    func testInvalidYAMLPointsAtTheNotebookLine() {
        let notebook = Notebook.parse("# T\n\nProse.\n\n```finexl images\nbase: samples/base\n  personal: [unclosed\n```\n")
        let problems = notebook.directives[0].problems
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].message.hasPrefix("invalid YAML"), problems[0].message)
        XCTAssertTrue((6...8).contains(problems[0].line), "line \(problems[0].line)")
    }

    func testFrontMatterSetsDefaultsAndShiftsLines() {
        let notebook = Notebook.parse("""
            ---
            title: Warmth study
            author: A. Reader
            eOrtho: 0.1
            decompose:
              method: paper
            ---
            # Heading

            ```finexl decompose
            eDecomp: 0.3
            ```

            ```finexl decompose
            eOrtho: 0.5
            method: nnls
            ```
            """)
        XCTAssertEqual(notebook.frontMatterProblems, [])
        XCTAssertEqual(notebook.frontMatter.title, "Warmth study")
        XCTAssertEqual(notebook.frontMatter.author, "A. Reader")
        let directives = notebook.directives
        XCTAssertEqual(directives.map(\.line), [10, 14])
        XCTAssertEqual(directives[0].options.number("eOrtho") ?? .nan, 0.1, accuracy: 1e-12)
        XCTAssertEqual(directives[0].options.text("method"), "paper")
        XCTAssertEqual(directives[0].options.number("eDecomp") ?? .nan, 0.3, accuracy: 1e-12)
        XCTAssertEqual(directives[1].options.number("eOrtho") ?? .nan, 0.5, accuracy: 1e-12)
        XCTAssertEqual(directives[1].options.text("method"), "nnls")
        guard case .markdown(let heading) = notebook.cells[0], case .heading(1, let pieces) = heading.kind else {
            return XCTFail("expected the heading first")
        }
        XCTAssertEqual(heading.startLine, 8)
        XCTAssertEqual(pieces, [.text("Heading")])
    }

    func testFrontMatterDefaultOnlyReachesDirectivesWithThatOption() {
        let notebook = Notebook.parse("---\neOrtho: 0.1\n---\n```finexl chart\n```\n")
        XCTAssertEqual(notebook.directives[0].problems, [])
        XCTAssertFalse(notebook.directives[0].options.has("eOrtho"))
    }

    func testInvalidFrontMatterYAMLIsAProblemWithItsLine() {
        let notebook = Notebook.parse("---\ntitle: A\nauthor: [B\n---\nText\n")
        XCTAssertEqual(notebook.frontMatterProblems.count, 1)
        XCTAssertTrue(notebook.frontMatterProblems[0].message.hasPrefix("invalid YAML"))
        XCTAssertTrue((3...4).contains(notebook.frontMatterProblems[0].line))
    }

    func testUnknownFrontMatterKeyAndBadEncoderAreReported() {
        let notebook = Notebook.parse("---\ntitel: A\nencoder: dino\n---\n")
        XCTAssertEqual(notebook.frontMatterProblems.map(\.line), [2, 3])
        XCTAssertTrue(notebook.frontMatterProblems[0].message.contains("did you mean `title`?"))
    }

    func testPlainCodeBlocksAndProseAreNotDirectives() {
        let notebook = Notebook.parse("```swift\nlet x = 1\n```\n\nSome *prose*.\n\n```\nfinexl images\n```\n")
        XCTAssertTrue(notebook.directives.isEmpty)
        XCTAssertEqual(notebook.cells.count, 3)
    }

    func testRawHTMLAndJavascriptLinksAreSuppressed() {
        let notebook = Notebook.parse("<script>alert(1)</script>\n\nA [link](javascript:alert(2)) and <b>bold</b>.\n")
        let html = notebook.cells.compactMap { cell -> String? in
            guard case .markdown(let block) = cell else { return nil }
            return block.segments.map { if case .html(let text) = $0 { text } else { "" } }.joined()
        }.joined()
        XCTAssertFalse(html.contains("<script"), html)
        XCTAssertFalse(html.contains("javascript:"), html)
        XCTAssertFalse(html.contains("<b>"), html)
        XCTAssertTrue(html.contains("link"))
    }

    func testInlineValuesAreCutOutOfProse() {
        let notebook = Notebook.parse("Top is `finexl top.name` at `finexl weight(\"warm tones\")`; plain `code` stays.\n")
        guard case .markdown(let block) = notebook.cells[0] else { return XCTFail("expected prose") }
        let values = block.segments.compactMap { segment -> String? in
            if case .inlineValue(let expression, let line) = segment {
                XCTAssertEqual(line, 1)
                return expression
            }
            return nil
        }
        XCTAssertEqual(values, ["top.name", "weight(\"warm tones\")"])
        let html = block.segments.map { if case .html(let text) = $0 { text } else { "#" } }.joined()
        XCTAssertEqual(html, "<p>Top is # at #; plain <code>code</code> stays.</p>\n")
    }

    func testDirectiveNestedInAListIsReportedNotRun() {
        let notebook = Notebook.parse("- item\n\n  ```finexl chart\n  ```\n")
        XCTAssertTrue(notebook.directives.isEmpty)
        guard case .markdown(let block) = notebook.cells[0] else { return XCTFail("expected prose") }
        XCTAssertEqual(block.nestedDirectiveLines, [3])
    }

    func testByteOrderMarkDoesNotHideFrontMatter() {
        let notebook = Notebook.parse("\u{FEFF}---\ntitle: Marked\n---\nText\n")
        XCTAssertEqual(notebook.frontMatter.title, "Marked")
        XCTAssertEqual(notebook.frontMatterProblems, [])
    }
}
