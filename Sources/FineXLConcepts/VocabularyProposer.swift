import FineXLCore

/// Picks, from a vocabulary already mapped into the encoder's space, the concepts whose
/// directions line up best with the divergence: the fixed-vocabulary route to candidates
/// (the author's own reproduction replaced the VLM by a ~150-term vocabulary).
package enum VocabularyProposer {
    /// Ranks candidates by |cos(f(C), V_div)| and keeps the `top` best. A concept pointing
    /// against `V_div` ranks as high as one pointing with it: the personalization may remove
    /// an aspect, and the decomposition gives it a negative weight. `alignment` is the signed cosine.
    /// Candidates the encoder could not map, or whose mapping is unusable, are returned with a reason.
    package static func rank(candidates: [String], mappings: [ConceptMapping], divergence: [Double], top: Int)
        -> (chosen: [(name: String, direction: [Double], alignment: Double)],
            unrepresentable: [(name: String, reason: String)])
    {
        var scored: [(index: Int, name: String, direction: [Double], alignment: Double)] = []
        var unrepresentable: [(name: String, reason: String)] = []
        for (index, name) in candidates.enumerated() {
            guard index < mappings.count else {
                unrepresentable.append((name, "the encoder returned no mapping for it"))
                continue
            }
            switch mappings[index] {
            case .unrepresentable(let reason):
                unrepresentable.append((name, reason))
            case .vector(let direction):
                if let problem = problem(with: direction, divergenceDimension: divergence.count) {
                    unrepresentable.append((name, problem))
                } else {
                    scored.append((index, name, direction, Vector.cosine(direction, divergence)))
                }
            }
        }
        // Ties keep the vocabulary's order so the choice is deterministic.
        scored.sort { a, b in
            abs(a.alignment) != abs(b.alignment) ? abs(a.alignment) > abs(b.alignment) : a.index < b.index
        }
        let chosen = scored.prefix(max(0, top)).map { (name: $0.name, direction: $0.direction, alignment: $0.alignment) }
        return (chosen, unrepresentable)
    }

    private static func problem(with direction: [Double], divergenceDimension: Int) -> String? {
        if direction.count != divergenceDimension {
            return "its direction has \(direction.count) dimensions but the divergence has \(divergenceDimension)"
        }
        if !direction.allSatisfy(\.isFinite) {
            return "its direction contains NaN or infinity"
        }
        if Vector.norm(direction) == 0 {
            return "it maps to the zero vector"
        }
        return nil
    }
}
