import FineXLCore
import FineXLTestSupport
import Foundation
import XCTest
@testable import FineXLNotebook

/// Messages name what is wrong: a file where a folder goes, a folder that is not a model.
final class NotebookMessageTests: XCTestCase {
    func testACLIPModelFolderThatIsNotAModelIsAFailureNamingWhatIsMissing() throws {
        let scratch = try ScratchFolder()
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("models/empty"), withIntermediateDirectories: true)
        try scratch.write("{}", to: "models/empty/config.json")
        let (document, engine) = NotebookTestSupport.run("---\nencoder: clip\nmodel: models/empty\n---\n# T\n", in: scratch.url)
        XCTAssertEqual(engine.failures, 1)
        let message = NotebookTestSupport.notes(document, level: .error).first?.message ?? ""
        XCTAssertTrue(message.contains("exists but is not a CLIP model: it has no model.safetensors, vocab.json, merges.txt"), message)
        XCTAssertFalse(message.contains("is not here"), message)
    }

    func testAMissingCLIPModelFolderIsStillANoteAboutDownloading() throws {
        let scratch = try ScratchFolder()
        let (document, engine) = NotebookTestSupport.run("---\nencoder: clip\nmodel: ./models/absent\n---\n# T\n", in: scratch.url)
        XCTAssertEqual(engine.failures, 0)
        XCTAssertTrue(NotebookTestSupport.notes(document, level: .info).contains { $0.message.contains("is not here") })
    }

    func testABaseThatIsAFileIsCalledAFile() throws {
        let scratch = try ScratchFolder()
        try scratch.write("x", to: "base.png")
        let (document, _) = NotebookTestSupport.run("```finexl images\nbase: base.png\npersonal: base.png\n```\n", in: scratch.url)
        let message = NotebookTestSupport.notes(document, level: .error).first?.message ?? ""
        XCTAssertTrue(message.contains("`base` folder `base.png` is a file, not a folder"), message)
    }

    func testRenderingAFolderOrAPipeSaysWhatItIs() throws {
        let scratch = try ScratchFolder()
        let renderer = NotebookRenderer(options: RenderOptions(outputDirectory: scratch.url.appendingPathComponent("out")))
        let folder = errorMessage { _ = try renderer.render(notebook: scratch.url) }
        XCTAssertTrue(folder.contains("is a folder"), folder)
        let pipe = scratch.url.appendingPathComponent("nb.md")
        XCTAssertEqual(mkfifo(pipe.path, 0o600), 0)
        let fifo = errorMessage { _ = try renderer.render(notebook: pipe) }
        XCTAssertTrue(fifo.contains("is a FIFO (named pipe), not a regular file"), fifo)
    }

    func testANotebookOverTheLimitIsRefusedBeforeReading() throws {
        let scratch = try ScratchFolder()
        let notebook = try scratch.write(String(repeating: "> ", count: Notebook.maximumBytes / 2 + 1), to: "big.md")
        let renderer = NotebookRenderer(options: RenderOptions(outputDirectory: scratch.url.appendingPathComponent("out")))
        let message = errorMessage { _ = try renderer.render(notebook: notebook) }
        XCTAssertTrue(message.contains("larger than \(Notebook.maximumBytes) bytes"), message)
    }

    func testAnNpyModelThatIsAFileIsCalledAFile() throws {
        let scratch = try ScratchFolder()
        try scratch.write("x", to: "embeddings")
        let (document, engine) = NotebookTestSupport.run("---\nencoder: npy\nmodel: embeddings\n---\n```finexl divergence\n```\n",
                                                         in: scratch.url)
        XCTAssertGreaterThan(engine.failures, 0)
        let messages = NotebookTestSupport.notes(document, level: .error).map(\.message).joined(separator: " | ")
        XCTAssertTrue(messages.contains("embeddings is a file, not a folder"), messages)
        XCTAssertFalse(messages.contains("NSCocoaErrorDomain"), messages)
    }
}
