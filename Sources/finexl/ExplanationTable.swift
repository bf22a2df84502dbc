import FineXLCore
import Foundation

/// The readable table `finexl explain` prints without `--json`.
enum ExplanationTable {
    static func render(_ e: Explanation, notes: [String]) -> String {
        var lines: [String] = []
        lines.append("FineXL explanation: \(e.encoder.name) encoder (\(e.encoder.dimension) dimensions), \(e.pairs) pairs, method \(e.method)")
        lines.append(String(format: "‖V_div‖ = %.4g (mean ‖Enc(personal) − Enc(base)‖ over pairs %.4g)", e.divergence.norm, e.divergence.meanPairNorm))
        lines.append("")
        let nameWidth = max(7, e.concepts.map(\.name.count).max() ?? 0)
        // The paper's "naive VLM" baseline: the VLM's own 0–10 rating, beside FineXL's weight.
        let showsNaive = e.concepts.contains { $0.origin.naiveStrength != nil }
        // The sampling interval (without how far implementations differ), when the run has one.
        let showsSampling = e.concepts.contains { $0.ciSampling != nil }
        let header = "concept".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            + "   weight   " + "95 % interval".padding(toLength: 16, withPad: " ", startingAt: 0)
            + (showsSampling ? "   " + "sampling".padding(toLength: 16, withPad: " ", startingAt: 0) : "")
            + "   align   pairs +   p (paired)   AUROC" + (showsNaive ? "   VLM 0–10" : "")
        lines.append(header)
        lines.append(String(repeating: "─", count: header.count + 6))
        func interval(_ ci: [Double]) -> String {
            guard ci.count == 2 else { return "       —        " }
            return String(format: "[%6.3f, %6.3f]", ci[0], ci[1])
        }
        for c in e.concepts {
            let intervals = interval(c.ci) + (showsSampling ? "   " + interval(c.samplingInterval) : "")
            let naive = showsNaive ? "   " + (c.origin.naiveStrength.map { String(format: "%6.1f", $0) } ?? "     —") : ""
            lines.append(c.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + String(format: "  %7.3f   %@   %6.3f   %5.0f %%   %@   %5.3f", c.weight, intervals, c.alignment,
                         c.paired.share * 100, pValue(c.paired.p).padding(toLength: 10, withPad: " ", startingAt: 0), c.auroc)
                + naive)
        }
        lines.append("")
        lines.append(String(format: "residual: %.1f %% of V_div is not explained by these concepts", e.residual.relative * 100))
        lines.append("pairs +: share of pairs whose own difference moves along f(C); p: paired Wilcoxon signed-rank test "
            + "of those per-pair weights; AUROC: how well single images, unpaired, show the concept")
        if let intervals = e.intervals { lines.append("intervals: \(intervals)") }
        for sentence in e.formSentences { lines.append("forms: \(sentence)") }
        if !e.rejected.isEmpty {
            lines.append("")
            lines.append("rejected:")
            for r in e.rejected { lines.append("  \(r.name): \(r.reason)") }
        }
        for note in notes { lines.append("note: \(note)") }
        for warning in e.warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }

    static func pValue(_ p: Double) -> String {
        p < 1e-4 ? String(format: "%.0e", p) : String(format: "%.4f", p)
    }
}
