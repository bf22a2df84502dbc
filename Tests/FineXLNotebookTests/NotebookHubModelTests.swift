@testable import FineXLNotebook
import FineXLCore
import FineXLSupport
import Foundation
import XCTest

/// `model:` naming a Hugging Face id, with the Hugging Face cache in a scratch `HF_HOME`.
final class NotebookHubModelTests: XCTestCase {
    private var saved: [String: String?] = [:]

    private func setEnvironment(_ values: [String: String]) {
        for (name, value) in values {
            saved[name] = ProcessInfo.processInfo.environment[name]
            setenv(name, value, 1)
        }
    }

    override func tearDown() {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        saved = [:]
    }

    private let notebook = """
        ---
        encoder: clip
        model: org/tiny-clip
        ---
        \(NotebookTestSupport.tinyImages)

        ```finexl divergence
        ```
        """

    func testAHubModelMissingOfflineBecomesANoteSayingHowToGetIt() throws {
        let scratch = try ScratchFolder()
        setEnvironment(["HF_HOME": scratch.url.appendingPathComponent("hf").path, "HF_HUB_OFFLINE": "1"])
        let (document, engine) = NotebookTestSupport.run(notebook, in: scratch.url)
        XCTAssertEqual(engine.failures, 0)
        let info = NotebookTestSupport.notes(document, level: .info)
        XCTAssertTrue(info.first?.message.contains("huggingface-cli download org/tiny-clip") ?? false, info.first?.message ?? "no note")
        XCTAssertEqual(info.first?.line, 3)
    }

    func testAHubModelInTheHuggingFaceCacheIsUsedAsItIs() throws {
        let scratch = try ScratchFolder()
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/clip/quickgelu-fp32")
        let repo = scratch.url.appendingPathComponent("hf/hub/models--org--tiny-clip")
        let commit = "0123456789abcdef0123456789abcdef01234567"
        let snapshot = repo.appendingPathComponent("snapshots/\(commit)")
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try commit.write(to: repo.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)
        for name in ["config.json", "model.safetensors", "vocab.json", "merges.txt", "preprocessor_config.json"] {
            let data = try Data(contentsOf: fixture.appendingPathComponent(name))
            let etag = SHA256.hex(bytes: data)
            try data.write(to: repo.appendingPathComponent("blobs/\(etag)"))
            try FileManager.default.createSymbolicLink(atPath: snapshot.appendingPathComponent(name).path,
                                                       withDestinationPath: "../../blobs/\(etag)")
        }
        setEnvironment(["HF_HOME": scratch.url.appendingPathComponent("hf").path, "HF_HUB_OFFLINE": "1"])
        let (document, engine) = NotebookTestSupport.run(notebook, in: scratch.url)
        XCTAssertEqual(engine.failures, 0, NotebookTestSupport.notes(document, level: .error).map(\.message).joined(separator: "\n"))
        XCTAssertTrue(NotebookTestSupport.notes(document, level: .info).isEmpty)
        XCTAssertTrue(try engine.currentEncoder().identity.hasPrefix("clip:"))
    }
}
