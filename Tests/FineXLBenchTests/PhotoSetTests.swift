import FineXLCore
import FineXLImage
import XCTest
@testable import FineXLBench

final class PhotoSetTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(PhotoSet.relativePath)

    func testShippedPhotosLoadAndMatchTheirReadme() throws {
        let set = try PhotoSet(directory: Self.directory)
        XCTAssertGreaterThanOrEqual(set.photos.count, 24)
        let readme = try String(contentsOf: Self.directory.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertEqual(Set(PhotoSet.listedFiles(inReadme: readme)), Set(set.photos.map { $0.name + ".png" }))
        for photo in set.photos {
            XCTAssertLessThanOrEqual(max(photo.image.width, photo.image.height), 256, photo.name)
            XCTAssertGreaterThanOrEqual(min(photo.image.width, photo.image.height), 64, photo.name)
            // Every file's row names a free licence.
            let row = readme.split(separator: "\n").first { $0.hasPrefix("| \(photo.name).png ") }
            XCTAssertNotNil(row, photo.name)
            XCTAssertTrue(row.map { $0.contains("| public domain |") || $0.contains("| CC0 |") } ?? false, photo.name)
        }
        let total = try set.photos.map { photo -> Int in
            let size = try FileManager.default.attributesOfItem(atPath: Self.directory.appendingPathComponent(photo.name + ".png").path)[.size]
            return (size as? Int) ?? 0
        }.reduce(0, +)
        XCTAssertLessThan(total, 5_000_000, "a few MB in all")
    }

    func testContentVariesAcrossTheSet() throws {
        let set = try PhotoSet(directory: Self.directory)
        let lumas = set.photos.map { Stats.meanLuma($0.image) }
        let warmth = set.photos.map { Stats.redMinusBlue($0.image) }
        XCTAssertLessThan(lumas.min()!, 0.15, "some dark pictures")
        XCTAssertGreaterThan(lumas.max()!, 0.6, "some bright pictures")
        XCTAssertLessThan(warmth.min()!, -0.1, "some cool pictures")
        XCTAssertGreaterThan(warmth.max()!, 0.2, "some warm pictures")
    }

    func testUnlistedOrMissingFilesAreNamedInTheError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("photoset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = try PNGEncoder.encode(RGBImage(width: 8, height: 8, fill: (0.2, 0.4, 0.6)))
        for name in ["a.png", "b.png", "extra.png"] { try Data(png).write(to: folder.appendingPathComponent(name)) }
        try "# Photos\n\n| source | licence |\n|---|---|\n| big.png | CC0 |\n\n## Files\n\n| file | licence |\n|---|---|\n| a.png | CC0 |\n| b.png | CC0 |\n| gone.png | CC0 |\n"
            .write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PhotoSet(directory: folder)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("extra.png"), text)
            XCTAssertTrue(text.contains("gone.png"), text)
        }
    }

    func testEditedPairsDigestFollowsTheEditsAndTheBaseIsTheFile() throws {
        let set = try PhotoSet(directory: Self.directory)
        let warm = PhotoEdits.all.first { $0.aspect == "warm tones" }!
        let a = EditedPhotoPairs(photos: set, edits: [(warm, 0.3)])
        let b = EditedPhotoPairs(photos: set, edits: [(warm, 0.6)])
        let fileBytes = try Data(contentsOf: Self.directory.appendingPathComponent(set.photos[0].name + ".png"))
        XCTAssertEqual(try a.contentDigest(.base, at: 0), SHA256.hex(bytes: fileBytes))
        XCTAssertNotEqual(try a.contentDigest(.personal, at: 0), try b.contentDigest(.personal, at: 0))
        XCTAssertEqual(try a.image(.base, at: 0), set.photos[0].image)
        let personal = try a.image(.personal, at: 0)
        XCTAssertTrue(personal.pixels.allSatisfy { ($0 * 255).rounded() == $0 * 255 }, "rounded to 8 bits")
        XCTAssertGreaterThan(Stats.redMinusBlue(personal), Stats.redMinusBlue(set.photos[0].image))
    }
}
