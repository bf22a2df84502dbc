import Foundation

/// The evidence the pairs give for one concept. Base and personalized images share prompt
/// and seed, so each pair's own difference is compared with nothing: the spread between
/// images (which an unpaired test must beat) cancels within a pair.
package struct PairedEvidence: Sendable, Codable, Equatable {
    /// Share of pairs whose `Enc(personal) − Enc(base)` moves along `f(C)`: whose own
    /// least-squares coefficient on `f(C)`, beside the other kept concepts, is positive.
    package var share: Double
    /// Two-sided p-value of the paired test of those coefficients against 0.
    package var p: Double
    /// `wilcoxon-signed-rank` (normal approximation, tie and zero corrected) or
    /// `wilcoxon-signed-rank-exact` (all 2ⁿ sign flips, for n ≤ `exactLimit`).
    package var test: String

    package init(share: Double, p: Double, test: String) {
        self.share = share
        self.p = p
        self.test = test
    }

    /// Up to this many non-zero values the signed-rank test enumerates every sign flip.
    package static let exactLimit = 25

    /// Per-pair coefficients of each concept: pair k's difference `d_k` fitted by least squares
    /// over the concepts' directions (all of them at once, so a shared component goes to the
    /// concept that explains it, not to every concept it touches). `metric` (whitening) is
    /// applied to both sides first.
    /// `perPair[i]`, when given, is concept i's direction measured on each pair's own base image
    /// (in pair order): pair k is then fitted over what each look does to that very picture, not
    /// over its mean over all of them. The same edit moves the statistics of a warm and of a grey
    /// picture differently (a contrast cut about grey also cools a warm picture), and a mean
    /// direction leaves that difference in each pair's residual, where it can outweigh a smaller
    /// second look in one pair after another.
    package static func pairCoefficients(pairDifferences: [[Double]], directions: [[Double]],
                                        perPair: [[[Double]]?]? = nil, metric: Whitening? = nil) -> [[Double]] {
        let shared = directions.map { metric?.apply($0) ?? $0 }
        let own = directions.indices.map { i -> [[Double]]? in
            guard let rows = perPair?[i], rows.count == pairDifferences.count else { return nil }
            return rows.map { metric?.apply($0) ?? $0 }
        }
        var perConcept = [[Double]](repeating: [], count: directions.count)
        for (k, difference) in pairDifferences.enumerated() {
            let columns = directions.indices.map { own[$0]?[k] ?? shared[$0] }
            let weights = LeastSquares.solve(columns: columns, target: metric?.apply(difference) ?? difference)
            for (i, w) in weights.enumerated() { perConcept[i].append(w) }
        }
        return perConcept
    }

    /// The evidence from one concept's per-pair coefficients.
    package static func evidence(coefficients: [Double]) -> PairedEvidence {
        let n = Double(max(coefficients.count, 1))
        let share = Double(coefficients.filter { $0 > 0 }.count) / n
        let test = wilcoxonSignedRank(coefficients)
        return PairedEvidence(share: share, p: test.p,
                              test: test.exact ? "wilcoxon-signed-rank-exact" : "wilcoxon-signed-rank")
    }

    /// Wilcoxon's signed-rank test of paired differences against a median of 0, two-sided.
    /// Zeros are dropped (Wilcoxon's convention, scipy's `zero_method="wilcox"`); ties get mid-ranks.
    /// The statistic is min(R⁺, R⁻). With ≤ `exactLimit` non-zero values the p-value counts all
    /// 2ⁿ sign assignments of the (mid-)ranks; beyond, the normal approximation with the tie
    /// correction of the variance, no continuity correction (as scipy's `method="approx"`).
    package static func wilcoxonSignedRank(_ differences: [Double]) -> (statistic: Double, p: Double, exact: Bool) {
        let nonZero = differences.filter { $0 != 0 && $0.isFinite }
        let n = nonZero.count
        guard n > 0 else { return (0, 1, true) }
        // Doubled mid-ranks of |d|, integers even with ties.
        let order = nonZero.indices.sorted { abs(nonZero[$0]) < abs(nonZero[$1]) }
        var doubledRank = [Int](repeating: 0, count: n)
        var tieCorrection = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && abs(nonZero[order[j + 1]]) == abs(nonZero[order[i]]) { j += 1 }
            for t in i...j { doubledRank[order[t]] = i + j + 2 }  // 2 × mean of ranks i+1 … j+1
            let tied = Double(j - i + 1)
            tieCorrection += tied * tied * tied - tied
            i = j + 1
        }
        let doubledPositive = nonZero.indices.filter { nonZero[$0] > 0 }.reduce(0) { $0 + doubledRank[$1] }
        let doubledTotal = doubledRank.reduce(0, +)
        let doubledStatistic = min(doubledPositive, doubledTotal - doubledPositive)
        let statistic = Double(doubledStatistic) / 2

        if n <= exactLimit {
            // counts[s]: sign assignments whose doubled R⁺ is s.
            var counts = [Double](repeating: 0, count: doubledTotal + 1)
            counts[0] = 1
            var reach = 0
            for rank in doubledRank {
                for s in stride(from: reach, through: 0, by: -1) where counts[s] > 0 {
                    counts[s + rank] += counts[s]
                }
                reach += rank
            }
            let total = pow(2.0, Double(n))
            let lowerTail = counts[0...doubledStatistic].reduce(0, +) / total
            return (statistic, min(1, 2 * lowerTail), true)
        }

        let nd = Double(n)
        let mean = nd * (nd + 1) / 4
        let variance = nd * (nd + 1) * (2 * nd + 1) / 24 - tieCorrection / 48
        guard variance > 0 else { return (statistic, 1, false) }
        let z = (statistic - mean) / variance.squareRoot()
        return (statistic, min(1, erfc(abs(z) / 2.0.squareRoot())), false)
    }
}
