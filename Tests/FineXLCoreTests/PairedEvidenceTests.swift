import FineXLCore
import XCTest

/// Reference values from scipy 1.17.1, `scipy.stats.wilcoxon(d, method=...)` (two-sided,
/// zero_method="wilcox", no continuity correction), computed once and pinned here.
final class PairedEvidenceTests: XCTestCase {
    func testExactSignedRankMatchesScipyWithoutTies() {
        // a − b of scipy's own documentation example (9 pairs), rounded to 3 decimals.
        let d = [0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01]
        let test = PairedEvidence.wilcoxonSignedRank(d)
        XCTAssertTrue(test.exact)
        XCTAssertEqual(test.statistic, 5)
        XCTAssertEqual(test.p, 0.0390625, accuracy: 1e-12)

        let x = [0.5, -1.2, 2.1, 3.3, 0.7, -0.4, 1.9, 2.2, -0.8, 1.1, 0.9, 1.6]
        let second = PairedEvidence.wilcoxonSignedRank(x)
        XCTAssertEqual(second.statistic, 12)
        XCTAssertEqual(second.p, 0.0341796875, accuracy: 1e-12)
    }

    func testNormalApproximationMatchesScipyWithTiesAndZeros() {
        // 32 values, 3 zeros (dropped) and many tied magnitudes.
        let z: [Double] = [1, 2, 2, 3, -1, 0, 4, 5, -2, 3, 3, 1, 2, 6, 0, 7, -3, 2, 2, 8, 1, 1, 4, -1, 5, 2, 3, 0, 9, 2, 1, -2]
        let test = PairedEvidence.wilcoxonSignedRank(z)
        XCTAssertFalse(test.exact)
        XCTAssertEqual(test.statistic, 51)
        XCTAssertEqual(test.p, 0.00029315243047687396, accuracy: 1e-12)
    }

    func testSignedRankIsSymmetricAndSaturates() {
        let values = (1...10).map(Double.init)
        XCTAssertEqual(PairedEvidence.wilcoxonSignedRank(values).p, 2 / 1024, accuracy: 1e-15)
        XCTAssertEqual(PairedEvidence.wilcoxonSignedRank(values.map { -$0 }).p, 2 / 1024, accuracy: 1e-15)
        XCTAssertEqual(PairedEvidence.wilcoxonSignedRank([0, 0, 0]).p, 1)
        XCTAssertEqual(PairedEvidence.wilcoxonSignedRank([1, -1]).p, 1)
    }

    func testEvidenceReportsShareAndTestName() {
        let small = PairedEvidence.evidence(coefficients: [1, 2, 3, -0.5])
        XCTAssertEqual(small.share, 0.75)
        XCTAssertEqual(small.test, "wilcoxon-signed-rank-exact")
        let large = PairedEvidence.evidence(coefficients: (1...40).map { Double($0) })
        XCTAssertEqual(large.test, "wilcoxon-signed-rank")
        XCTAssertLessThan(large.p, 1e-6)
    }
}

final class LevelResponseTests: XCTestCase {
    func testReadsAWeightBackAsTheLevelThatProducesIt() {
        // A response that bends: level ¼ gives 0.35, ½ gives 0.6, 1 gives 1.0.
        let curve = LevelResponse(levels: [0.25, 0.5, 1], weights: [0.35, 0.6, 1.0])
        XCTAssertEqual(curve.level(forWeight: 0.35), 0.25, accuracy: 1e-12)
        XCTAssertEqual(curve.level(forWeight: 0.475), 0.375, accuracy: 1e-12)
        XCTAssertEqual(curve.level(forWeight: 0.8), 0.75, accuracy: 1e-12)
        XCTAssertEqual(curve.level(forWeight: 1.2), 1.25, accuracy: 1e-12, "the last segment extends")
        XCTAssertEqual(curve.level(forWeight: -0.07), -0.05, accuracy: 1e-12, "the first segment extends below 0")
    }

    func testACurveThatDoesNotRiseIsNotUsed() {
        let flat = LevelResponse(levels: [0.25, 0.5, 1], weights: [0.4, 0.3, 1.0])
        XCTAssertFalse(flat.isMonotone)
        XCTAssertEqual(flat.level(forWeight: 0.35), 0.35)
    }
}
