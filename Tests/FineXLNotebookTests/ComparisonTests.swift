import FineXLCore
@testable import FineXLNotebook
import FineXLSupport
import XCTest

final class ComparisonTests: XCTestCase {
    private func target(_ yaml: String) throws -> [Comparison.TargetLevel] {
        try Comparison.target(from: YAMLValue.parse(yaml, firstLine: 1))
    }

    func testHighAndLowAreTheExtremesAmongTheModels() throws {
        let levels = try target("warm tones: high\nfilm grain: low")
        let scores = Comparison.scores(weights: [
            ["warm tones": 0.7, "film grain": 0.6],
            ["warm tones": 0.6, "film grain": 0.1],
            ["warm tones": 0.3],
        ], target: levels)
        // Wanted: warm 0.7, grain 0 (the cinema model has none).
        XCTAssertEqual(scores[0], ((0.0 + 0.36) / 2).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(scores[1], ((0.01 + 0.01) / 2).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(scores[2], ((0.16 + 0) / 2).squareRoot(), accuracy: 1e-12)
    }

    func testNumbersAndNoneAreAbsoluteTargets() throws {
        let levels = try target("sepia: none\nvignette: 0.5")
        XCTAssertEqual(levels, [.init(concept: "sepia", level: .none), .init(concept: "vignette", level: .value(0.5))])
        let scores = Comparison.scores(weights: [["sepia": 0.2, "vignette": 0.5], ["vignette": 0.1]], target: levels)
        XCTAssertEqual(scores[0], (0.04 / 2).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(scores[1], (0.16 / 2).squareRoot(), accuracy: 1e-12)
    }

    func testRejectsUnknownLevelWithItsLine() {
        XCTAssertThrowsError(try target("warm tones: high\nfilm grain: lots")) { error in
            XCTAssertEqual((error as? FineXLError)?.line, 2)
        }
    }

    func testNonFiniteTargetLevelIsRejectedWithItsLine() {
        for level in [".nan", ".inf", "-.inf"] {
            XCTAssertThrowsError(try target("warm tones: high\nfilm grain: \(level)"), level) { error in
                XCTAssertEqual((error as? FineXLError)?.line, 2)
                XCTAssertTrue((error as? FineXLError)?.message.contains("finite") ?? false, "\(error)")
            }
        }
    }

    func testNoBestModelWhenNoDistanceIsFinite() throws {
        let explanation = Explanation(
            encoder: .init(name: "test", dimension: 2), pairs: 10, method: .nnls,
            thresholds: .init(eOrtho: 0.2, eDecomp: 0.2, bootstrapResamples: 10, seed: 0),
            divergence: .init(norm: 1, meanPairNorm: 1), concepts: [], rejected: [], residual: .init(relative: 0),
            steps: [], warnings: [])
        let target = [Comparison.TargetLevel(concept: "sepia", level: .value(.nan))]
        var comparison = Comparison(models: [.init(name: "a", explanation: explanation, score: .nan),
                                             .init(name: "b", explanation: explanation, score: .nan)], target: target)
        XCTAssertNil(comparison.best)
        comparison.models[1].score = 0.4
        XCTAssertEqual(comparison.best?.name, "b")
    }
}
