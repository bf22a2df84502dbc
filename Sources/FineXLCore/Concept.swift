/// A candidate concept in natural language together with its direction `f(C)`.
public struct Concept: Sendable, Equatable, Codable {
    public var name: String
    public var direction: [Double]
    public var origin: ConceptOrigin
    /// `f(C)` as measured on each calibration image, when the encoder measures concepts on
    /// images (the descriptor's in-context directions: this run's base images, in pair order);
    /// `direction` is their mean. Nil for text-mapped or precomputed directions. The bootstrap
    /// resamples them, so an interval covers the uncertainty of f(C) as well as of V_div.
    public var perImage: [[Double]]?
    /// The weights levels of the concept's rendering produce, when measured; the reported
    /// weight is the fitted one read through it as a level. Nil: the fitted weight is reported.
    public var levelResponse: LevelResponse?

    public init(name: String, direction: [Double], origin: ConceptOrigin, perImage: [[Double]]? = nil,
                levelResponse: LevelResponse? = nil) {
        self.name = name
        self.direction = direction
        self.origin = origin
        self.perImage = perImage
        self.levelResponse = levelResponse
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
