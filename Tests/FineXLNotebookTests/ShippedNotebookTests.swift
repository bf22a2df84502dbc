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

    /// Parsing cannot see an aspect the encoder dropped or a value no directive provides:
    /// render each shipped notebook end to end, as the README's first command does.
    func testShippedNotebooksRenderWithoutFailures() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-shipped-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let renderer = NotebookRenderer(options: RenderOptions(outputDirectory: output, selfContained: false, useCache: false))
        for name in ["quickstart", "method-walkthrough", "model-selection", "clip"] {
            let result = try renderer.render(notebook: folder.appendingPathComponent(name + ".md"))
            XCTAssertEqual(result.failures, 0, name)
            XCTAssertTrue(FileManager.default.fileExists(atPath: result.htmlFile.path), name)
        }
    }
}
