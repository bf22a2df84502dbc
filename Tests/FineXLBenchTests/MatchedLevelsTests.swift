import FineXLCore
import FineXLDescriptor
import FineXLSupport
import XCTest
@testable import FineXLBench

/// The matched level: an edit's strength as a level of its concept, measured on the pixels.
final class MatchedLevelsTests: XCTestCase {
    /// Three photos of the shipped set at half size (fast, still real pictures).
    private static let images: [RGBImage] = {
        let shipped = try! PhotoSet(directory: PhotoSetTests.directory)
        return ["chelsea_fur", "coffee_cup", "rocket_sky"].map { name in
            ReducedImage(shipped.photos.first { $0.name == name }!.image, by: 2).means
        }
    }()

    private static func aspect(_ name: String) -> Aspect { Aspect.named(name)! }

    /// An edit that is the concept's own canonical rendering at `scale` × the level.
    private static func canonicalEdit(_ name: String, scale: Float) -> PhotoEdit {
        let aspect = aspect(name)
        return PhotoEdit(name, "canonical ×\(scale)", set: 9, "test") { image, t, seed in
            aspect.canonicalRendering(of: image, level: Double(scale * t), seed: seed)
        }
    }

    func testTheConceptsOwnRenderingMatchesItsLevelOffTheGridAndPastLevelOne() {
        // Deterministic looks are found by the nearest rendering, between grid levels and past 1.
        for (name, scale) in [("warm tones", Float(1.7)), ("high contrast", 1.33), ("blurry", 1.8), ("vignette", 1.2)] {
            let edit = Self.canonicalEdit(name, scale: scale)
            let matched = MatchedLevels.measure([edit], of: Self.aspect(name), levels: [0.35, 0.8], images: Self.images)[edit.id]!
            XCTAssertEqual(matched[0], Double(scale) * 0.35, accuracy: 0.03, name)
            XCTAssertEqual(matched[1], Double(scale) * 0.8, accuracy: 0.03, name)
        }
    }

    func testGrainIsMatchedByTheSizeOfItsChangeNotItsPixels() {
        // Another seed's grain is far from every rendering pixel by pixel; its size is what matches.
        let grain = Self.aspect("film grain")
        let edit = PhotoEdit("film grain", "canonical, other seed", set: 9, "test") { image, t, seed in
            grain.canonicalRendering(of: image, level: Double(1.5 * t), seed: seed &+ 977)
        }
        let matched = MatchedLevels.measure([edit], of: grain, levels: [0.4, 1.0], images: Self.images)[edit.id]!
        XCTAssertEqual(matched[0], 0.6, accuracy: 0.06)
        XCTAssertEqual(matched[1], 1.5, accuracy: 0.12)
    }

    func testAStrongerToolMatchesAHigherLevelAndNoEditMatchesZero() {
        // Pillow's Color enhance: saturation ×(1 + 0.9t) is stronger at every level than at the one before.
        let vivid = PhotoEdits.all.first { $0.id == "vivid colors / Pillow Color enhance" }!
        let identity = PhotoEdit("vivid colors", "nothing", set: 9, "test") { image, _, _ in image }
        let matched = MatchedLevels.measure([vivid, identity], of: Self.aspect("vivid colors"), levels: [0.2, 0.5, 1.0],
                                            images: Self.images)
        let levels = matched[vivid.id]!
        XCTAssertLessThan(levels[0], levels[1])
        XCTAssertLessThan(levels[1], levels[2])
        XCTAssertGreaterThan(levels[2], 1.5, "×1.9 saturation is well past vibrance level 1")
        for level in matched[identity.id]! { XCTAssertLessThan(level, 0.01, "an unedited photo (rounded to 8 bits) matches about 0") }
    }

    func testParabolaVertexAndSizeInterpolation() {
        let grid = MatchedLevels.grid(upTo: 3)
        XCTAssertEqual(grid.first, 0)
        XCTAssertEqual(grid.last, 3)
        XCTAssertEqual(grid.filter { $0 <= 2 + 1e-9 }.count, 21, "steps of 0.1 up to 2")
        // Vertices where the steps are even, where they change (2.0 → 2.25) and next to level 0.
        for vertex in [1.37, 2.07, 0.03] {
            let quadratic = grid.map { ($0 - vertex) * ($0 - vertex) + 2 }
            XCTAssertEqual(MatchedLevels.nearestLevel(quadratic, grid: grid), vertex, accuracy: 1e-9)
        }
        XCTAssertEqual(MatchedLevels.nearestLevel(grid.map { ($0 + 0.5) * ($0 + 0.5) }, grid: grid), 0, "not below 0")
        XCTAssertEqual(MatchedLevels.nearestLevel(grid.map { 5 - $0 }, grid: grid), 3, "the ceiling when still falling there")

        // Sizes growing as the square of the level (root-mean-square ∝ level): exact inside, extrapolated past
        // for grain, the ceiling for posterization.
        let sizes = grid.map { 4 * $0 * $0 }
        XCTAssertEqual(MatchedLevels.levelOfSize(4 * 0.72 * 0.72, sizes: sizes, grid: grid), 0.72, accuracy: 1e-9)
        XCTAssertEqual(MatchedLevels.levelOfSize(4 * 4.5 * 4.5, sizes: sizes, grid: grid), 4.5, accuracy: 1e-9)
        XCTAssertEqual(MatchedLevels.levelOfSize(4 * 4.5 * 4.5, sizes: sizes, grid: grid, extrapolating: false), 3)
        XCTAssertEqual(MatchedLevels.levelOfSize(0, sizes: sizes, grid: grid), 0)
    }

    func testCanonicalRenderingMatchesApplyUpToOneAndItsCeilingIsWhereTheLookRunsOut() {
        let image = Self.images[0]
        for aspect in Aspect.all {
            XCTAssertEqual(aspect.canonicalRendering(of: image, level: 0.6, seed: 3), aspect.apply(to: image, level: 0.6, seed: 3),
                           aspect.name)
            XCTAssertGreaterThanOrEqual(aspect.canonicalCeiling, 1, aspect.name)
        }
        XCTAssertNotEqual(Self.aspect("dark").canonicalRendering(of: image, level: 2), Self.aspect("dark").apply(to: image, level: 2),
                          "apply stops at 1, the canonical rendering goes on")
        // At each ceiling the look has run out: a channel gain reaches 0, chroma reaches 0, the
        // corners reach black, two grey levels are left.
        func rendered(_ name: String, _ pixels: [Float], width: Int = 1, height: Int = 1, atShare share: Double = 1) -> [Float] {
            let aspect = Self.aspect(name)
            return aspect.canonicalRendering(of: RGBImage(width: width, height: height, pixels: pixels),
                                             level: share * Double(aspect.canonicalCeiling)).pixels
        }
        // …and not before it.
        XCTAssertGreaterThan(rendered("warm tones", [0.5, 0.5, 0.5], atShare: 0.9)[2], 0.05)
        XCTAssertGreaterThan(rendered("vignette", [Float](repeating: 0.8, count: 9 * 9 * 3), width: 9, height: 9, atShare: 0.9)[0], 0.05)
        let lessMuted = rendered("muted colors", [0.8, 0.4, 0.2], atShare: 0.9)
        XCTAssertGreaterThan(lessMuted[0] - lessMuted[2], 0.02)
        XCTAssertEqual(rendered("warm tones", [0.5, 0.5, 0.5])[2], 0, accuracy: 1e-6, "blue gain 1 − 0.2ℓ")
        XCTAssertEqual(rendered("cool tones", [0.5, 0.5, 0.5])[0], 0, accuracy: 1e-6, "red gain 1 − 0.2ℓ")
        let muted = rendered("muted colors", [0.8, 0.4, 0.2])
        XCTAssertEqual(muted[0], muted[2], accuracy: 1e-5, "no chroma left")
        let contrast = rendered("low contrast", [0.9, 0.9, 0.9, 0.1, 0.1, 0.1], width: 2)
        XCTAssertEqual(contrast[0], contrast[3], accuracy: 1e-5, "contrast ×(1 − 0.4ℓ) reaches 0")
        let vignette = rendered("vignette", [Float](repeating: 0.8, count: 9 * 9 * 3), width: 9, height: 9)
        XCTAssertEqual(vignette[0], 0, accuracy: 1e-4, "the corner is black")
        XCTAssertGreaterThan(vignette[(4 * 9 + 4) * 3], 0.7, "the centre is not")
        let ramp = (0..<64).flatMap { i in [Float](repeating: Float(i) / 63, count: 3) }
        XCTAssertEqual(Set(rendered("posterized", ramp, width: 64)).count, 2, "two grey levels")
    }

    func testPointwiseLooksAreMatchedAtHalfSizeAndLooksOfNeighboursAtFullSize() {
        let image = Self.images[0]
        for name in ["warm tones", "vivid colors", "high contrast", "bright", "vignette", "sepia"] {
            XCTAssertEqual(MatchedLevels.workingImage(image, for: Self.aspect(name).kind).width, image.width / 2, name)
        }
        for name in ["blurry", "sharp", "film grain", "posterized"] {
            XCTAssertEqual(MatchedLevels.workingImage(image, for: Self.aspect(name).kind), image, name)
        }
    }
}

extension MatchedLevelsTests {
    func testTheSizeOfAChangeLeavesOutItsMeanShift() {
        // A uniform shift has no size as noise or rounding; a ±0.1 alternation has 0.01 per value.
        let base = RGBImage(width: 2, height: 1, pixels: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
        let shifted = RGBImage(width: 2, height: 1, pixels: [0.4, 0.4, 0.4, 0.4, 0.4, 0.4])
        let alternating = RGBImage(width: 2, height: 1, pixels: [0.6, 0.6, 0.6, 0.4, 0.4, 0.4])
        XCTAssertEqual(MatchedLevels.changeVariance(shifted, base), 0, accuracy: 1e-12)
        XCTAssertEqual(MatchedLevels.changeVariance(alternating, base), 0.06, accuracy: 1e-7)
        XCTAssertEqual(MatchedLevels.squaredDistance(shifted, base), 0.06, accuracy: 1e-7)
    }
}
