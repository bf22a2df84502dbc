@testable import FineXLNotebook
import Foundation
import XCTest

/// The notebooks in `Notebooks/` are read by users first; a typo in one must fail here, not in front of them.
final class ShippedNotebookTests: XCTestCase {
    private var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Notebooks")
    }

    func testShippedNotebooksParseWithoutProblems() throws {
        let names = ["quickstart", "method-walkthrough", "model-selection", "clip"]
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name + ".md"), encoding: .utf8)
            let notebook = Notebook.parse(text)
            XCTAssertEqual(notebook.frontMatterProblems, [], name)
            XCTAssertFalse(notebook.directives.isEmpty, name)
            for directive in notebook.directives {
                XCTAssertEqual(directive.problems, [], "\(name): \(directive.label)")
            }
            for case .markdown(let block) in notebook.cells {
                for case .inlineValue(let expression, let line) in block.segments {
                    XCTAssertNoThrow(try InlineExpression.parse(expression), "\(name) line \(line)")
                }
            }
        }
    }

    func testShippedNotebooksNeedNoDownloadExceptClip() throws {
        for name in ["quickstart", "method-walkthrough", "model-selection"] {
            let notebook = Notebook.parse(try String(contentsOf: folder.appendingPathComponent(name + ".md"), encoding: .utf8))
            XCTAssertEqual(notebook.frontMatter.encoder, .descriptor, name)
            for directive in notebook.directives {
                XCTAssertNil(directive.options.text("base"), "\(name) reads image folders")
                XCTAssertNotEqual(directive.options.text("from"), "vlm", "\(name) needs a VLM")
            }
        }
    }
}
