@testable import FineXLNotebook
import Foundation
import XCTest

/// A scratch folder per test, removed afterwards.
final class ScratchFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-notebook-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ text: String, to name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}

enum NotebookTestSupport {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/notebooks")
    }

    /// A small synthetic model, fast to generate and embed.
    static let tinyImages = """
        ```finexl images
        synthetic:
          aspects: {warm tones: 0.7, film grain: 0.4}
          count: 8
          seed: 2
          size: 48
        ```
        """

    /// Runs a notebook's text through the engine (no HTML) from `folder`.
    static func run(_ text: String, in folder: URL, useCache: Bool = false) -> (ReportDocument, NotebookEngine) {
        let engine = NotebookEngine(notebook: Notebook.parse(text), directory: folder,
                                    cacheDirectory: folder.appendingPathComponent("out/.cache"), owner: "test",
                                    useCache: useCache)
        return (engine.run(title: "test"), engine)
    }

    static func notes(_ document: ReportDocument, level: ReportNote.Level) -> [ReportNote] {
        document.blocks.compactMap { block in
            if case .note(let note) = block, note.level == level { return note }
            return nil
        }
    }

    static func tables(_ document: ReportDocument) -> [ReportTable] {
        document.blocks.compactMap { block in
            if case .table(let table) = block { return table }
            return nil
        }
    }

    static func figures(_ document: ReportDocument) -> [ReportFigure] {
        document.blocks.compactMap { block in
            if case .figure(let figure) = block { return figure }
            return nil
        }
    }

    static func prose(_ document: ReportDocument) -> String {
        document.blocks.compactMap { block in
            switch block {
            case .prose(let html): return html
            case .markdown(let pieces), .paragraph(let pieces): return ReportView.html(of: pieces)
            default: return nil
            }
        }.joined()
    }
}

/// A test case whose temporary folders (from `makeDirectory`) are removed after each test.
class TemporaryFolderTestCase: XCTestCase {
    private var directories: [URL] = []

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
        directories = []
        super.tearDown()
    }

    func makeDirectory() throws -> URL {
        let directory = try temporaryDirectory()
        directories.append(directory)
        return directory
    }
}
