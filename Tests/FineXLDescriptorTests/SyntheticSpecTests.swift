import FineXLCore
import FineXLImage
import FineXLSupport
import XCTest
@testable import FineXLDescriptor

final class SyntheticSpecTests: XCTestCase {
    func testParsesAspectsWithSynonymsAndSpaces() throws {
        let parsed = try SyntheticSpec.parseAspects(" warm tones=0.6, Grainy = 0.3 ,vignette=1")
        XCTAssertEqual(parsed.map(\.name), ["warm tones", "film grain", "vignette"])
        XCTAssertEqual(parsed.map(\.level), [0.6, 0.3, 1])
    }

    func testUnknownAspectErrorListsKnownOnes() {
        XCTAssertThrowsError(try SyntheticSpec.parseAspects("warm tones=0.5,impressionist brushwork=0.4")) { error in
            let message = (error as? FineXLError)?.message ?? ""
            XCTAssertTrue(message.contains("\"impressionist brushwork\""), message)
            XCTAssertTrue(message.contains("film grain"), message)
        }
    }

    func testLevelOutsideZeroToOneIsRefused() {
        for text in ["sepia=1.5", "sepia=-0.1"] {
            XCTAssertThrowsError(try SyntheticSpec.parseAspects(text)) { error in
                XCTAssertTrue(((error as? FineXLError)?.message ?? "").contains("outside 0–1"), text)
            }
        }
    }

    func testMalformedAspectListsAreRefused() {
        for text in ["", "sepia", "sepia=strong", "sepia=0.2,sepia tone=0.3", "sepia=0.2=0.3"] {
            XCTAssertThrowsError(try SyntheticSpec.parseAspects(text), text)
        }
    }

    func testBaseAndVariantParseFromWords() throws {
        XCTAssertEqual(try SyntheticSpec.BaseKind(parsing: "Textures"), .textures)
        XCTAssertEqual(try SyntheticSpec.Variant(parsing: "alternate"), .alternate)
        XCTAssertThrowsError(try SyntheticSpec.BaseKind(parsing: "photos"))
        XCTAssertThrowsError(try SyntheticSpec.Variant(parsing: "other"))
    }

    func testPairsAreDeterministicAndDigestsDistinguishSides() throws {
        let spec = SyntheticSpec(aspects: [("sepia", 0.7)], count: 3, seed: 11, size: 48)
        let pairs = try SyntheticPairs(spec: spec)
        XCTAssertEqual(pairs.names, ["0001", "0002", "0003"])
        XCTAssertEqual(try pairs.image(.personal, at: 1), try SyntheticPairs(spec: spec).image(.personal, at: 1))
        XCTAssertNotEqual(try pairs.image(.personal, at: 1), try pairs.image(.base, at: 1))
        XCTAssertNotEqual(try pairs.contentDigest(.base, at: 0), try pairs.contentDigest(.personal, at: 0))
        XCTAssertNotEqual(try pairs.contentDigest(.base, at: 0), try pairs.contentDigest(.base, at: 1))
        XCTAssertEqual(pairs.prompts?.count, 3)
        XCTAssertThrowsError(try pairs.image(.base, at: 3))
    }

    func testInvalidSpecIsRefused() {
        XCTAssertThrowsError(try SyntheticPairs(spec: SyntheticSpec(aspects: [("sepia", 2)], count: 3)))
        XCTAssertThrowsError(try SyntheticPairs(spec: SyntheticSpec(aspects: [("glossy", 0.5)], count: 3)))
        XCTAssertThrowsError(try SyntheticPairs(spec: SyntheticSpec(aspects: [], count: 0)))
    }

    func testWriteProducesFoldersAndManifest() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("finexl-synth-test-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = SyntheticSpec(aspects: [("warm tones", 0.6), ("film grain", 0.3)], count: 3, seed: 17, size: 40,
                                 baseKind: .textures, variant: .alternate)
        try SyntheticPairs(spec: spec).write(to: directory)

        for side in ["base", "personal"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(side).path)
            XCTAssertEqual(files.sorted(), ["0001.png", "0002.png", "0003.png"], side)
        }
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(manifest["schema"] as? String, "finexl.synth/1")
        XCTAssertEqual(manifest["aspects"] as? [String: Double], ["warm tones": 0.6, "film grain": 0.3])
        XCTAssertEqual(manifest["base"] as? String, "textures")
        XCTAssertEqual(manifest["variant"] as? String, "alternate")
        XCTAssertEqual(manifest["size"] as? Int, 40)
        let pairs = try XCTUnwrap(manifest["pairs"] as? [[String: Any]])
        XCTAssertEqual(pairs.map { $0["name"] as? String }, ["0001", "0002", "0003"])
        XCTAssertEqual(pairs.map { $0["seed"] as? Int }, [17, 18, 19])
        XCTAssertEqual(pairs[0]["prompt"] as? String, spec.prompt(0))

        // The folders read back as pairs, with the manifest's prompts, and the PNGs hold the images.
        let folders = try ImageFolderPairs(base: directory.appendingPathComponent("base"),
                                           personal: directory.appendingPathComponent("personal"))
        XCTAssertEqual(folders.names, ["0001", "0002", "0003"])
        XCTAssertEqual(folders.prompts, (0..<3).map { spec.prompt($0) })
        let decoded = try folders.image(.personal, at: 2), rendered = try SyntheticPairs(spec: spec).image(.personal, at: 2)
        XCTAssertEqual(decoded.pixels.count, rendered.pixels.count)
        XCTAssertLessThan(zip(decoded.pixels, rendered.pixels).map { abs($0 - $1) }.max() ?? 1, 1e-5)
    }
}
