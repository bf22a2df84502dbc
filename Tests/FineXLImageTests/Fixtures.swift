import Foundation
import XCTest

/// Test fixtures committed under Tests/Fixtures/images (written once by Tools/make_image_fixtures.py).
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("images")

    struct Sample: Decodable {
        let x: Int
        let y: Int
        let rgb: [Float]
    }

    struct Case: Decodable {
        let kind: String
        let width: Int
        let height: Int
        let tolerance: Float
        let samples: [Sample]
    }

    private struct Expected: Decodable {
        let cases: [String: Case]
    }

    static func cases() throws -> [String: Case] {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data).cases
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }
}

/// A fresh temporary folder removed after the test.
func makeTemporaryFolder(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("finexl-image-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

