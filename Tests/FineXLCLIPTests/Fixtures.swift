import FineXLCLIP
import FineXLCore
import FineXLSupport
import Foundation
import XCTest

/// The files written by Tools/make_clip_fixtures.py from transformers' CLIP.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/clip")
    static let modelNames = ["quickgelu-fp32", "gelu-fp16"]

    struct Reference: Decodable {
        struct Model: Decodable {
            var token_ids: [[Int]]
            var projection_dim: Int
        }
        var texts: [String]
        var images: [String]
        var models: [String: Model]
    }

    static func reference(in root: URL = root) throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: root.appendingPathComponent("reference.json")))
    }

    static func model(_ name: String, in root: URL = root) -> URL { root.appendingPathComponent(name) }

    static func referenceFile(_ model: String, _ file: String, in root: URL = root) throws -> [[Float]] {
        try NPY.read(contentsOf: root.appendingPathComponent("reference-\(model)/\(file)"))
    }

    /// A fixture image from its raw 8-bit pixels (H rows of 3W values).
    static func image(_ name: String, in root: URL = root) throws -> RGBImage {
        let rows = try NPY.read(contentsOf: root.appendingPathComponent("images/\(name).pixels.npy"))
        let width = rows[0].count / 3
        return RGBImage(width: width, height: rows.count, pixels: rows.flatMap { $0.map { $0 / 255 } })
    }

    /// A scratch copy of a model folder that a test may damage.
    static func scratchCopy(of model: String) throws -> URL {
        let target = FileManager.default.temporaryDirectory
            .appendingPathComponent("finexl-clip-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: self.model(model), to: target)
        return target
    }
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    let dot = zip(a, b).map { $0 * $1 }.reduce(0, +)
    let na = a.map { $0 * $0 }.reduce(0, +).squareRoot()
    let nb = b.map { $0 * $0 }.reduce(0, +).squareRoot()
    return dot / (na * nb)
}
