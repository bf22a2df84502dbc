import FineXLSupport
import Foundation

/// Chooses on purpose between near-parallel concepts ("muted colors" and "black and white",
/// both taking colour out), which the orthogonality filter otherwise settles by visiting order.
///
/// For each concept the filter kept and the fit used (and that carries at least 5 % of ‖V_div‖),
/// every candidate it rejected as too close
/// to that concept (|cos| ≥ `parallel`) is fitted in the concept's place, with the concept's
/// own forms and level response. A reading that fits at least as well as the best one on 5 % or
/// more of the resamples of the pairs (`resamples`, seeded by the run's seed) fits V_div equally well: the images
/// cannot tell them apart.
/// Among those the rule prefers a reading whose level lies in the levels its concept's name
/// stands for (`Concept.levelRange`), then the smaller residual. The others are reported as
/// alternatives of the one chosen, with the reason, and the explanation warns about them, unless
/// the chosen reading is a trace (`traceLevel`).
struct NearParallelRule {
    /// Rejected candidates at least this close (|cos|) to a kept concept are read in its place.
    static let parallel = OrthogonalityFilter.nearParallel
    /// Resamples of the pairs on which two readings' fits are compared.
    static let resamples = 100
    /// A reading that fits at least as well on this share of the resamples is not told apart.
    static let indistinguishableShare = 0.05

    let candidates: [Concept]
    let divergence: Divergence
    let decomposer: Decomposer
    /// Seeds the resamples (the run's bootstrap seed), so a run is reproducible.
    let seed: UInt64

    private struct Reading {
        var candidate: Int
        /// The kept concepts with this reading in its place.
        var concepts: [Int]
        var fit: Decomposer.Result
        var level: Double
        var inRange: Bool
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
        var generator = SeededGenerator(seed: seed)
        let n = divergence.pairs
        let targets = (0..<Self.resamples).map { _ in
            Vector.mean((0..<n).map { _ in divergence.pairDifferences[Int.random(in: 0..<n, using: &generator)] })
        }
        var current = fit(kept)
        var alternatives: [Int: [Explanation.Alternative]] = [:]
        for position in kept.indices where current.used[position] && isSubstantial(current, at: position, kept) {
            let k = kept[position]
            // A rival whose opposite look is kept cannot take a place beside it (`OrthogonalityFilter`).
            let rivals = closeRejections.sorted().filter { r in
                !kept.contains(r) && abs(Vector.cosine(candidates[k].direction, candidates[r].direction)) >= Self.parallel
                    && !kept.contains { $0 != k && candidates[r].opposes(candidates[$0]) }
            }
            guard !rivals.isEmpty else { continue }
            var readings = [reading(k, kept, current, at: position)]
            for r in rivals {
                var trial = kept
                trial[position] = r
                let trialFit = fit(trial)
                if trialFit.used[position] { readings.append(reading(r, trial, trialFit, at: position)) }
            }
            guard readings.count > 1 else { continue }
            let best = readings.min { $0.fit.relativeResidual < $1.fit.relativeResidual }!
            let bestResiduals = targets.map { residual($0, best.concepts) }
            var winShare: [Int: Double] = [:]
            for reading in readings where reading.candidate != best.candidate {
                let wins = zip(targets, bestResiduals).filter { residual($0, reading.concepts) <= $1 }.count
                winShare[reading.candidate] = Double(wins) / Double(targets.count)
            }
            let tied = readings.filter { $0.candidate == best.candidate || winShare[$0.candidate]! >= Self.indistinguishableShare }
            let preferred = tied.contains(where: \.inRange) ? tied.filter(\.inRange) : tied
            let chosen = preferred.min { $0.fit.relativeResidual < $1.fit.relativeResidual }!
            let others = tied.filter { $0.candidate != chosen.candidate }
            if chosen.candidate != k {
                let displaced = readings[0]
                kept[position] = chosen.candidate
                current = chosen.fit
                trace.replace(k, by: chosen.candidate, reason: "read as \"\(candidates[chosen.candidate].name)\": "
                    + why(chosen, over: displaced, share: winShare))
            }
            if !others.isEmpty && !isTrace(chosen) {
                alternatives[chosen.candidate] = others.map { other in
                    Explanation.Alternative(name: candidates[other.candidate].name, weight: other.level,
                                            residual: other.fit.relativeResidual,
                                            reason: why(chosen, over: other, share: winShare))
                }
            }
        }
        return alternatives
    }

    /// Whether the concept at `position` carries at least `substantialShare` of ‖V_div‖: which
    /// of two near-parallel names a trace of a look gets is not worth a decision or a warning.
    private func isSubstantial(_ fit: Decomposer.Result, at position: Int, _ kept: [Int]) -> Bool {
        let concept = candidates[kept[position]]
        let part = decomposer.contributions(over: [concept.direction], forms: [concept.formDirections],
                                            parts: [fit.parts[position]])[0]
        return Vector.norm(part) >= Self.substantialShare * divergence.norm
    }

    /// The share of ‖V_div‖ a concept's part must reach for the rule to look at its rivals.
    static let substantialShare = 0.05

    /// Below this level (in size: the paper's method reads levels of either sign) a chosen
    /// reading is a trace whatever share of V_div it carries, and its alternatives are not
    /// stated: an unedited JPEG re-encode read "muted colors" 0.01 and "black and white" 0.00 as
    /// not told apart. The choice itself is still made. Only for concepts whose weight reads as a
    /// level (`Concept.levelResponse`); other encoders' weights have no such scale.
    static let traceLevel = 0.05

    private func isTrace(_ reading: Reading) -> Bool {
        candidates[reading.candidate].levelResponse != nil && abs(reading.level) < Self.traceLevel
    }

    private func fit(_ indices: [Int]) -> Decomposer.Result {
        decomposer.decompose(divergence.vector, over: indices.map { candidates[$0].direction },
                             forms: indices.map { candidates[$0].formDirections }, replaySteps: false)
    }

    private func reading(_ candidate: Int, _ concepts: [Int], _ fit: Decomposer.Result, at position: Int) -> Reading {
        let concept = candidates[candidate]
        let level = concept.levelResponse?.level(forWeight: fit.weights[position]) ?? fit.weights[position]
        return Reading(candidate: candidate, concepts: concepts, fit: fit, level: level,
                       inRange: concept.levelRange?.contains(level) ?? true)
    }

    /// The relative residual of `target` fitted over `concepts` (directions and forms).
    private func residual(_ target: [Double], _ concepts: [Int]) -> Double {
        let directions = concepts.map { candidates[$0].direction }
        let forms = concepts.map { candidates[$0].formDirections }
        let parts = decomposer.refitParts(target, over: directions, forms: forms, used: directions.map { _ in true })
        return decomposer.relativeResidual(target, over: directions, forms: forms, parts: parts)
    }

    /// Why `chosen` was preferred to `other`, in words. `share[c]`: on which share of the
    /// resamples reading `c` fitted at least as well as the best one.
    private func why(_ chosen: Reading, over other: Reading, share: [Int: Double]) -> String {
        let otherName = candidates[other.candidate].name
        let residuals = String(format: "residual %.1f %% against %.1f %%", other.fit.relativeResidual * 100,
                               chosen.fit.relativeResidual * 100)
        let otherShare = share[other.candidate], chosenShare = share[chosen.candidate]
        if let otherShare, otherShare < Self.indistinguishableShare {
            return String(format: "\"%@\" fits worse in its place (%@; as well on %.0f %% of %d resamples of the pairs)",
                          otherName, residuals, otherShare * 100, Self.resamples)
        }
        // The other reading is the best fit, or fits as well on enough resamples.
        let how = otherShare.map { String(format: "as well on %.0f %% of %d resamples of the pairs", $0 * 100, Self.resamples) }
            ?? String(format: "better, but %@ fits as well on %.0f %% of %d resamples of the pairs",
                      candidates[chosen.candidate].name, (chosenShare ?? 0) * 100, Self.resamples)
        let same = "\"\(otherName)\" fits as well in its place (\(residuals); \(how))"
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
