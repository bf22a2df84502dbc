import Foundation

/// Chooses on purpose between near-parallel concepts ("muted colors" and "black and white",
/// both taking colour out), which the orthogonality filter otherwise settles by visiting order.
///
/// For each concept the filter kept and the fit used (and that carries at least 5 % of ‖V_div‖),
/// every candidate it rejected as too close
/// to that concept (|cos| ≥ `parallel`) is fitted in the concept's place, with the concept's
/// own forms and level response. Readings whose relative residual lies within the pairs' spread
/// of the best one (`tolerance`) fit V_div equally well: the images cannot tell them apart.
/// Among those the rule prefers a reading whose level lies in the levels its concept's name
/// stands for (`Concept.levelRange`), then the smaller residual. The others are reported as
/// alternatives of the one chosen, with the reason, and the explanation warns about them.
struct NearParallelRule {
    /// Rejected candidates at least this close (|cos|) to a kept concept are read in its place.
    static let parallel = OrthogonalityFilter.nearParallel
    /// The smallest residual difference that counts as a better fit (relative to ‖V_div‖).
    static let minimumTolerance = 0.005

    let candidates: [Concept]
    let divergence: Divergence
    let decomposer: Decomposer

    private struct Reading {
        var candidate: Int
        var fit: Decomposer.Result
        var level: Double
        var inRange: Bool
    }

    /// The tolerance on the relative residual: what the pairs' spread alone moves it by (the norm
    /// of a mean of pure-noise differences over ‖V_div‖), at least `minimumTolerance`.
    var tolerance: Double {
        max(Self.minimumTolerance, Explainer.noiseNorm(divergence) / max(divergence.norm, 1e-300))
    }

    /// Applies the rule to the filter's run: where a rival is preferred, it takes the kept
    /// concept's place in `trace` (which records why). Returns, per candidate index of a kept
    /// concept, the alternatives that fit as well.
    func decide(_ trace: inout Explanation.FilterTrace) -> [Int: [Explanation.Alternative]] {
        var kept = trace.kept
        let closeRejections = Set(trace.visits.filter { visit in
            [OrthogonalityFilter.notOrthogonal, OrthogonalityFilter.sameDirection].contains { visit.rejection?.hasPrefix($0) == true }
        }.map(\.candidate))
        guard !kept.isEmpty, !closeRejections.isEmpty else { return [:] }
        let tolerance = self.tolerance
        var current = fit(kept)
        var alternatives: [Int: [Explanation.Alternative]] = [:]
        for position in kept.indices where current.used[position] && isSubstantial(current, at: position, kept) {
            let k = kept[position]
            let rivals = closeRejections.sorted().filter { r in
                !kept.contains(r) && abs(Vector.cosine(candidates[k].direction, candidates[r].direction)) >= Self.parallel
            }
            guard !rivals.isEmpty else { continue }
            var readings = [reading(k, current, at: position)]
            for r in rivals {
                var trial = kept
                trial[position] = r
                let trialFit = fit(trial)
                if trialFit.used[position] { readings.append(reading(r, trialFit, at: position)) }
            }
            guard readings.count > 1 else { continue }
            let best = readings.map(\.fit.relativeResidual).min()!
            let tied = readings.filter { $0.fit.relativeResidual <= best + tolerance }
            let preferred = tied.contains(where: \.inRange) ? tied.filter(\.inRange) : tied
            let chosen = preferred.min { $0.fit.relativeResidual < $1.fit.relativeResidual }!
            let others = tied.filter { $0.candidate != chosen.candidate }
            if chosen.candidate != k {
                let displaced = readings[0]
                kept[position] = chosen.candidate
                current = chosen.fit
                trace.replace(k, by: chosen.candidate, reason: "read as \"\(candidates[chosen.candidate].name)\": "
                    + why(chosen, over: displaced, tolerance: tolerance))
            }
            if !others.isEmpty {
                alternatives[chosen.candidate] = others.map { other in
                    Explanation.Alternative(name: candidates[other.candidate].name, weight: other.level,
                                            residual: other.fit.relativeResidual,
                                            reason: why(chosen, over: other, tolerance: tolerance))
                }
            }
        }
        return alternatives
    }

    /// Whether the concept at `position` carries at least `substantialShare` of ‖V_div‖: which
    /// of two near-parallel names a trace of a look gets is not worth a decision or a warning.
    private func isSubstantial(_ fit: Decomposer.Result, at position: Int, _ kept: [Int]) -> Bool {
        let concept = candidates[kept[position]]
        let columns = [concept.direction] + (concept.forms ?? []).map(\.direction)
        let part = zip(columns, fit.parts[position]).reduce([Double](repeating: 0, count: divergence.dimension)) {
            Vector.add($0, Vector.scale($1.0, $1.1))
        }
        return Vector.norm(part) >= Self.substantialShare * divergence.norm
    }

    /// The share of ‖V_div‖ a concept's part must reach for the rule to look at its rivals.
    static let substantialShare = 0.05

    private func fit(_ indices: [Int]) -> Decomposer.Result {
        decomposer.decompose(divergence.vector, over: indices.map { candidates[$0].direction },
                             forms: indices.map { (candidates[$0].forms ?? []).map(\.direction) })
    }

    private func reading(_ candidate: Int, _ fit: Decomposer.Result, at position: Int) -> Reading {
        let concept = candidates[candidate]
        let level = concept.levelResponse?.level(forWeight: fit.weights[position]) ?? fit.weights[position]
        return Reading(candidate: candidate, fit: fit, level: level, inRange: concept.levelRange?.contains(level) ?? true)
    }

    /// Why `chosen` was preferred to `other`, in words.
    private func why(_ chosen: Reading, over other: Reading, tolerance: Double) -> String {
        let otherName = candidates[other.candidate].name
        let residuals = String(format: "residual %.1f %% against %.1f %%", other.fit.relativeResidual * 100,
                               chosen.fit.relativeResidual * 100)
        if other.fit.relativeResidual > chosen.fit.relativeResidual + tolerance {
            return "\"\(otherName)\" fits worse in its place (\(residuals))"
        }
        let same = String(format: "\"%@\" fits as well in its place (%@, within the pairs' spread of %.1f %%)",
                          otherName, residuals, tolerance * 100)
        if chosen.inRange && !other.inRange, let range = candidates[other.candidate].levelRange {
            return same + String(format: ", but its level %.2f is not what its name stands for: %@", other.level, range.reason)
        }
        return same
    }
}

extension Explanation.FilterTrace {
    /// `kept` loses its place to `rival`, rejected earlier: the rule's decision, recorded in the run.
    mutating func replace(_ kept: Int, by rival: Int, reason: String) {
        for i in visits.indices {
            if visits[i].candidate == kept { visits[i].rejection = reason }
            if visits[i].candidate == rival { visits[i].rejection = nil }
        }
    }
}
