import Foundation

/// Small dense vector helpers on `[Double]`; dimensions here are tens to a few thousand.
package enum Vector {
    @inlinable
    package static func dot(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "dot of vectors of different lengths")
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    @inlinable
    package static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    /// cos(a, b); 0 when either vector is zero.
    package static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        let denominator = norm(a) * norm(b)
        return denominator > 0 ? dot(a, b) / denominator : 0
    }

    package static func subtract(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(a.count == b.count, "difference of vectors of different lengths")
        return zip(a, b).map { $0 - $1 }
    }

    package static func add(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(a.count == b.count, "sum of vectors of different lengths")
        return zip(a, b).map { $0 + $1 }
    }

    package static func scale(_ a: [Double], _ s: Double) -> [Double] { a.map { $0 * s } }

    /// Element-wise mean of equally long vectors.
    package static func mean(_ vectors: [[Double]]) -> [Double] {
        precondition(!vectors.isEmpty, "mean of no vectors")
        var sum = [Double](repeating: 0, count: vectors[0].count)
        for v in vectors {
            for i in sum.indices { sum[i] += v[i] }
        }
        return sum.map { $0 / Double(vectors.count) }
    }

    /// Σ w_i v_i.
    package static func combination(_ vectors: [[Double]], weights: [Double], dimension: Int) -> [Double] {
        var out = [Double](repeating: 0, count: dimension)
        for (v, w) in zip(vectors, weights) where w != 0 {
            for i in 0..<dimension { out[i] += w * v[i] }
        }
        return out
    }

    /// Matrix of pairwise cosines, for the teaching figures.
    package static func cosineMatrix(_ vectors: [[Double]]) -> [[Double]] {
        vectors.map { a in vectors.map { b in cosine(a, b) } }
    }
}
