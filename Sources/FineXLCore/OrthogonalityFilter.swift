import Foundation

/// The paper's orthogonality filter (Eq. 9): candidates are visited in an order set by
/// `Ordering` (the paper's: |cos| with V_div); one is rejected when its summed |cos| with
/// the concepts already kept is ≥ eOrtho. Zero, non-finite and duplicate directions are
/// rejected first; under the NNLS methods' ordering, of two opposite looks kept the weaker goes
/// after the visit (`Concept.opposes`).
package struct OrthogonalityFilter: Sendable {
    /// The order in which candidates claim their place.
    package enum Ordering: Sendable, Codable {
        /// |cos(f(C), V_div)|, the paper's order, right for unconstrained weights.
        case absoluteAlignment
        /// cos(f(C), V_div), largest first: under non-negative weights a concept pointing
        /// away from V_div cannot explain it, so it must not block its aligned opposite
        /// ("cool tones" keeping "warm tones" out).
        case signedAlignment
        /// cos(f(C), r), largest first, where r is what non-negative least squares over the
        /// concepts kept so far (each with its forms, in the decomposition's metric, as the
        /// decomposition fits them) leaves of V_div (orthogonal matching pursuit). Each place
        /// goes to the concept that best explains what is left, so one that merely shares a
        /// component with a kept concept cannot take the place of the one that explains the
        /// rest ("sepia" taking "black and white"'s place beside "dark"). Every kept concept
        /// takes part in that fit: a candidate that would not is passed over, and a kept concept
        /// a newcomer leaves with no weight is dropped, so neither blocks a later candidate.
        /// Cosines are taken in the embedding's own coordinates (the order is a visiting
        /// heuristic, measured by `finexl bench`).
        case residualAlignment
    }

    package var eOrtho: Double
    package var ordering: Ordering
    /// The decomposition's metric (`whitened-nnls`), for the residual ordering's fits; nil for
    /// Euclidean NNLS.
    package var metric: Whitening?

    /// How a rejection for closeness to kept concepts begins (Eq. 9).
    static let notOrthogonal = "not orthogonal to kept concepts"
    /// Why a candidate that takes no weight beside the kept concepts is passed over (residual ordering).
    package static let addsNothing = "weight 0 under non-negative least squares beside the concepts kept before it: it explains nothing they leave"
    /// How the reason of a kept concept dropped once it had weight 0 begins (residual ordering):
    /// beside a concept kept later, one arriving in an exchange, or without an opposite that went.
    package static let displaced = "dropped once"
    /// What follows `displaced` and the arriving concept's name when an exchange left the concept idle.
    package static let arrivedInExchange = "arrived in an exchange"
    /// How a rejection as the opposite of a kept concept begins (NNLS methods: `Concept.opposes`).
    package static let oppositeOf = "the opposite of kept"
    /// Why: two opposite concepts kept together cancel along their look, and their weights
    /// would explain only what their directions share, which neither names.
    static let bothWays = "one model does not move both ways"
    /// How a rejection as a duplicate of a kept concept begins.
    static let sameDirection = "same direction as"

    package init(eOrtho: Double, ordering: Ordering = .absoluteAlignment, metric: Whitening? = nil) {
        self.eOrtho = eOrtho
        self.ordering = ordering
        self.metric = metric
    }

    /// A kept concept during the visit: the column (its direction or one of its forms) it was kept
    /// by, its columns (its direction and usable forms), and where its visit is recorded.
    private typealias Kept = (direction: [Double], cone: [[Double]], visit: Int, concept: Concept)

    /// The order the NNLS methods use, and the paper's for `.paper`.
    package static func ordering(for method: DecompositionMethod) -> Ordering {
        method == .paper ? .absoluteAlignment : .residualAlignment
    }

    package func apply(to candidates: [Concept], divergence: [Double])
        -> (kept: [Concept], rejected: [Explanation.Rejected])
    {
        let trace = visit(candidates, divergence: divergence)
        return (trace.kept.map { candidates[$0] }, trace.rejected)
    }

    /// The filter's run over `candidates`: each candidate in the order it was visited, with the
    /// reason it was rejected or nil when it was kept.
    /// `excluded` candidates are rejected first with the reason given, before any is visited.
    package func visit(_ candidates: [Concept], divergence: [Double],
                       excluded: [Int: String] = [:]) -> Explanation.FilterTrace {
        var kept: [Kept] = []
        var visits: [Explanation.FilterTrace.Visit] = []
        func reject(_ candidate: Int, _ reason: String) {
            visits.append(.init(candidate: candidate, name: candidates[candidate].name, rejection: reason))
        }
        var seenNames = Set<String>()
        // What is left to explain: V_div, then (residual ordering only) what NNLS over the
        // concepts kept so far leaves of it.
        var remainder = divergence
        let divergenceNorm = Vector.norm(divergence)
        for (index, reason) in excluded.sorted(by: { $0.key < $1.key }) { reject(index, reason) }
        var unvisited = Array(candidates.enumerated()).filter { excluded[$0.offset] == nil }
        // Keys change only when the remainder does, i.e. after a keep.
        var keys = unvisited.map { key($0.element, remainder) }

        while !unvisited.isEmpty {
            var next = 0
            for i in unvisited.indices.dropFirst() where keys[i] > keys[next]
                || (keys[i] == keys[next] && unvisited[i].offset < unvisited[next].offset) {
                next = i
            }
            let (index, candidate) = unvisited.remove(at: next)
            keys.remove(at: next)
            let name = candidate.name.lowercased()
            if seenNames.contains(name) {
                reject(index, "listed twice")
                continue
            }
            seenNames.insert(name)
            guard candidate.direction.allSatisfy(\.isFinite) else {
                reject(index, "its vector has non-finite values (NaN or infinity)")
                continue
            }
            guard Vector.norm(candidate.direction) > 0 else {
                reject(index, "maps to the zero vector in this encoder")
                continue
            }
            let representative = representative(candidate, remainder)
            let cosines = kept.map { ($0.concept.name, abs(Vector.cosine($0.direction, representative))) }
            if let duplicate = cosines.first(where: { $0.1 > 0.9999 }) {
                reject(index, Self.sameDirection + " \"\(duplicate.0)\" (|cos| \(format(duplicate.1)))")
                continue
            }
            let summed = cosines.reduce(0) { $0 + $1.1 }  // Eq. 9
            let closest = cosines.max { $0.1 < $1.1 }
            if !kept.isEmpty && summed >= eOrtho && !explainsWhatIsLeft(representative, remainder, closest: closest?.1 ?? 0) {
                let closest = closest!
                reject(index, Self.notOrthogonal + ": summed |cos| \(format(summed)) ≥ eOrtho \(format(eOrtho))"
                        + " (closest \"\(closest.0)\", |cos| \(format(closest.1)))")
                continue
            }
            if ordering == .residualAlignment {
                // NNLS over the kept concepts' whole cones and this candidate's, as the
                // decomposition will fit them. A candidate that takes no part of that fit explains
                // nothing the kept ones leave, and must not block a later one.
                let trial = fit(kept.map(\.cone) + [cone(candidate)], divergence)
                if !kept.isEmpty && !trial.uses.last! {
                    reject(index, Self.addsNothing)
                    continue
                }
                // A kept concept the newcomer leaves with no weight is dropped, so it blocks
                // nothing from here on (the fit without it is the same fit).
                for k in kept.indices.reversed() where !trial.uses[k] {
                    visits[kept[k].visit].rejection = Self.displaced + " \"\(candidate.name)\" was kept: "
                        + "it has weight 0 under non-negative least squares beside it"
                    kept.remove(at: k)
                }
                // Once V_div is explained, what is left is rounding noise: fall back to V_div.
                remainder = Vector.norm(trial.left) > 1e-9 * divergenceNorm ? trial.left : divergence
                keys = unvisited.map { key($0.element, remainder) }
            }
            kept.append((representative, cone(candidate), visits.count, candidate))
            visits.append(.init(candidate: index, name: candidate.name, rejection: nil))
        }
        if ordering == .residualAlignment {
            exchange(&kept, &visits, candidates, divergence)
            dropOpposites(&kept, &visits, divergence)
        }
        return Explanation.FilterTrace(eOrtho: eOrtho, ordering: ordering, visits: visits)
    }

    /// The greedy visit can keep a concept that explains a little of what is left early and so
    /// block one that explains more once the others are in (beside a median-cut palette, "muted
    /// colors" or "low contrast" took the place of a cool cast, which then had |cos| ≥ eOrtho with
    /// it). After the visit, a candidate rejected as not orthogonal takes the place of one kept
    /// concept that is not its near-parallel rival when it passes Eq. 9 (or the leftover rule)
    /// against the rest and the fit with it leaves at most `1 − exchangeGain` of the squared
    /// residual the kept set leaves; the best such exchange is made, and the search repeats (at
    /// most once per candidate). A kept concept that the fit with the arriving one leaves at
    /// weight 0 goes with the one it replaces, as in the visit.
    private func exchange(_ kept: inout [Kept],
                          _ visits: inout [Explanation.FilterTrace.Visit], _ candidates: [Concept], _ divergence: [Double]) {
        for _ in 0..<candidates.count {
            guard kept.count >= 2 else { return }
            let current = squaredResidual(kept.map(\.cone), divergence)
            var best: (visit: Int, out: Int, direction: [Double], residual: Double, idle: [Int])?
            for out in kept.indices {
                let otherIndices = kept.indices.filter { $0 != out }
                let others = otherIndices.map { kept[$0] }
                let remainder = fit(others.map(\.cone), divergence).left
                for (v, visit) in visits.enumerated() where visit.rejection?.hasPrefix(Self.notOrthogonal) == true {
                    let candidate = candidates[visit.candidate]
                    let representative = representative(candidate, remainder)
                    let cosines = others.map { abs(Vector.cosine($0.direction, representative)) }
                    let closest = cosines.max() ?? 0
                    // Near-parallel rivals are the near-parallel rule's to decide (`NearParallelRule`).
                    guard abs(Vector.cosine(kept[out].direction, representative)) < Self.nearParallel,
                          cosines.reduce(0, +) < eOrtho || explainsWhatIsLeft(representative, remainder, closest: closest)
                    else { continue }
                    let trial = fit(others.map(\.cone) + [cone(candidate)], divergence)
                    // The arriving concept must take part; a kept one it leaves at weight 0 goes
                    // with the one it replaces, as a concept displaced in the visit does.
                    guard trial.uses.last == true else { continue }
                    let residual = squared(trial.left)
                    if residual <= (1 - Self.exchangeGain) * current, residual < best?.residual ?? .infinity {
                        best = (v, out, representative, residual, others.indices.filter { !trial.uses[$0] }.map { otherIndices[$0] })
                    }
                }
            }
            guard let best else { return }
            let leaving = kept[best.out]
            let arriving = visits[best.visit].name
            visits[leaving.visit].rejection = Self.exchanged + " \"\(arriving)\": beside the other kept concepts it leaves "
                + String(format: "%.0f %% of the squared residual this one left", 100 * best.residual / max(current, 1e-300))
            visits[best.visit].rejection = nil
            for k in best.idle {
                visits[kept[k].visit].rejection = Self.displaced + " \"\(arriving)\" " + Self.arrivedInExchange + ": "
                    + "it has weight 0 under non-negative least squares beside it"
            }
            for k in ([best.out] + best.idle).sorted(by: >) { kept.remove(at: k) }
            let arrivingConcept = candidates[visits[best.visit].candidate]
            kept.append((best.direction, cone(arrivingConcept), best.visit, arrivingConcept))
        }
    }

    /// Two opposite looks kept side by side (`Concept.opposes`: "warm tones" and "cool tones", which
    /// the visit can keep when each explains a part of what the other leaves) say nothing a reader
    /// can use: their non-negative weights cancel along the look and explain what the two
    /// directions share. Of each such pair the one whose absence leaves the smaller squared
    /// residual goes. Done after the visit, so the greedy path (and every model without such a
    /// pair) is as before.
    private func dropOpposites(_ kept: inout [Kept],
                               _ visits: inout [Explanation.FilterTrace.Visit], _ divergence: [Double]) {
        func opposedPair() -> (Int, Int)? {
            for i in kept.indices {
                if let j = kept.indices.first(where: { $0 > i && kept[i].concept.opposes(kept[$0].concept) }) { return (i, j) }
            }
            return nil
        }
        while let (a, b) = opposedPair() {
            func without(_ k: Int) -> Double { squaredResidual(kept.indices.filter { $0 != k }.map { kept[$0].cone }, divergence) }
            let (out, stays) = without(a) <= without(b) ? (a, b) : (b, a)
            visits[kept[out].visit].rejection = Self.oppositeOf + " \"\(kept[stays].concept.name)\": " + Self.bothWays
            let gone = kept.remove(at: out).concept.name
            // Every kept concept still takes part in the fit.
            let uses = fit(kept.map(\.cone), divergence).uses
            for k in kept.indices.reversed() where !uses[k] {
                visits[kept[k].visit].rejection = Self.displaced + " \"\(gone)\" went as an opposite: "
                    + "it has weight 0 under non-negative least squares without it"
                kept.remove(at: k)
            }
        }
    }

    /// How the reason of a kept concept exchanged for a rejected one begins (residual ordering).
    package static let exchanged = "exchanged for"
    /// Share of the squared residual an exchange must remove: a real improvement, not a tie
    /// (`finexl bench photos` reads the same at 0.01 and 0.03; at 0.1 and 0.2 fewer exchanges help).
    static let exchangeGain = 0.01

    /// The column a concept competes with: under the residual ordering, of its direction and its
    /// forms (`Concept.forms`, the cone the NNLS methods fit) the one closest to what is left to
    /// explain, so clumped grain is weighed as grain; otherwise its direction.
    private func representative(_ concept: Concept, _ remainder: [Double]) -> [Double] {
        guard ordering == .residualAlignment, concept.forms?.isEmpty == false else { return concept.direction }
        return cone(concept).max { Vector.cosine($0, remainder) < Vector.cosine($1, remainder) } ?? concept.direction
    }

    /// A residual's squared length in the decomposition's metric, where the fit minimizes it.
    private func squared(_ left: [Double]) -> Double {
        let measured = metric?.apply(left) ?? left
        return Vector.dot(measured, measured)
    }

    /// What NNLS of `target` over `cones` leaves, squared in the decomposition's metric.
    private func squaredResidual(_ cones: [[[Double]]], _ target: [Double]) -> Double { squared(fit(cones, target).left) }

    /// A concept's columns under the NNLS methods: its direction, then its usable forms.
    private func cone(_ concept: Concept) -> [[Double]] {
        [concept.direction] + concept.formDirections.filter { $0.allSatisfy(\.isFinite) && Vector.norm($0) > 0 }
    }

    /// NNLS of `target` over `cones` (each concept's columns), in the decomposition's metric:
    /// what it leaves (in the embedding's own coordinates, where candidates are compared), and
    /// which concepts take part.
    private func fit(_ cones: [[[Double]]], _ target: [Double]) -> (left: [Double], uses: [Bool]) {
        let columns = cones.flatMap { $0 }
        let weights = LeastSquares.nonNegative(columns: columns, target: target, metric: metric)
        let left = Vector.subtract(target, Vector.combination(columns, weights: weights, dimension: target.count))
        var uses: [Bool] = [], start = 0
        for cone in cones {
            uses.append(weights[start..<(start + cone.count)].contains { $0 > 0 })
            start += cone.count
        }
        return (left, uses)
    }

    /// Under the residual ordering (the NNLS methods), a candidate that is not nearly parallel to
    /// a kept concept but points along what they leave unexplained (cos ≥ `leftoverAlignment`)
    /// is kept despite Eq. 9: the non-negative fit shares a common component between correlated
    /// concepts, and rejecting it would hand its part to a neighbour ("cool tones" lost beside
    /// "low contrast", which cools warm pictures too). (Measured by `finexl bench`: asking
    /// instead that the refit with it leave at most 75 % of the squared remainder admitted more
    /// spurious concepts, on real pictures and synthetic ones.)
    private func explainsWhatIsLeft(_ direction: [Double], _ remainder: [Double], closest: Double) -> Bool {
        guard ordering == .residualAlignment, closest < Self.nearParallel else { return false }
        return Vector.cosine(direction, remainder) >= Self.leftoverAlignment
    }

    /// Cosine with what is left above which a correlated candidate is still kept (residual ordering).
    static let leftoverAlignment = 0.5
    /// |cos| with a kept concept from which a candidate is its near-parallel rival, never kept beside it.
    static let nearParallel = 0.9

    /// How strongly a candidate claims the next place; larger first.
    private func key(_ concept: Concept, _ remainder: [Double]) -> Double {
        let cosine = Vector.cosine(representative(concept, remainder), remainder)
        guard cosine.isFinite, concept.direction.allSatisfy(\.isFinite) else { return -.infinity }
        return ordering == .absoluteAlignment ? abs(cosine) : cosine
    }

    private func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
