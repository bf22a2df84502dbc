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
    /// Other common ways of making the concept's look, each measured like `direction` (the
    /// descriptor's `Aspect.Form`s). Under the NNLS methods the concept is the cone they span
    /// with `direction`, and its weight is the sum of theirs. Nil or empty: one direction.
    package var forms: [ConceptForm]?
    /// The levels the concept's name stands for, when the encoder states them ("black and
    /// white" is at most a quarter of the colour left); nil: any positive level.
    package var levelRange: LevelRange?
    /// Another rendering of the same look, measured like `direction` (on some of its images), when the
    /// encoder has one (the descriptor's alternate renderings). Which rendering defines a look's
    /// level is itself uncertain, so the intervals draw each resample's direction from both.
    package var alternate: ConceptRendering?

    package init(name: String, direction: [Double], origin: ConceptOrigin, perImage: [[Double]]? = nil,
                levelResponse: LevelResponse? = nil, forms: [ConceptForm]? = nil, levelRange: LevelRange? = nil,
                alternate: ConceptRendering? = nil) {
        self.name = name
        self.direction = direction
        self.origin = origin
        self.perImage = perImage
        self.levelResponse = levelResponse
        self.forms = forms
        self.levelRange = levelRange
        self.alternate = alternate
    }

    /// The directions of the concept's other forms (none when it has one direction).
    package var formDirections: [[Double]] { (forms ?? []).map(\.direction) }
}

/// One more form of a concept: its direction, and per calibration image when measured on images.
package struct ConceptForm: Sendable, Equatable, Codable {
    package var name: String
    package var direction: [Double]
    package var perImage: [[Double]]?

    package init(name: String, direction: [Double], perImage: [[Double]]? = nil) {
        self.name = name
        self.direction = direction
        self.perImage = perImage
    }
}

/// A concept's look made another way: how its f(C) differs from the concept's own, and the
/// weights its levels produce, read back as levels like the concept's own. Kept as a difference
/// because that varies far less from image to image than either direction: measured on a few of
/// the concept's images, it adds little noise to the concept's direction measured on all of them.
package struct ConceptRendering: Sendable, Equatable, Codable {
    /// This rendering's f(C) minus the concept's, on each image it was measured on.
    package var perImageChange: [[Double]]
    package var levelResponse: LevelResponse?

    package init(perImageChange: [[Double]], levelResponse: LevelResponse? = nil) {
        self.perImageChange = perImageChange
        self.levelResponse = levelResponse
    }

    /// This rendering's direction, given the concept's.
    package func direction(from conceptDirection: [Double]) -> [Double] {
        Vector.add(conceptDirection, Vector.mean(perImageChange))
    }
}

/// The levels a concept's name stands for, with the reason, for the rule that chooses between
/// near-parallel concepts.
package struct LevelRange: Sendable, Equatable, Codable {
    package var lower: Double
    /// Nil: no upper end.
    package var upper: Double?
    /// Why, in words ("black and white leaves at most a quarter of the colour").
    package var reason: String

    package init(lower: Double = 0, upper: Double? = nil, reason: String) {
        self.lower = lower
        self.upper = upper
        self.reason = reason
    }

    package func contains(_ level: Double) -> Bool { level >= lower && level <= (upper ?? .infinity) }
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
