import FineXLCore
import FineXLSupport
import XCTest
@testable import FineXLDescriptor

final class DescriptorEncoderTests: XCTestCase {
    private let context = ConceptContext(prompts: ["a house"], promptSource: "test")
    static let builtIn = ["warm tones", "cool tones", "vivid colors", "muted colors", "black and white", "sepia",
                          "high contrast", "low contrast", "bright", "dark", "blurry", "sharp", "film grain",
                          "vignette", "posterized"]

    func testEveryBuiltInConceptMapsToAVector() throws {
        let encoder = DescriptorEncoder()
        let mappings = try encoder.mapConcepts(Self.builtIn, context: context)
        for (name, mapping) in zip(Self.builtIn, mappings) {
            guard case .vector(let direction) = mapping else { return XCTFail("\(name) is not representable") }
            XCTAssertEqual(direction.count, encoder.dimension, name)
            XCTAssertGreaterThan(Vector.norm(direction), 0, name)
            XCTAssertTrue(direction.allSatisfy(\.isFinite), name)
        }
        XCTAssertEqual(Set(DescriptorEncoder.representableConcepts), Set(Self.builtIn))
    }

    func testSynonymsMapToTheSameDirection() throws {
        let encoder = DescriptorEncoder()
        let pairs = [("Warm  Tones", "warm tones"), ("grainy", "film grain"), ("B&W", "black and white"),
                     ("monochrome", "black and white"), ("vignetting", "vignette"), ("posterised", "posterized"),
                     ("vivid colours", "vivid colors"), ("out-of-focus", "blurry"), ("sepia tone", "sepia")]
        for (synonym, canonical) in pairs {
            let mapped = try encoder.mapConcepts([synonym, canonical], context: context)
            XCTAssertEqual(mapped[0], mapped[1], synonym)
            XCTAssertEqual(DescriptorEncoder.canonicalName(of: synonym), canonical)
        }
    }

    func testAbstractConceptIsUnrepresentableWithAReason() throws {
        let mapped = try DescriptorEncoder().mapConcepts(["impressionist brushwork"], context: context)
        guard case .unrepresentable(let reason) = mapped[0] else { return XCTFail("expected unrepresentable") }
        XCTAssertTrue(reason.contains("low-level image statistics"), reason)
        XCTAssertTrue(reason.contains("warm tones"), reason)
        XCTAssertTrue(reason.contains("clip"), reason)
    }

    func testCanonicalDescriptionsExistOnlyForRepresentableConcepts() {
        for name in Self.builtIn {
            let description = DescriptorEncoder.canonicalDescription(of: name)
            XCTAssertNotNil(description, name)
            XCTAssertTrue(description?.hasPrefix(name + ": ") == true, name)
        }
        XCTAssertNil(DescriptorEncoder.canonicalDescription(of: "glossy finish"))
    }

    func testEmbeddingHasOneNamedFiniteValuePerDimension() throws {
        let encoder = DescriptorEncoder()
        let image = SceneGenerator().render(prompt: "a car in the desert at noon", seed: 9, width: 80, height: 60)
        let embedding = try encoder.embed([image])[0]
        XCTAssertEqual(embedding.count, encoder.dimension)
        XCTAssertEqual(DescriptorEncoder.dimensionNames.count, encoder.dimension)
        XCTAssertEqual(Set(DescriptorEncoder.dimensionNames).count, encoder.dimension)
        XCTAssertTrue(embedding.allSatisfy(\.isFinite))
        XCTAssertEqual(encoder.dimension, DescriptorStatistic.allCases.count)
    }

    func testEmbeddingHandlesTinyAndFlatImages() throws {
        let encoder = DescriptorEncoder()
        for image in [RGBImage(width: 1, height: 1, fill: (0.2, 0.4, 0.6)), RGBImage(width: 7, height: 300, fill: (0, 0, 0)),
                      RGBImage(width: 33, height: 17, fill: (1, 1, 1))] {
            XCTAssertTrue(try encoder.embed([image])[0].allSatisfy(\.isFinite), "\(image.width)×\(image.height)")
        }
    }

    func testConcurrentEmbeddingMatchesSerial() throws {
        let encoder = DescriptorEncoder()
        let images = (0..<8).map { SceneGenerator().render(prompt: SceneGenerator.prompt(seed: UInt64($0)), seed: UInt64($0), width: 64, height: 64) }
        let serial = try encoder.embed(images)
        let parallel = try Parallel.map(images.count) { try encoder.embed([images[$0]])[0] }
        XCTAssertEqual(serial, parallel)
    }

    /// Decoders may hand the encoder images already reduced as it accepts; the embedding must be
    /// the one the full image gives, bit for bit.
    func testImagesReducedAsAcceptedEmbedLikeTheFullImage() throws {
        let encoder = DescriptorEncoder()
        for (width, height) in [(512, 512), (700, 300), (300, 1000), (255, 255)] {
            // Posterized, so the unaveraged pixels the levels statistic reads differ from the means.
            let scene = SceneGenerator().render(prompt: "a red boat at dusk", seed: 3, width: width, height: height)
            let image = ImageFilters.mapPixels(scene) { r, g, b in ((r * 5).rounded() / 5, (g * 5).rounded() / 5, b) }
            let k = encoder.acceptedReduction.factor(width: width, height: height)
            XCTAssertEqual(k, max(1, min(width, height) / 128))
            let full = try encoder.embed([image])
            XCTAssertEqual(try encoder.embed(reduced: [ReducedImage(image, by: k)]), full, "\(width)×\(height)")
            XCTAssertEqual(try encoder.embed(reduced: [ReducedImage(image, by: 1)]), full, "\(width)×\(height)")
        }
    }

    /// The identity keys every cached embedding: it must change only when the definition does
    /// (statistic names, canonical renderings, reference set, version). Pinned, so a refactor
    /// that changes a name or a rendering's description by accident fails here.
    func testIdentityIsPinnedToTheDefinition() {
        XCTAssertEqual(DescriptorEncoder().identity.prefix(16), "e5c22ac7af13e480")
        XCTAssertEqual(DescriptorEncoder().identity.count, 64)
    }

    func testDimensionNamesFollowTheStatisticsInOrder() {
        let encoder = DescriptorEncoder()
        XCTAssertEqual(encoder.dimension, 46)
        XCTAssertEqual(DescriptorEncoder.dimensionNames.count, encoder.dimension)
        XCTAssertEqual(DescriptorEncoder.dimensionNames.first, "luma mean")
        XCTAssertEqual(DescriptorEncoder.dimensionNames[DescriptorStatistic.levelsUsed.rawValue],
                       "levels used per channel range (log2 per 256)")
        XCTAssertEqual(DescriptorEncoder.dimensionNames.last, "chroma 10th percentile")
        XCTAssertEqual(Set(DescriptorEncoder.dimensionNames).count, encoder.dimension, "names are unique")
    }

    func testExplainerRecoversAPlantedAspect() throws {
        for (aspect, level) in [("warm tones", 0.6), ("film grain", 0.5), ("vignette", 0.7)] {
            let explanation = try explainSynthetic(aspect, level, size: 128)
            XCTAssertEqual(explanation.concepts.first?.name, aspect)
            XCTAssertEqual(explanation.weight(of: aspect) ?? 0, level, accuracy: 0.15, aspect)
        }
    }

    /// Grain and sharpening are per-pixel looks: measured at native resolution, a 320 px
    /// image's grain read as "sharp". The encoder works at its calibration resolution.
    func testPlantedAspectReadsTheSameAtLargerResolutions() throws {
        // Posterization is measured on unaveraged pixels: box averaging made new levels.
        for (aspect, level) in [("film grain", 0.5), ("sharp", 0.6), ("posterized", 0.6)] {
            let small = try explainSynthetic(aspect, level, size: 128)
            let large = try explainSynthetic(aspect, level, size: 320)
            XCTAssertEqual(large.concepts.first?.name, aspect, "\(aspect) at 320 px")
            XCTAssertEqual(large.weight(of: aspect) ?? 0, small.weight(of: aspect) ?? 0, accuracy: 0.15, aspect)
        }
    }

    /// Grain's noise is taken out of the sharpness statistics, so a grainy model reads as
    /// grain at its level, not as sharpening, and not with a saturated level when faint.
    func testGrainLeavesSharpnessStatisticsAndReadsLinearly() throws {
        let calibration = DescriptorCalibration.shared
        let grain = calibration.directions[.filmGrain]!, sharp = calibration.directions[.sharp]!
        XCTAssertLessThan(abs(Vector.cosine(grain, sharp)), 0.4, "film grain and sharp share their statistics")
        for level in [0.3, 0.6] {
            let explanation = try explainSynthetic("film grain", level, size: 128)
            XCTAssertEqual(explanation.concepts.first?.name, "film grain")
            XCTAssertEqual(explanation.weight(of: "film grain") ?? 0, level, accuracy: 0.1, "film grain at \(level)")
        }
    }

    /// A white-balance gain narrows or widens a channel's range but leaves its levels dense;
    /// posterization thins them. Gains must not read as posterization.
    func testColourGainsDoNotMoveTheLevelDensity() throws {
        let calibration = DescriptorCalibration.shared
        let posterized = calibration.directions[.posterized]!
        let density = try XCTUnwrap(DescriptorStatistics.names.firstIndex { $0.hasPrefix("levels used per channel range") })
        for kind in [Aspect.Kind.warmTones, .coolTones, .lowContrast, .highContrast] {
            let direction = calibration.directions[kind]!
            XCTAssertLessThan(abs(Vector.cosine(direction, posterized)), 0.2, kind.rawValue)
            XCTAssertLessThan(abs(direction[density]), 0.05 * abs(posterized[density]), kind.rawValue)
        }
    }

    /// A flat image (a black frame from a safety filter, say) has no edges, texture or noise:
    /// those statistics read 0 and the embedding stays finite and in range.
    func testFlatImagesGiveFiniteBoundedEmbeddings() throws {
        let names = DescriptorStatistics.names
        for (width, height) in [(128, 128), (20, 20), (8, 300)] {
            for grey in [Float(0), 0.5, 1] {
                let image = RGBImage(width: width, height: height, fill: (grey, grey, grey))
                let raw = DescriptorStatistics.measure(image)
                for prefix in ["edge acutance", "mid-scale texture share", "fine / coarse local variance"] {
                    let j = try XCTUnwrap(names.firstIndex { $0.hasPrefix(prefix) })
                    XCTAssertEqual(raw[j], 0, "\(prefix) of a flat \(width)×\(height) image at \(grey)")
                }
                let embedding = try DescriptorEncoder().embed([image])[0]
                XCTAssertTrue(embedding.allSatisfy { $0.isFinite && abs($0) < 1000 }, "\(width)×\(height) at \(grey): \(embedding)")
            }
        }
    }

    private func explainSynthetic(_ aspect: String, _ level: Double, size: Int) throws -> Explanation {
        let encoder = DescriptorEncoder()
        let names = DescriptorEncoder.representableConcepts
        // As the pipeline does: each weight read as a level through the concept's measured response.
        let measured = try encoder.measureConcepts(names, context: context)
        let candidates = try names.indices.map { i -> Concept in
            guard case .vector(let direction) = measured.mappings[i] else { throw FineXLError("\(names[i]) unrepresentable") }
            return Concept(name: names[i], direction: direction, origin: ConceptOrigin(kind: .vocabulary),
                           levelResponse: measured.levelResponses[i])
        }
        let pairs = try SyntheticPairs(spec: SyntheticSpec(aspects: [(aspect, level)], count: 10, seed: 40, size: size))
        let base = try encoder.embed((0..<10).map { try pairs.image(.base, at: $0) }).map { $0.map(Double.init) }
        let personal = try encoder.embed((0..<10).map { try pairs.image(.personal, at: $0) }).map { $0.map(Double.init) }
        return try Explainer.explain(
            divergence: Divergence(base: base, personal: personal), candidates: candidates, unrepresentable: [],
            encoder: .init(name: encoder.name, dimension: encoder.dimension, identity: encoder.identity),
            options: ExplainOptions(method: .nnls, bootstrapResamples: 0))
    }
}
