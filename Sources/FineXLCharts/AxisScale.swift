import Foundation

/// A linear map from data values to positions, with "nice" round tick values (1, 2, 2.5, 5 × 10^k).
struct AxisScale {
    let lower: Double
    let upper: Double
    let ticks: [Double]
    /// Decimals that print every tick exactly.
    let tickDecimals: Int
    var start: Double
    var end: Double

    /// A scale whose domain is widened to whole ticks enclosing `lower...upper`.
    init(covering lower: Double, _ upper: Double, targetTicks: Int, from start: Double, to end: Double) {
        var lo = lower, hi = upper
        if !(hi - lo > 1e-12 * max(1, abs(hi), abs(lo))) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let step = Self.niceStep((hi - lo) / Double(max(1, targetTicks)))
        // The tolerance keeps a bound that sits on a tick (up to rounding) from adding one more.
        let first = (lo / step + 1e-9).rounded(.down)
        let last = (hi / step - 1e-9).rounded(.up)
        let decimals = Self.decimals(of: step)
        ticks = stride(from: first, through: last, by: 1).map { Self.rounded($0 * step, decimals) }
        self.lower = ticks.first!
        self.upper = ticks.last!
        tickDecimals = decimals
        self.start = start
        self.end = end
    }

    func position(_ value: Double) -> Double {
        start + (value - lower) / (upper - lower) * (end - start)
    }

    /// Decimals for values printed next to marks: two significant places at the tick step's
    /// magnitude (step 0.25 or 0.2 → 0.82; step 5 → 12.3), at most 4.
    var valueDecimals: Int {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        return min(4, max(0, 1 - Int(log10(step).rounded(.down))))
    }

    static func niceStep(_ raw: Double) -> Double {
        let exponent = log10(raw).rounded(.down)
        let magnitude = pow(10, exponent)
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    static func decimals(of step: Double) -> Int {
        for decimals in 0...8 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return decimals }
        }
        return 8
    }

    private static func rounded(_ value: Double, _ decimals: Int) -> Double {
        let factor = pow(10, Double(decimals))
        return (value * factor).rounded() / factor
    }
}

/// Numbers as charts print them: fixed decimals, a true minus sign, no "−0".
enum NumberText {
    static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        let text = String(format: "%.\(decimals)f", abs(value))
        let isZero = text.allSatisfy { $0 == "0" || $0 == "." }
        return value < 0 && !isZero ? "−" + text : text
    }
}
