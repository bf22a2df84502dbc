/// A candidate concept in natural language together with its direction `f(C)`.
public struct Concept: Sendable, Equatable, Codable {
    public var name: String
    public var direction: [Double]
    public var origin: ConceptOrigin

    public init(name: String, direction: [Double], origin: ConceptOrigin) {
        self.name = name
        self.direction = direction
        self.origin = origin
    }
}

/// Where a candidate concept came from, kept so reports can say so.
public struct ConceptOrigin: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case vocabulary, vlm, list }
    public var kind: Kind
    /// e.g. "rounds 1, 3" for a VLM proposal.
    public var detail: String?
    /// The VLM's own 0–10 strength rating of the concept (the paper's "naive VLM" baseline).
    public var naiveStrength: Double?

    public init(kind: Kind, detail: String? = nil, naiveStrength: Double? = nil) {
        self.kind = kind
        self.detail = detail
        self.naiveStrength = naiveStrength
    }
}
