import FineXLCore
import FineXLDescriptor
import FineXLPipeline
import XCTest

/// The README's quickstart, `finexl synth --aspects "warm tones=0.6,film grain=0.3"` then
/// `finexl explain`, through the same code path: the numbers a new user sees first.
final class QuickstartExplanationTests: XCTestCase {
    func testQuickstartRecoversBothPlantedLevelsWithIntervalsAndPairedEvidence() throws {
        let spec = SyntheticSpec(aspects: [("warm tones", 0.6), ("film grain", 0.3)], count: 40, seed: 1, size: 256)
        let run = try Analysis.explain(try SyntheticPairs(spec: spec), encoder: DescriptorEncoder(),
                                           concepts: .vocabulary(top: 20), options: ExplainOptions(), cacheDirectory: nil)
        let e = run.explanation
        XCTAssertEqual(e.schema, "finexl.explanation/2")
        XCTAssertEqual(e.directions, DirectionSource(source: "in-context", images: 40))
        for (name, level) in [("warm tones", 0.6), ("film grain", 0.3)] {
            let concept = try XCTUnwrap(e.concepts.first { $0.name == name }, name)
            XCTAssertEqual(concept.weight, level, accuracy: 0.1, name)
            XCTAssertLessThanOrEqual(concept.ci[0], level, "\(name) \(concept.ci)")
            XCTAssertGreaterThanOrEqual(concept.ci[1], level, "\(name) \(concept.ci)")
            XCTAssertLessThan(concept.paired.p, 0.001, name)
            XCTAssertGreaterThanOrEqual(concept.paired.share, 0.9, name)
        }
        XCTAssertEqual(Array(e.concepts.prefix(2).map(\.name)), ["warm tones", "film grain"])
    }
}
