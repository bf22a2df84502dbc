import FineXLSupport

/// The divergence of a personalized model from its base (paper Eq. 5):
/// `V_div = mean over pairs of Enc(personal) − Enc(base)`.
package struct Divergence: Sendable, Equatable {
    /// `V_div`.
    package let vector: [Double]
    /// ‖V_div‖.
    package let norm: Double
    /// `Enc(personal_k) − Enc(base_k)` for every pair k, kept for the statistics.
    package let pairDifferences: [[Double]]
    package let base: [[Double]]
    package let personal: [[Double]]

    package var pairs: Int { pairDifferences.count }
    package var dimension: Int { vector.count }

    /// Computes `V_div` from paired embeddings (same prompt and seed at the same index).
    package init(base: [[Double]], personal: [[Double]]) throws {
        guard base.count == personal.count else {
            throw FineXLError("base has \(base.count) embeddings but personal has \(personal.count); they must pair one to one")
        }
        guard base.count >= 2 else {
            throw FineXLError("need at least 2 image pairs to measure a divergence, got \(base.count)")
        }
        let dimension = base[0].count
        guard dimension > 0, (base + personal).allSatisfy({ $0.count == dimension }) else {
            throw FineXLError("embeddings have different lengths")
        }
        guard (base + personal).allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw FineXLError("an embedding contains NaN or infinity")
        }
        self.base = base
        self.personal = personal
        pairDifferences = zip(personal, base).map { Vector.subtract($0, $1) }
        vector = Vector.mean(pairDifferences)  // Eq. 5
        norm = Vector.norm(vector)
    }

    /// Mean ‖Enc(personal) − Enc(base)‖ over pairs.
    package var meanPairNorm: Double {
        pairDifferences.map(Vector.norm).reduce(0, +) / Double(pairs)
    }

    /// Projection of each pair's difference onto a direction (for histograms).
    package func pairProjections(onto direction: [Double]) -> [Double] {
        let n = Vector.norm(direction)
        guard n > 0 else { return pairDifferences.map { _ in 0 } }
        return pairDifferences.map { Vector.dot($0, direction) / n }
    }
}
