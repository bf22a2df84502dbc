/// A candidate concept in natural language together with its direction `f(C)`.
package struct Concept: Sendable, Equatable, Codable {
    package var name: String
    package var direction: [Double]
    package var origin: ConceptOrigin
    /// `f(C)` as measured on each calibration image, when the encoder measures concepts on
    /// images (the descriptor's in-context directions: this run's base images, in pair order);
    /// `direction` is their mean. Nil for text-mapped or precomputed directions. The bootstrap
    /// resamples them, so an interval covers the uncertainty of f(C) as well as of V_div.
    package var perImage: [[Double]]?
    /// The weights levels of the concept's rendering produce, when measured; the reported
    /// weight is the fitted one read through it as a level. Nil: the fitted weight is reported.
    package var levelResponse: LevelResponse?

    package init(name: String, direction: [Double], origin: ConceptOrigin, perImage: [[Double]]? = nil,
                levelResponse: LevelResponse? = nil) {
        self.name = name
        self.direction = direction
        self.origin = origin
        self.perImage = perImage
        self.levelResponse = levelResponse
    }
}

/// Where a candidate concept came from, kept so reports can say so.
package struct ConceptOrigin: Sendable, Equatable, Codable {
    package enum Kind: String, Sendable, Codable { case vocabulary, vlm, list }
    package var kind: Kind
    /// e.g. "rounds 1, 3" for a VLM proposal.
    package var detail: String?
    /// The VLM's own 0–10 strength rating of the concept (the paper's "naive VLM" baseline).
    package var naiveStrength: Double?

    package init(kind: Kind, detail: String? = nil, naiveStrength: Double? = nil) {
        self.kind = kind
        self.detail = detail
        self.naiveStrength = naiveStrength
    }
}
