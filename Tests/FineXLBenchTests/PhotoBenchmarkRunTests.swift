import FineXLCore
import FineXLDescriptor
import FineXLImage
import FineXLPipeline
import FineXLSupport
import XCTest
@testable import FineXLBench

/// The whole path on a small set: photos edited, explained through the pipeline with directions
/// measured on them (8 photos; in-context directions need 6), scored.
final class PhotoBenchmarkRunTests: XCTestCase {
    /// Eight of the shipped photos at half size in a folder of their own, removed at the end of the test.
    private func eightPhotos() throws -> PhotoSet {
        let shipped = try PhotoSet(directory: PhotoSetTests.directory)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("photobench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        var readme = "# tiny\n\n## Files\n\n| file | licence |\n|---|---|\n"
        for name in ["astronaut_face", "rocket_sky", "chelsea_fur", "hopper_flag",
                     "coffee_cup", "hubble_wide", "present_bow", "retina_whole"] {
            let photo = shipped.photos.first { $0.name == name }!
            try Data(try PNGEncoder.encode(ReducedImage(photo.image, by: 2).means))
                .write(to: folder.appendingPathComponent(name + ".png"))
            readme += "| \(name).png | CC0 |\n"
        }
        try readme.write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        return try PhotoSet(directory: folder)
    }

    func testWarmGainsOnEightPhotosReadAsWarmTonesGrowingWithTheLevel() throws {
        var options = PhotoBenchmark.Options()
        options.only = ["warm tones / channel gains", "blurry / Gaussian"]
        options.levels = [0.3, 1.0]
        options.multiLevels = [0.3, 0.9]
        options.aspectPairs = [["warm tones", "blurry"]]
        options.pairSets = [(1, 1)]
        options.explainOptions.bootstrapResamples = 20
        let report = try PhotoBenchmark.run(options, photos: try eightPhotos())

        XCTAssertEqual(report.singleModels.count, 4)
        XCTAssertEqual(report.models.count, 4 + 4)
        let warm = report.editScores.first { $0.aspect == "warm tones" }!
        XCTAssertGreaterThan(warm.weights[0], 0)
        XCTAssertGreaterThan(warm.weights[1], warm.weights[0])
        XCTAssertEqual(warm.rankMAE, 0)
        let pair = report.pairScores[0]
        XCTAssertEqual(pair.models, 4)
        for model in report.models { XCTAssertFalse(model.concepts.isEmpty) }
        XCTAssertTrue(report.renderTable().contains("warm tones / channel gains + blurry / Gaussian"))
        // Each edit's strength measured on the same photos: stronger at the higher level, and the
        // warm gains (red ×1.15, blue ×0.82 in sRGB at level 1) past warm tones' level 1.
        let matchedWarm = try XCTUnwrap(report.matchedLevels["warm tones / channel gains"])
        let matchedBlur = try XCTUnwrap(report.matchedLevels["blurry / Gaussian"])
        XCTAssertEqual(matchedWarm.count, 2)
        XCTAssertLessThan(matchedWarm[0], matchedWarm[1])
        XCTAssertLessThan(matchedBlur[0], matchedBlur[1])
        XCTAssertGreaterThan(matchedWarm[1], 1.2)
        XCTAssertNil(report.pairScores[0].byMatchedLevel, "the pair's level 0.9 was not measured alone, so no claim")
        // The control: each benchmarked aspect's own rendering, explained the same way, at its level.
        XCTAssertEqual(report.controlModels.map { $0.planted[0].aspect }, ["warm tones", "warm tones", "blurry", "blurry"])
        XCTAssertEqual(report.controlScores.map(\.aspect), ["warm tones", "blurry"])
        for control in report.controlScores {
            XCTAssertEqual(control.identified, 2, control.aspect)
            XCTAssertEqual(control.weights[1], 1, accuracy: 0.2, control.aspect)
        }
    }

    func testAThirtyPerCentMixToGreyIsMutedWithBlackAndWhiteStatedAtItsLevel() throws {
        var options = PhotoBenchmark.Options()
        options.only = ["black and white / BT.601 luma"]
        options.levels = [0.3]
        options.aspectPairs = []
        options.explainOptions.bootstrapResamples = 100
        let report = try PhotoBenchmark.run(options, photos: try eightPhotos())
        let model = try XCTUnwrap(report.singleModels.first)
        // By the stated rule 70 % of the colour left is muted colors; black and white fits as
        // well in its place, at the mix's level, with an interval that holds it.
        XCTAssertEqual(model.top, "muted colors", model.describeTop())
        let stated = try XCTUnwrap(model.concepts.first { $0.name == "muted colors" }?.alternatives?.first { $0.name == "black and white" })
        XCTAssertEqual(stated.weight, 0.3, accuracy: 0.1)
        XCTAssertTrue(model.covers("black and white", 0.3), "\(stated)")
        XCTAssertFalse(model.covers("black and white", 0.3, alternatives: false))
    }

    /// A wide unsharp mask (σ 2.5 px on these 128 px photos, amount 0.8: a clarity-like edit,
    /// made here with the benchmark's own pixel arithmetic) is sharpening: it read film grain
    /// first until sharp's wide-radius form.
    func testAWideUnsharpMaskReadsAsSharpNotFilmGrain() throws {
        let wide = PhotoEdit("sharp", "wide unsharp mask", set: 9, "σ = 2.5 px, amount 0.8t") { image, t, _ in
            let blurred = PixelMath.separable(image, kernel: PixelMath.gaussian(sigma: 2.5))
            return image.combined(with: blurred) { v, soft in v + 0.8 * t * (v - soft) }
        }
        let source = EditedPhotoPairs(photos: try eightPhotos(), edits: [(wide, 1)])
        var options = ExplainOptions()
        options.bootstrapResamples = 50
        let run = try Analysis.explain(source, encoder: DescriptorEncoder(), concepts: .vocabulary(top: 20), options: options, cacheDirectory: nil)
        let concepts = run.explanation.concepts
        XCTAssertEqual(concepts.first?.name, "sharp", concepts.map { "\($0.name) \($0.weight)" }.joined(separator: ", "))
        XCTAssertLessThan(concepts.first { $0.name == "film grain" }?.weight ?? 0, 0.15)
    }
}
