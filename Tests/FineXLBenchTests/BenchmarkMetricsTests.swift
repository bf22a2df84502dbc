import XCTest
@testable import FineXLBench
import FineXLDescriptor

final class BenchmarkMetricsTests: XCTestCase {
    func testPerfectOrderingHasZeroRankError() {
        XCTAssertEqual(DescriptorBenchmark.rankMAE(truth: [0.1, 0.2, 0.3, 0.4], predicted: [0.05, 0.3, 0.31, 0.9]), 0)
    }

    func testReversedOrderingHasTheLargestRankError() {
        // Ranks 1…4 against 4…1: |3| + |1| + |1| + |3| over 4.
        XCTAssertEqual(DescriptorBenchmark.rankMAE(truth: [0.1, 0.2, 0.3, 0.4], predicted: [4, 3, 2, 1]), 2)
    }

    func testTiedPredictionsShareTheirMeanRank() {
        XCTAssertEqual(DescriptorBenchmark.ranks([0, 0, 1, 0]), [2, 2, 4, 2])
        // A method that predicts nothing cannot rank: every level gets the middle rank.
        XCTAssertEqual(DescriptorBenchmark.rankMAE(truth: [0.1, 0.2, 0.3, 0.4], predicted: [0, 0, 0, 0]), 1)
    }

    func testTiersPlaceEachValueByRankAndRefuseTiesAcrossATierBoundary() {
        let levels = [0.3, 0.6, 0.9]
        XCTAssertEqual(DescriptorBenchmark.tiers([5, 1, 9, 2, 8, 3, 7, 4, 6], levels: levels),
                       [0.6, 0.3, 0.9, 0.3, 0.9, 0.3, 0.9, 0.6, 0.6])
        let tied = DescriptorBenchmark.tiers([0, 0, 0, 0, 1, 2], levels: levels)
        XCTAssertTrue(tied[0...3].allSatisfy(\.isNaN), "four equal values cannot all sit in a tier of two")
        XCTAssertEqual(Array(tied[4...5]), [0.9, 0.9])
    }

    func testSmallBenchmarkRunsAndReportsEveryMethod() throws {
        var options = DescriptorBenchmark.Options()
        options.count = 3
        options.size = 48
        options.levels = [0.5, 1.0]
        options.aspects = ["warm tones", "film grain"]
        options.aspectPairs = [["warm tones", "vignette"]]
        options.multiLevels = [0.3, 0.9]
        options.variants = [.alternate]
        options.baseKinds = [.scenes]
        let report = try DescriptorBenchmark.run(options)
        XCTAssertEqual(report.rows.map(\.method), ["paper", "nnls", "whitened-nnls", "top-cosine", "least squares"])
        for row in report.rows {
            XCTAssertTrue((0...1).contains(row.identification))
            XCTAssertTrue((0...1).contains(row.multiAspect))
            XCTAssertGreaterThanOrEqual(row.rankMAE, 0)
        }
        let table = report.renderTable()
        XCTAssertTrue(table.contains("whitened-nnls"))
        XCTAssertTrue(table.contains("alternate scenes"))
    }

    func testUnknownBenchmarkAspectIsRefused() {
        var options = DescriptorBenchmark.Options()
        options.aspects = ["glossy finish"]
        XCTAssertThrowsError(try DescriptorBenchmark.run(options))
    }
}
