import FineXLCLIP
import FineXLCore
import Foundation
import XCTest

final class CLIPEncoderTests: XCTestCase {
    private func encoder() throws -> CLIPEncoder {
        CLIPEncoder(model: try CLIPModel.load(from: Fixtures.model("quickgelu-fp32")))
    }

    func testImageEmbeddingsAreUnitLength() throws {
        let embeddings = try encoder().embed([try Fixtures.image("wide40x56")])
        XCTAssertEqual(embeddings[0].count, 24)
        XCTAssertEqual(embeddings[0].map { $0 * $0 }.reduce(0, +), 1, accuracy: 1e-5)
    }

    func testConceptIsMeanOfPromptDifferences() throws {
        let encoder = try encoder()
        let prompts = ["a photo of a house", "a painting of the sea"]
        let mapped = try encoder.mapConcepts(["warm tones"], context: ConceptContext(prompts: prompts, promptSource: "test"))
        guard case .vector(let direction) = mapped[0] else { return XCTFail("not a vector: \(mapped[0])") }
        let base = try encoder.model.embedTexts(prompts)
        let combined = try encoder.model.embedTexts(prompts.map { "\($0), warm tones" })
        for i in 0..<encoder.dimension {
            let expected = (Double(combined[0][i] - base[0][i]) + Double(combined[1][i] - base[1][i])) / 2
            XCTAssertEqual(direction[i], expected, accuracy: 1e-6)
        }
    }

    func testEmptyPromptsFallBackToGenericTemplates() throws {
        let encoder = try encoder()
        let fromEmpty = try encoder.mapConcepts(["sepia"], context: ConceptContext(prompts: [], promptSource: "none"))
        let fromTemplates = try encoder.mapConcepts(
            ["sepia"], context: ConceptContext(prompts: CLIPEncoder.genericPromptTemplates, promptSource: "templates"))
        XCTAssertEqual(fromEmpty, fromTemplates)
    }

    func testEmptyConceptIsUnrepresentable() throws {
        let mapped = try encoder().mapConcepts(["  "], context: ConceptContext(prompts: ["a photo"], promptSource: "test"))
        guard case .unrepresentable = mapped[0] else { return XCTFail("expected unrepresentable") }
    }

    func testIdentityChangesWithTheWeights() throws {
        let original = try encoder().identity
        let folder = try Fixtures.scratchCopy(of: "quickgelu-fp32")
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try CLIPEncoder(directory: folder).identity, original)
        let weights = folder.appendingPathComponent("model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: weights))
        // The first data bytes are always among the sampled ones.
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        bytes[8 + headerLength + 5] ^= 0x40
        try Data(bytes).write(to: weights)
        XCTAssertNotEqual(try CLIPEncoder(directory: folder).identity, original)
    }
}
