import FineXLConcepts
import XCTest

final class VocabularyProposerTests: XCTestCase {
    private let divergence = [1.0, 0.0, 0.0]

    func testRanksByAbsoluteCosineAndKeepsTop() {
        let result = VocabularyProposer.rank(
            candidates: ["sideways", "aligned", "opposed", "diagonal"],
            mappings: [.vector([0, 1, 0]), .vector([2, 0.1, 0]), .vector([-1, 0, 0]), .vector([1, 1, 0])],
            divergence: divergence, top: 3)
        XCTAssertEqual(result.chosen.map(\.name), ["opposed", "aligned", "diagonal"])
        XCTAssertEqual(result.chosen[0].alignment, -1, accuracy: 1e-12)
        XCTAssertEqual(result.chosen[1].alignment, 2 / (4.01).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(result.chosen[2].alignment, 1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(result.chosen[1].direction, [2, 0.1, 0])
        XCTAssertTrue(result.unrepresentable.isEmpty)
    }

    func testTiesKeepVocabularyOrder() {
        let result = VocabularyProposer.rank(
            candidates: ["b", "a", "c"], mappings: [.vector([1, 1, 0]), .vector([1, 0, 1]), .vector([1, -1, 0])],
            divergence: divergence, top: 10)
        XCTAssertEqual(result.chosen.map(\.name), ["b", "a", "c"])
    }

    func testPassesOnTheEncodersReasonForUnrepresentableConcepts() {
        let result = VocabularyProposer.rank(
            candidates: ["sepia", "watercolor"],
            mappings: [.vector([1, 0, 0]), .unrepresentable(reason: "the descriptor encoder sees no texture")],
            divergence: divergence, top: 5)
        XCTAssertEqual(result.chosen.map(\.name), ["sepia"])
        XCTAssertEqual(result.unrepresentable.map(\.name), ["watercolor"])
        XCTAssertEqual(result.unrepresentable.first?.reason, "the descriptor encoder sees no texture")
    }

    func testRejectsZeroWrongLengthAndNonFiniteDirections() {
        let result = VocabularyProposer.rank(
            candidates: ["zero", "short", "nan", "missing"],
            mappings: [.vector([0, 0, 0]), .vector([1, 0]), .vector([.nan, 0, 1])],
            divergence: divergence, top: 5)
        XCTAssertTrue(result.chosen.isEmpty)
        let reasons = Dictionary(uniqueKeysWithValues: result.unrepresentable.map { ($0.name, $0.reason) })
        XCTAssertEqual(reasons["zero"], "it maps to the zero vector")
        XCTAssertEqual(reasons["short"], "its direction has 2 dimensions but the divergence has 3")
        XCTAssertEqual(reasons["nan"], "its direction contains NaN or infinity")
        XCTAssertEqual(reasons["missing"], "the encoder returned no mapping for it")
    }

    func testNonPositiveTopChoosesNothing() {
        let result = VocabularyProposer.rank(candidates: ["a"], mappings: [.vector([1, 0, 0])], divergence: divergence, top: 0)
        XCTAssertTrue(result.chosen.isEmpty)
    }
}
