import FineXLCore
import FineXLSupport
import XCTest

final class LeastSquaresTests: XCTestCase {
    func testRecoversExactCombination() {
        let columns = [[1.0, 0, 0, 1], [0, 2.0, 0, 1], [0, 0, 3.0, -1]]
        let target = Vector.combination(columns, weights: [0.5, -1.5, 2.0], dimension: 4)
        let w = LeastSquares.solve(columns: columns, target: target)
        XCTAssertEqual(w[0], 0.5, accuracy: 1e-12)
        XCTAssertEqual(w[1], -1.5, accuracy: 1e-12)
        XCTAssertEqual(w[2], 2.0, accuracy: 1e-12)
        XCTAssertEqual(LeastSquares.relativeResidual(columns: columns, weights: w, target: target), 0, accuracy: 1e-12)
    }

    func testDependentColumnGetsZeroWeightInsteadOfBlowingUp() {
        let a = [1.0, 2, 3]
        let columns = [a, a.map { $0 * 2 }]
        let w = LeastSquares.solve(columns: columns, target: [2, 4, 6])
        XCTAssertEqual(w[0], 2, accuracy: 1e-9)
        XCTAssertEqual(w[1], 0)
    }

    func testResidualIsOrthogonalToColumns() {
        var generator = SeededGenerator(seed: 7)
        let columns = (0..<4).map { _ in (0..<12).map { _ in Double.random(in: -1...1, using: &generator) } }
        let target = (0..<12).map { _ in Double.random(in: -1...1, using: &generator) }
        let w = LeastSquares.solve(columns: columns, target: target)
        let residual = Vector.subtract(target, Vector.combination(columns, weights: w, dimension: 12))
        for c in columns { XCTAssertEqual(Vector.dot(c, residual), 0, accuracy: 1e-10) }
    }

    /// NNLS against the brute-force optimum: least squares on every subset, keep the
    /// best subset whose solution is non-negative.
    func testNonNegativeMatchesBruteForceOverSubsets() {
        var generator = SeededGenerator(seed: 42)
        for trial in 0..<25 {
            let k = 5, d = 9
            let columns = (0..<k).map { _ in (0..<d).map { _ in Double.random(in: -1...1, using: &generator) } }
            let target = (0..<d).map { _ in Double.random(in: -1...1, using: &generator) }
            let nnls = LeastSquares.nonNegative(columns: columns, target: target)
            XCTAssertTrue(nnls.allSatisfy { $0 >= 0 }, "trial \(trial)")

            var best = Vector.norm(target)
            for mask in 1..<(1 << k) {
                let indices = (0..<k).filter { mask & (1 << $0) != 0 }
                let w = LeastSquares.solve(columns: indices.map { columns[$0] }, target: target)
                guard w.allSatisfy({ $0 >= 0 }) else { continue }
                let fitted = Vector.combination(indices.map { columns[$0] }, weights: w, dimension: d)
                best = min(best, Vector.norm(Vector.subtract(target, fitted)))
            }
            let fitted = Vector.combination(columns, weights: nnls, dimension: d)
            XCTAssertEqual(Vector.norm(Vector.subtract(target, fitted)), best, accuracy: 1e-9, "trial \(trial)")
        }
    }
}
