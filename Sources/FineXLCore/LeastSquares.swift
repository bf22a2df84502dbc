/// Least-squares solvers for `min ‖target − Σ w_i columns_i‖` (paper Eq. 10) and its
/// non-negative variant. Columns are concept directions: few (≤ a few dozen), long (the embedding).
package enum LeastSquares {
    /// Unconstrained least squares by Householder-free modified Gram–Schmidt QR with one
    /// re-orthogonalization pass. A column that is (numerically) a combination of earlier
    /// ones gets weight 0 instead of an unstable large pair of weights.
    package static func solve(columns: [[Double]], target: [Double]) -> [Double] {
        let k = columns.count
        guard k > 0 else { return [] }
        let scale = columns.map(Vector.norm).max() ?? 0
        var q: [[Double]] = []           // orthonormal basis of the independent columns
        var basisColumn: [Int] = []      // which column each basis vector came from
        var r = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for j in 0..<k {
            var v = columns[j]
            var coefficients = [Double](repeating: 0, count: q.count)
            for _ in 0..<2 {
                for (i, qi) in q.enumerated() {
                    let c = Vector.dot(qi, v)
                    coefficients[i] += c
                    for d in v.indices { v[d] -= c * qi[d] }
                }
            }
            let n = Vector.norm(v)
            guard n > 1e-10 * max(scale, 1e-300) else { continue }
            let row = q.count
            for (i, c) in coefficients.enumerated() { r[i][j] = c }
            r[row][j] = n
            q.append(v.map { $0 / n })
            basisColumn.append(j)
        }
        // Solve R_sub w_sub = Qᵀ target by back substitution on the independent columns.
        let qt = q.map { Vector.dot($0, target) }
        var weights = [Double](repeating: 0, count: k)
        for row in stride(from: q.count - 1, through: 0, by: -1) {
            let j = basisColumn[row]
            var s = qt[row]
            for later in (row + 1)..<q.count {
                s -= r[row][basisColumn[later]] * weights[basisColumn[later]]
            }
            weights[j] = s / r[row][j]
        }
        return weights
    }

    /// Non-negative least squares, Lawson & Hanson (1974), Algorithm NNLS.
    package static func nonNegative(columns: [[Double]], target: [Double]) -> [Double] {
        let k = columns.count
        guard k > 0 else { return [] }
        let tolerance = 1e-12 * max(1, columns.map(Vector.norm).max() ?? 1) * max(1, Vector.norm(target))
        var passive = [Bool](repeating: false, count: k)
        var x = [Double](repeating: 0, count: k)

        func gradient(_ x: [Double]) -> [Double] {
            let fitted = Vector.combination(columns, weights: x, dimension: target.count)
            let residual = Vector.subtract(target, fitted)
            return columns.map { Vector.dot($0, residual) }
        }

        func solvePassive() -> [Double] {
            let indices = (0..<k).filter { passive[$0] }
            let sub = solve(columns: indices.map { columns[$0] }, target: target)
            var z = [Double](repeating: 0, count: k)
            for (i, j) in indices.enumerated() { z[j] = sub[i] }
            return z
        }

        for _ in 0..<(3 * k + 10) {
            let w = gradient(x)
            let candidates = (0..<k).filter { !passive[$0] && w[$0] > tolerance }
            guard let entering = candidates.max(by: { w[$0] < w[$1] }) else { break }
            passive[entering] = true
            var z = solvePassive()
            // Inner loop: step back toward x until every passive weight is positive.
            var guardCount = 0
            while (0..<k).contains(where: { passive[$0] && z[$0] <= 0 }) && guardCount < k + 1 {
                guardCount += 1
                var alpha = Double.infinity
                for j in 0..<k where passive[j] && z[j] <= 0 {
                    let denominator = x[j] - z[j]
                    if denominator > 0 { alpha = min(alpha, x[j] / denominator) }
                }
                if !alpha.isFinite { alpha = 0 }
                for j in 0..<k { x[j] += alpha * (z[j] - x[j]) }
                for j in 0..<k where passive[j] && x[j] <= tolerance {
                    passive[j] = false
                    x[j] = 0
                }
                z = solvePassive()
            }
            x = z
        }
        return x.map { max(0, $0) }
    }

    /// ‖target − Σ w_i columns_i‖ / ‖target‖ (the paper's relative residual).
    /// Non-negative least squares in the metric `metric` maps into (whitened; Euclidean when nil).
    package static func nonNegative(columns: [[Double]], target: [Double], metric: Whitening?) -> [Double] {
        guard let metric else { return nonNegative(columns: columns, target: target) }
        return nonNegative(columns: columns.map(metric.apply), target: metric.apply(target))
    }

    package static func relativeResidual(columns: [[Double]], weights: [Double], target: [Double]) -> Double {
        let targetNorm = Vector.norm(target)
        guard targetNorm > 0 else { return 0 }
        let fitted = Vector.combination(columns, weights: weights, dimension: target.count)
        return Vector.norm(Vector.subtract(target, fitted)) / targetNorm
    }
}
