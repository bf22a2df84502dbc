import Foundation

/// The statistics FineXL adds to the paper: bootstrap intervals over pairs and a
/// VisDiff-style check of each concept on individual images.
package enum Statistics {
    /// The `q`-quantile (0…1) of values, linear interpolation between order statistics.
    package static func quantile(_ values: [Double], _ q: Double) -> Double {
        precondition(!values.isEmpty, "quantile of no values")
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] * (1 - fraction) + sorted[upper] * fraction
    }

    package static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// Unbiased sample variance.
    package static func variance(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = mean(values)
        return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    }

    /// Area under the ROC curve for telling `positive` from `negative` by score:
    /// P(score of a positive > score of a negative), ties counting one half (Mann–Whitney U).
    package static func auroc(positive: [Double], negative: [Double]) -> Double {
        guard !positive.isEmpty, !negative.isEmpty else { return 0.5 }
        let labelled = positive.map { ($0, true) } + negative.map { ($0, false) }
        let sorted = labelled.sorted { $0.0 < $1.0 }
        var rankSumPositive = 0.0
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1].0 == sorted[i].0 { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for t in i...j where sorted[t].1 { rankSumPositive += averageRank }
            i = j + 1
        }
        let np = Double(positive.count)
        let nn = Double(negative.count)
        let u = rankSumPositive - np * (np + 1) / 2
        return u / (np * nn)
    }

    /// Two-sided p-value of Welch's unequal-variance t-test between two samples.
    package static func welchTTest(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count >= 2, b.count >= 2 else { return 1 }
        let va = variance(a) / Double(a.count)
        let vb = variance(b) / Double(b.count)
        let difference = mean(a) - mean(b)
        let standardError = (va + vb).squareRoot()
        guard standardError > 0 else { return difference == 0 ? 1 : 0 }
        let t = difference / standardError
        let pooled: Double = va + vb
        let spread: Double = va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1)
        let df = pooled * pooled / spread  // Welch–Satterthwaite
        return studentTTwoSidedP(t: t, degreesOfFreedom: df)
    }

    /// P(|T| ≥ |t|) for Student's t with ν degrees of freedom: I_{ν/(ν+t²)}(ν/2, 1/2).
    package static func studentTTwoSidedP(t: Double, degreesOfFreedom nu: Double) -> Double {
        let x = nu / (nu + t * t)
        return min(1, max(0, regularizedIncompleteBeta(x: x, a: nu / 2, b: 0.5)))
    }

    /// I_x(a, b) by its continued fraction (modified Lentz), using the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    package static func regularizedIncompleteBeta(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logPowers - logBeta
        if x > (a + 1) / (a + b + 2) {
            return 1 - regularizedIncompleteBeta(x: 1 - x, a: b, b: a)
        }
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var fraction = d
        for m in 1...300 {
            let m = Double(m)
            // Even step.
            var numerator: Double = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            fraction *= d * c
            // Odd step.
            let oddTop: Double = (a + m) * (a + b + m) * x
            numerator = -oddTop / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            fraction *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(logFront) * fraction / a
    }
}
