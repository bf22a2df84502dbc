@testable import FineXLConcepts
import XCTest

final class PairSamplerTests: XCTestCase {
    func testRoundsShowEveryPairOnceBeforeRepeating() {
        let sampler = PairSampler(pairCount: 9, pairsPerRound: 3, seed: 11)
        let shown = (0..<3).flatMap { sampler.pairs(forRound: $0) }
        XCTAssertEqual(shown.sorted(), Array(0..<9))
        XCTAssertEqual(sampler.pairs(forRound: 3), sampler.pairs(forRound: 0))
    }

    func testSameSeedSameOrderOtherSeedOtherOrder() {
        let a = PairSampler(pairCount: 20, pairsPerRound: 4, seed: 1).order
        XCTAssertEqual(PairSampler(pairCount: 20, pairsPerRound: 4, seed: 1).order, a)
        XCTAssertNotEqual(PairSampler(pairCount: 20, pairsPerRound: 4, seed: 2).order, a)
        XCTAssertNotEqual(a, Array(0..<20))
    }

    func testNeverShowsMorePairsThanThereAre() {
        let sampler = PairSampler(pairCount: 2, pairsPerRound: 5, seed: 0)
        XCTAssertEqual(sampler.pairs(forRound: 0).sorted(), [0, 1])
    }
}
