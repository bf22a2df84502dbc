import FineXLCore
import FineXLSupport
import Foundation
import XCTest
@testable import FineXLDescriptor

final class InContextDirectionsTests: XCTestCase {
    /// Procedural scenes at the working resolution with a colour cast already in them.
    private func scenes(_ count: Int, cast: Aspect.Kind?) -> [RGBImage] {
        (0..<count).map { i in
            let seed = UInt64(500 + i)
            var image = SceneGenerator().render(prompt: SceneGenerator.prompt(seed: seed), seed: seed, width: 64, height: 64)
            if let cast {
                for _ in 0..<2 { image = Aspect(cast).apply(to: image, level: 1) }
            }
            return ImageFilters.quantized8(image)
        }
    }

    private func measured(_ images: [RGBImage], cache: URL? = nil) throws -> MeasuredConcepts {
        try DescriptorEncoder().measureConcepts(
            ["warm tones", "film grain"],
            context: ConceptContext(prompts: [], promptSource: "test", images: ContextImages(images: images), cacheDirectory: cache))
    }

    private func direction(_ m: MeasuredConcepts, _ i: Int) throws -> [Double] {
        guard case .vector(let v) = m.mappings[i] else { throw FineXLError("not a vector") }
        return v
    }

    func testWarmGainsRaiseChromaMoreOnWarmContentThanOnTheReferenceSet() throws {
        // White-balance gains push R − B further apart: on warm content that is more chroma,
        // on cool content less (R and B move toward each other first).
        let chroma = DescriptorStatistics.names.firstIndex(of: "chroma mean")!
        let warmAxis = DescriptorStatistics.names.firstIndex(of: "warm–cool axis mean (R−B)")!
        let reference = DescriptorCalibration.shared.directions[.warmTones]!
        let onWarm = try measured(scenes(8, cast: .warmTones))
        let onCool = try measured(scenes(8, cast: .coolTones))
        XCTAssertEqual(onWarm.source, DirectionSource(source: "in-context", images: 8))
        let warm = try direction(onWarm, 0), cool = try direction(onCool, 0)
        let share = { (v: [Double]) in v[chroma] / v[warmAxis] }
        XCTAssertGreaterThan(share(warm), share(reference) + 0.2, "warm \(share(warm)) reference \(share(reference))")
        XCTAssertLessThan(share(cool), share(reference) - 0.2, "cool \(share(cool)) reference \(share(reference))")
        // Still the same concept: the direction turns, it does not flip.
        XCTAssertGreaterThan(Vector.cosine(warm, reference), 0.5)
        XCTAssertEqual(onWarm.perImage[0]?.count, 8)
        XCTAssertEqual(Vector.mean(onWarm.perImage[0]!), warm)
    }

    func testFewImagesFallBackToTheReferenceSetAndSaySo() throws {
        let few = try measured(scenes(InContextDirections.minimumImages - 1, cast: nil))
        XCTAssertEqual(few.source?.source, "reference")
        XCTAssertEqual(few.source?.images, 28)
        XCTAssertTrue(few.source?.reason?.contains("only \(InContextDirections.minimumImages - 1) base images") ?? false, few.source?.reason ?? "no reason")
        XCTAssertEqual(try direction(few, 0), DescriptorCalibration.shared.directions[.warmTones]!)

        let none = try DescriptorEncoder().measureConcepts(["sepia"], context: ConceptContext(prompts: [], promptSource: "npy"))
        XCTAssertEqual(none.source?.source, "reference")
        XCTAssertTrue(none.source?.reason?.contains("no base images") ?? false)
    }

    func testEachLookStatesItsOppositeUnderItsCanonicalName() throws {
        let measured = try DescriptorEncoder().measureConcepts(["warmer", "cool tones", "film grain", "no such look"],
                                                               context: ConceptContext(prompts: [], promptSource: "npy"))
        XCTAssertEqual(measured.oppositions, [Opposition(look: "warm tones", opposite: "cool tones"),
                                              Opposition(look: "cool tones", opposite: "warm tones"), nil, nil])
        // Opposition is symmetric over every built-in look, and no look is its own opposite.
        for kind in Aspect.Kind.allCases {
            if let opposite = kind.opposite {
                XCTAssertEqual(opposite.opposite, kind)
                XCTAssertNotEqual(opposite, kind)
            }
        }
        XCTAssertEqual(Aspect.Kind.allCases.filter { $0.opposite != nil }.count, 10)
    }

    func testDirectionsAreCachedByTheImagesAndReadBackTheSame() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-incontext-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = scenes(8, cast: nil)
        let first = try measured(images, cache: folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("directions").path)
        XCTAssertEqual(files.count, 1)
        let second = try measured(images, cache: folder)
        XCTAssertEqual(first.mappings, second.mappings)
        XCTAssertEqual(first.perImage[1], second.perImage[1])
        XCTAssertEqual(first.levelResponses[1], second.levelResponses[1])
        // The concept's other forms are measured and cached with it (film grain: colour, clumped and faint grain).
        XCTAssertEqual(first.forms[1].map(\.name), [Aspect.Form.colourGrain.rawValue, Aspect.Form.clumpedGrain.rawValue,
                                                    Aspect.Form.faintGrain.rawValue])
        XCTAssertEqual(first.forms[1], second.forms[1])
        XCTAssertEqual(first.forms[1][0].perImage?.count, 8)
        // Grain's response is measured at ¼, ½ and 1 and rises with the level.
        let grain = try XCTUnwrap(first.levelResponses[1])
        XCTAssertEqual(grain.levels, [0.25, 0.5, 1])
        XCTAssertTrue(grain.isMonotone, "\(grain.weights)")
        // Each concept's alternate rendering is measured on the same images (the response images:
        // all 8 here) and cached with it; it makes the same look, so it points the same way, but it
        // is not the canonical one, and it differs from it less than either varies between images.
        let alternate = try XCTUnwrap(first.alternates[0])
        XCTAssertEqual(first.alternates, second.alternates)
        XCTAssertEqual(alternate.perImageChange.count, 8)
        let warm = try direction(first, 0), warmAlternate = alternate.direction(from: warm)
        XCTAssertNotEqual(warmAlternate, warm)
        XCTAssertGreaterThan(Vector.cosine(warmAlternate, warm), 0.8)
        let spread = { (rows: [[Double]]) in
            rows.map { Vector.norm(Vector.subtract($0, Vector.mean(rows))) }.reduce(0, +) / Double(rows.count)
        }
        XCTAssertLessThan(spread(alternate.perImageChange), spread(try XCTUnwrap(first.perImage[0])))
        XCTAssertTrue(first.alternates[1]?.levelResponse?.isMonotone ?? false)
        // Other images, another key.
        _ = try measured(scenes(8, cast: .warmTones), cache: folder)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("directions").path).count, 2)
    }

    func testStrengthSpreadPoolsHowTheTwoRenderingsOfEveryLookDisagree() throws {
        let names = Aspect.all.map(\.name)
        let measured = try DescriptorEncoder().measureConcepts(
            names, context: ConceptContext(prompts: [], promptSource: "test", images: ContextImages(images: scenes(8, cast: nil))))
        let spreads = measured.alternates.map { $0?.strengthSpread }
        let spread = try XCTUnwrap(spreads[0])
        XCTAssertEqual(spread.looks, names.count)
        XCTAssertTrue(spreads.allSatisfy { $0 == spread })
        // The root mean square of log r, r the weight each look's canonical direction gives its alternate's.
        let logs = try measured.alternates.indices.map { i -> Double in
            let canonical = try direction(measured, i)
            let alternate = try XCTUnwrap(measured.alternates[i]).direction(from: canonical)
            return log(StrengthSpread.ratio(of: alternate, along: canonical))
        }
        XCTAssertEqual(spread.logSD, (logs.map { min(abs($0), log(StrengthSpread.clamp)) }.map { $0 * $0 }.reduce(0, +)
            / Double(logs.count)).squareRoot(), accuracy: 1e-9)
        // The renderings make the same looks: they differ in strength, but not by a factor of 2.
        XCTAssertGreaterThan(spread.logSD, 0.01)
        XCTAssertLessThan(spread.logSD, log(2.0))
        // The reference set measures no alternates, so no spread either.
        let reference = try DescriptorEncoder().measureConcepts(
            names, context: ConceptContext(prompts: [], promptSource: "test", images: ContextImages(images: scenes(2, cast: nil))))
        XCTAssertTrue(reference.alternates.allSatisfy { $0 == nil })
    }
}
