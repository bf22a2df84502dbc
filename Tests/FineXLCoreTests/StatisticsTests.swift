import FineXLCore
import XCTest

final class StatisticsTests: XCTestCase {
    func testAUROCOfSeparatedAndIdenticalSamples() {
        XCTAssertEqual(Statistics.auroc(positive: [3, 4, 5], negative: [0, 1, 2]), 1)
        XCTAssertEqual(Statistics.auroc(positive: [0, 1, 2], negative: [3, 4, 5]), 0)
        XCTAssertEqual(Statistics.auroc(positive: [1, 1], negative: [1, 1]), 0.5)
        // 2 of the 4 pairs favour the positives, one ties: (2 + 0.5) / 4.
        XCTAssertEqual(Statistics.auroc(positive: [1, 3], negative: [1, 2]), 0.625)
    }

    func testStudentTPValuesMatchTables() {
        // t = 2.228 with 10 df is the two-sided 5 % critical value; t = 1.96 with ∞ df likewise.
        XCTAssertEqual(Statistics.studentTTwoSidedP(t: 2.228, degreesOfFreedom: 10), 0.05, accuracy: 1e-3)
        XCTAssertEqual(Statistics.studentTTwoSidedP(t: 1.96, degreesOfFreedom: 1e6), 0.05, accuracy: 1e-3)
        XCTAssertEqual(Statistics.studentTTwoSidedP(t: 0, degreesOfFreedom: 5), 1, accuracy: 1e-12)
        XCTAssertEqual(Statistics.studentTTwoSidedP(t: 63.657, degreesOfFreedom: 1), 0.01, accuracy: 1e-4)
    }

    func testWelchTTestAgreesWithHandComputation() {
        // Means 3 and 6, variances 2.5 and 2.5, n = 5 each: t = −3, df = 8, p ≈ 0.01707.
        let p = Statistics.welchTTest([1, 2, 3, 4, 5], [4, 5, 6, 7, 8])
        XCTAssertEqual(p, 0.01707, accuracy: 1e-4)
    }

    func testQuantileInterpolates() {
        XCTAssertEqual(Statistics.quantile([4, 1, 3, 2], 0.5), 2.5)
        XCTAssertEqual(Statistics.quantile([1, 2, 3], 0), 1)
        XCTAssertEqual(Statistics.quantile([1, 2, 3], 1), 3)
    }
}
