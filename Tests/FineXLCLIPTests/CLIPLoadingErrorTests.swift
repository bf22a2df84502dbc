import FineXLCLIP
import FineXLCore
import FineXLSupport
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

    /// The fixture's weights with `logit_scale`'s data_offsets written as `offsets` (JSON text).
    private func folderWithLogitScaleOffsets(_ offsets: String) throws -> URL {
        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        let weights = folder.appendingPathComponent("model.safetensors")
        let bytes = [UInt8](try Data(contentsOf: weights))
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        let key = header.range(of: "\"logit_scale\"")!
        let old = header.range(of: "[0,4]", range: key.upperBound..<header.endIndex)
            ?? header.range(of: "[0, 4]", range: key.upperBound..<header.endIndex)!
        let changed = Array(header.replacingCharacters(in: old, with: offsets).utf8)
        var length = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { length[i] = UInt8(truncatingIfNeeded: changed.count >> (8 * i)) }
        try Data(length + changed + bytes[(8 + headerLength)...]).write(to: weights)
        return folder
    }

    /// Offsets of 2^64 and more were truncated to small numbers and accepted; fractions were cut.
    func testOffsetsThatAreNotWholeNumbersInsideTheDataAreRefused() throws {
        for offsets in ["[18446744073709551616,18446744073709551620]", "[0,4.5]", "[0.5,4]", "[-4,0]", "[0,1e300]"] {
            let folder = try folderWithLogitScaleOffsets(offsets)
            defer { try? FileManager.default.removeItem(at: folder) }
            let message = loadError(folder)
            XCTAssertTrue(message.contains("model.safetensors") && message.contains("'logit_scale'")
                          && message.contains("data_offsets"), "\(offsets): \(message)")
        }
    }

    func testByteRangeMustMatchShapeAndDtype() throws {
        let folder = try folderWithLogitScaleOffsets("[0,8]")
        defer { try? FileManager.default.removeItem(at: folder) }
        let message = loadError(folder)
        XCTAssertTrue(message.contains("'logit_scale' holds 8 bytes, but shape [] in F32 needs 4"), message)
    }

    func testHugeHeaderLengthIsRefusedBeforeReading() throws {
        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: weights))
        bytes.replaceSubrange(0..<8, with: [0, 0, 0, 0, 0, 1, 0, 0])
        try Data(bytes).write(to: weights)
        let message = loadError(folder)
        XCTAssertTrue(message.contains("model.safetensors") && message.contains("more than 100000000"), message)
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

/// Hostile numbers in config.json and preprocessor_config.json are refused with the key at fault.
final class CLIPConfigBoundsTests: XCTestCase {
    private func configError(_ json: String) -> String {
        errorMessage { _ = try CLIPConfig(json: Data(json.utf8), name: "config.json") }
    }

    private func preprocessorError(_ json: String) -> String {
        errorMessage { _ = try CLIPImagePreprocessor(json: Data(json.utf8), name: "preprocessor_config.json", imageSize: 224) }
    }

    func testConfigNumbersMustBeWholeAndBounded() {
        let cases: [(String, String)] = [
            (#"{"vision_config": {"image_size": -224}}"#, "vision_config.image_size"),
            (#"{"vision_config": {"image_size": 0}}"#, "vision_config.image_size"),
            (#"{"vision_config": {"image_size": 4611686018427387904}}"#, "vision_config.image_size"),
            (#"{"vision_config": {"patch_size": 16.5}}"#, "vision_config.patch_size"),
            (#"{"vision_config": {"patch_size": 448}}"#, "vision_config.patch_size"),
            (#"{"vision_config": {"image_size": 4096, "patch_size": 1}}"#, "patches a side"),
            (#"{"text_config": {"num_hidden_layers": true}}"#, "text_config.num_hidden_layers"),
            (#"{"text_config": {"num_hidden_layers": 1e9}}"#, "text_config.num_hidden_layers"),
            (#"{"text_config": {"hidden_size": "512"}}"#, "text_config.hidden_size"),
            (#"{"vision_config": {"layer_norm_eps": -1}}"#, "vision_config.layer_norm_eps"),
            (#"{"projection_dim": 1e300}"#, "projection_dim"),
        ]
        for (json, key) in cases {
            let message = configError(json)
            XCTAssertTrue(message.hasPrefix("config.json: ") && message.contains(key), "\(json): \(message)")
        }
    }

    /// 100000 aborted on a 30 GB allocation; 2^62 trapped.
    func testShortestEdgeIsBounded() {
        for edge in ["100000", "4611686018427387904", "0", "-3", "22.5", "1e300"] {
            let message = preprocessorError(#"{"size": {"shortest_edge": \#(edge)}, "crop_size": 224}"#)
            XCTAssertTrue(message.contains("size.shortest_edge must be a whole number from 1 to 4096"), "\(edge): \(message)")
        }
        XCTAssertTrue(preprocessorError(#"{"size": {"shortest_edge": 200}, "crop_size": 224}"#)
            .contains("crop_size 224×224 does not fit in size.shortest_edge 200"))
        XCTAssertTrue(preprocessorError(#"{"crop_size": {"width": 224, "height": 99999}}"#).contains("crop_size.height"))
        XCTAssertTrue(preprocessorError(#"{"rescale_factor": "x"}"#).contains("rescale_factor"))
    }

    /// A legal configuration the model cannot take: non-square images overflowed the input buffer
    /// (exit 139). Refused when the model loads, naming the file and the key.
    func testNoCenterCropWithShortestEdgeIsRefusedAtLoad() throws {
        let message = preprocessorError(#"{"do_center_crop": false, "size": {"shortest_edge": 224}}"#)
        XCTAssertTrue(message.hasPrefix("preprocessor_config.json: do_center_crop is false"), message)
        XCTAssertTrue(preprocessorError(#"{"do_center_crop": false, "do_resize": false}"#).contains("do_center_crop"))
        // An exact resize to the model's size needs no crop.
        XCTAssertNoThrow(try CLIPImagePreprocessor(
            json: Data(#"{"do_center_crop": false, "size": {"height": 224, "width": 224}}"#.utf8),
            name: "preprocessor_config.json", imageSize: 224))

        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("preprocessor_config.json")
        let text = try String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(of: "\"do_center_crop\": true", with: "\"do_center_crop\": false")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let loadMessage = errorMessage { _ = try CLIPModel.load(from: folder) }
        XCTAssertTrue(loadMessage.contains("preprocessor_config.json: do_center_crop is false"), loadMessage)
    }

    /// A long thin picture is resized only where the crop keeps it: 2 × 3000 gives the crop of
    /// the full resize (checked against resizing a square image the same way is done by the
    /// parity tests), and a 1 × 60000 strip no longer needs the 40 × 2.4 M resize.
    func testThinImagesAreCroppedFromTheirResize() throws {
        let model = try CLIPModel.load(from: Fixtures.model("quickgelu-fp32"))
        var pixels = [Float](repeating: 0, count: 2 * 3000 * 3)
        for i in pixels.indices { pixels[i] = Float((i * 7919) % 256) / 255 }
        let thin = RGBImage(width: 2, height: 3000, pixels: pixels)
        let tensor = model.preprocess(thin)
        XCTAssertEqual(tensor.count, 3 * 40 * 40)
        XCTAssertTrue(tensor.allSatisfy(\.isFinite))
        let strip = RGBImage(width: 1, height: 60000, fill: (0.5, 0.5, 0.5))
        let stripTensor = model.preprocess(strip)
        let grey = (Float(128) / 255 - CLIPImagePreprocessor.clipMean[0]) / CLIPImagePreprocessor.clipStd[0]
        XCTAssertEqual(stripTensor[0], grey, accuracy: 1e-5)
    }
}
