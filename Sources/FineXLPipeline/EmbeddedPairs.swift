import FineXLCore

/// Embeddings of both sides of a paired source, row k of `base` and `personal` from pair k.
public struct EmbeddedPairs: Sendable, Codable, Equatable {
    public var names: [String]
    public var base: [[Double]]
    public var personal: [[Double]]

    public init(names: [String], base: [[Double]], personal: [[Double]]) {
        self.names = names
        self.base = base
        self.personal = personal
    }

    /// `V_div` and its per-pair differences (paper Eq. 5).
    public func divergence() throws -> Divergence {
        try Divergence(base: base, personal: personal)
    }
}
