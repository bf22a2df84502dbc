import Foundation

/// The paper's orthogonality filter (Eq. 9): candidates are visited in order of
/// alignment with V_div; one is rejected when its summed |cos| with the concepts
/// already kept is ≥ eOrtho. Zero and duplicate directions are rejected first.
public struct OrthogonalityFilter: Sendable {
    /// The order in which candidates claim their place.
    public enum Ordering: Sendable {
        /// |cos(f(C), V_div)|, the paper's order, right for unconstrained weights.
        case absoluteAlignment
        /// cos(f(C), V_div), largest first: under non-negative weights a concept pointing
        /// away from V_div cannot explain it, so it must not block its aligned opposite
        /// ("cool tones" keeping "warm tones" out).
        case signedAlignment
    }

    public var eOrtho: Double
    public var ordering: Ordering

    public init(eOrtho: Double, ordering: Ordering = .absoluteAlignment) {
        self.eOrtho = eOrtho
        self.ordering = ordering
    }

    public func apply(to candidates: [Concept], divergence: [Double])
        -> (kept: [Concept], rejected: [Explanation.Rejected])
    {
        var kept: [Concept] = []
        var rejected: [Explanation.Rejected] = []
        var seenNames = Set<String>()
        let key: (Concept) -> Double = { concept in
            let cosine = Vector.cosine(concept.direction, divergence)
            return self.ordering == .absoluteAlignment ? abs(cosine) : cosine
        }
        let ordered = candidates.enumerated().map { ($0.offset, $0.element, key($0.element)) }
            .sorted { a, b in a.2 != b.2 ? a.2 > b.2 : a.0 < b.0 }
            .map(\.1)

        for candidate in ordered {
            let key = candidate.name.lowercased()
            if seenNames.contains(key) {
                rejected.append(.init(name: candidate.name, reason: "listed twice"))
                continue
            }
            seenNames.insert(key)
            guard Vector.norm(candidate.direction) > 0, candidate.direction.allSatisfy(\.isFinite) else {
                rejected.append(.init(name: candidate.name, reason: "maps to the zero vector in this encoder"))
                continue
            }
            let cosines = kept.map { ($0.name, abs(Vector.cosine($0.direction, candidate.direction))) }
            if let duplicate = cosines.first(where: { $0.1 > 0.9999 }) {
                rejected.append(.init(name: candidate.name,
                                      reason: "same direction as \"\(duplicate.0)\" (|cos| \(format(duplicate.1)))"))
                continue
            }
            let summed = cosines.reduce(0) { $0 + $1.1 }  // Eq. 9
            if !kept.isEmpty && summed >= eOrtho {
                let closest = cosines.max { $0.1 < $1.1 }!
                rejected.append(.init(
                    name: candidate.name,
                    reason: "not orthogonal to kept concepts: summed |cos| \(format(summed)) ≥ eOrtho \(format(eOrtho))"
                        + " (closest \"\(closest.0)\", |cos| \(format(closest.1)))"))
                continue
            }
            kept.append(candidate)
        }
        return (kept, rejected)
    }

    private func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
