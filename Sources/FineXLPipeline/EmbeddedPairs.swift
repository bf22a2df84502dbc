import FineXLCore

/// Embeddings of both sides of a paired source, row k of `base` and `personal` from pair k.
package struct EmbeddedPairs: Sendable, Codable, Equatable {
    package var names: [String]
    package var base: [[Double]]
    package var personal: [[Double]]

    package init(names: [String], base: [[Double]], personal: [[Double]]) {
        self.names = names
        self.base = base
        self.personal = personal
    }

    /// `V_div` and its per-pair differences (paper Eq. 5).
    package func divergence() throws -> Divergence {
        try Divergence(base: base, personal: personal)
    }
}
