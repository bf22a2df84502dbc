import Foundation

/// How numbers read in tables and inline values: weights and cosines with two decimals,
/// tiny values in scientific notation, p-values the way papers print them.
enum NotebookFormat {
    /// Two decimals for ordinary magnitudes, three below 0.01 and scientific notation below
    /// 0.001, so a small but non-zero value never prints as "0.00".
    static func number(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude < 0.001 || magnitude >= 1e6 { return minus(String(format: "%.1e", value)) }
        if magnitude < 0.01 { return minus(String(format: "%.3f", value)) }
        return minus(String(format: "%.\(decimals)f", value))
    }

    /// Three significant digits ("0.412", "12.3"), for norms.
    static func significant(_ value: Double) -> String {
        guard value.isFinite else { return number(value) }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude < 0.001 || magnitude >= 1e6 { return minus(String(format: "%.2e", value)) }
        let decimals = max(0, 2 - Int(floor(log10(magnitude))))
        return minus(String(format: "%.\(decimals)f", value))
    }

    static func pValue(_ p: Double) -> String {
        guard p.isFinite else { return "n/a" }
        if p < 1e-4 { return String(format: "%.0e", p) }
        return String(format: "%.3f", p)
    }

    static func interval(_ ci: [Double]) -> String {
        guard ci.count == 2 else { return "n/a" }
        return "[\(number(ci[0])), \(number(ci[1]))]"
    }

    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "n/a" }
        return String(format: "%.0f %%", fraction * 100)
    }

    static func seconds(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    /// Typographic minus, so negative numbers align and read as numbers.
    private static func minus(_ text: String) -> String {
        text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }
}
