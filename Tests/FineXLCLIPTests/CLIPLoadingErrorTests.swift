import FineXLCLIP
import FineXLCore
import FineXLTestSupport
import Foundation
import XCTest

/// Damaged model folders fail with a message that names what is wrong.
final class CLIPLoadingErrorTests: XCTestCase {
    private func loadError(_ folder: URL, file: StaticString = #filePath, line: UInt = #line) -> String {
        errorMessage({ _ = try CLIPModel.load(from: folder) }, file: file, line: line)
    }

    func testMissingVocabularyIsNamed() throws {
        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("vocab.json"))
        XCTAssertTrue(loadError(folder).contains("vocab.json"))
    }

    func testMissingFolderIsNamed() {
        let folder = URL(fileURLWithPath: "/nonexistent/clip-model")
        XCTAssertEqual(loadError(folder), "/nonexistent/clip-model: no such CLIP model folder")
    }

    func testMissingWeightsFileIsNamed() throws {
        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
        XCTAssertTrue(loadError(folder).contains("model.safetensors"))
    }

    func testTruncatedHeaderIsReported() throws {
        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(200).write(to: weights)
        let message = loadError(folder)
        XCTAssertTrue(message.contains("model.safetensors") && message.contains("truncated"), message)
    }

    func testTruncatedDataIsReported() throws {
        let folder = try Fixtures.scratchCopy(of: "gelu-fp16")
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(bytes.count / 2).write(to: weights)
        let message = loadError(folder)
        XCTAssertTrue(message.contains("truncated"), message)
    }

    func testTensorWithWrongShapeIsNamed() throws {
        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configURL = folder.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
        var vision = config["vision_config"] as! [String: Any]
        vision["intermediate_size"] = 101
        config["vision_config"] = vision
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        let message = loadError(folder)
        XCTAssertTrue(message.contains("vision_model.encoder.layers.0.mlp.fc1.weight"), message)
        XCTAssertTrue(message.contains("[100, 48]") && message.contains("[101, 48]"), message)
    }

    func testUnsupportedDtypeIsNamed() throws {
        let folder = try Fixtures.scratchCopy(of: "gelu-fp16")
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: weights))
        // Same length, so every offset stays valid: only the dtype is wrong.
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        let key = header.range(of: "\"text_projection.weight\"")!
        let range = header.range(of: "\"F16\"", range: key.upperBound..<header.endIndex)!
        let at = 8 + header.utf8.distance(from: header.startIndex, to: range.lowerBound) + 1
        bytes[at] = UInt8(ascii: "I")
        try Data(bytes).write(to: weights)
        let message = loadError(folder)
        XCTAssertTrue(message.contains("text_projection.weight") && message.contains("dtype I16"), message)
    }

    func testUnsupportedActivationIsNamed() throws {
        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configURL = folder.appendingPathComponent("config.json")
        let text = try String(contentsOf: configURL, encoding: .utf8)
            .replacingOccurrences(of: "\"quick_gelu\"", with: "\"relu\"")
        try text.write(to: configURL, atomically: true, encoding: .utf8)
        XCTAssertTrue(loadError(folder).contains("hidden_act relu"))
    }

    func testTopLevelProjectionDimensionCounts() throws {
        // The fixture's sub-configs say projection_dim 7; the top level says 24.
        let model = try CLIPModel.load(from: Fixtures.model("quickgelu-fp32"))
        XCTAssertEqual(model.config.projectionDimension, 24)
        XCTAssertEqual(CLIPEncoder(model: model).dimension, 24)
    }
}

final class CLIPConfigTests: XCTestCase {
    func testAbsurdSizesAreRejectedWithTheKey() {
        let json = #"{"projection_dim": 512, "vision_config": {"hidden_size": 1e15}}"#
        XCTAssertThrowsError(try CLIPConfig(json: Data(json.utf8), name: "config.json")) { error in
            XCTAssertTrue("\(error)".contains("vision_config.hidden_size"), "\(error)")
        }
    }

    func testMissingKeysTakeTheViTB32Defaults() throws {
        let config = try CLIPConfig(json: Data("{}".utf8), name: "config.json")
        XCTAssertEqual(config, .vitB32)
        XCTAssertEqual(config.visionTokens, 50)
    }
}
