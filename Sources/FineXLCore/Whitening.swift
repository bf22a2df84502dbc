/// A change of metric that down-weights the directions in which pairs disagree:
/// `v ↦ L⁻¹ v` with `L Lᵀ` the (shrunk) covariance of the per-pair differences.
/// Least squares after this map is generalized least squares, the efficient
/// estimator when the noise in `V_div` has that covariance.
package struct Whitening: Sendable {
    private let lower: [[Double]]

    /// - Parameter shrinkage: weight of the scaled identity mixed into the sample covariance,
    ///   needed whenever there are fewer pairs than dimensions.
    package init(pairDifferences: [[Double]], shrinkage: Double = 0.2) {
        let n = pairDifferences.count
        let dimension = pairDifferences[0].count
        let mean = Vector.mean(pairDifferences)
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
        for difference in pairDifferences {
            let centered = Vector.subtract(difference, mean)
            for i in 0..<dimension where centered[i] != 0 {
                for j in 0...i { covariance[i][j] += centered[i] * centered[j] }
            }
        }
        let denominator = Double(max(n - 1, 1))
        var trace = 0.0
        for i in 0..<dimension {
            for j in 0...i { covariance[i][j] /= denominator }
            trace += covariance[i][i]
        }
        let ridge = max(trace / Double(dimension), 1e-12)
        for i in 0..<dimension {
            for j in 0...i { covariance[i][j] *= (1 - shrinkage) }
            covariance[i][i] += shrinkage * ridge
        }
        lower = Whitening.cholesky(covariance)
    }

    /// L⁻¹ v by forward substitution.
    package func apply(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        for i in 0..<v.count {
            var s = v[i]
            let row = lower[i]
            for j in 0..<i { s -= row[j] * out[j] }
            out[i] = s / row[i]
        }
        return out
    }

    /// Cholesky factor of a symmetric positive definite matrix given by its lower triangle.
    private static func cholesky(_ a: [[Double]]) -> [[Double]] {
        let n = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                if i == j {
                    l[i][i] = max(s, 1e-18).squareRoot()
                } else {
                    l[i][j] = s / l[j][j]
                }
            }
        }
        return l
    }
}
