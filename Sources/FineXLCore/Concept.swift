import Foundation

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
    /// The look the concept names and its opposite, when the encoder knows them.
    package var opposition: Opposition?

    package init(name: String, direction: [Double], origin: ConceptOrigin, perImage: [[Double]]? = nil,
                levelResponse: LevelResponse? = nil, forms: [ConceptForm]? = nil, levelRange: LevelRange? = nil,
                alternate: ConceptRendering? = nil, opposition: Opposition? = nil) {
        self.name = name
        self.direction = direction
        self.origin = origin
        self.perImage = perImage
        self.levelResponse = levelResponse
        self.forms = forms
        self.levelRange = levelRange
        self.alternate = alternate
        self.opposition = opposition
    }

    /// Whether `other` names this concept's opposite look.
    package func opposes(_ other: Concept) -> Bool {
        guard let mine = opposition, let theirs = other.opposition else { return false }
        return mine.opposite == theirs.look || theirs.opposite == mine.look
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
    /// How far two renderings of one look disagree on its level, pooled over all the looks the
    /// encoder measured on the same images; nil when not measured.
    package var strengthSpread: StrengthSpread?

    package init(perImageChange: [[Double]], levelResponse: LevelResponse? = nil, strengthSpread: StrengthSpread? = nil) {
        self.perImageChange = perImageChange
        self.levelResponse = levelResponse
        self.strengthSpread = strengthSpread
    }

    /// This rendering's direction, given the concept's.
    package func direction(from conceptDirection: [Double]) -> [Double] {
        Vector.add(conceptDirection, Vector.mean(perImageChange))
    }
}

/// How far implementations of a look disagree on its level. For each look with two renderings,
/// `r` is the weight the concept's direction gives the other rendering's (both slopes per unit
/// of level: how strong the other's level 1 reads); `logSD` is the root mean square of log r
/// over the looks.
///
/// The model: the implementations of a look (FineXL's two, the tool a user's model was made
/// with) have strengths spread around the look's common strength by `implementationSD` in log,
/// the same for every look. Two of them differ by √2 times that, so `implementationSD` is
/// logSD / √2. A level read through either of FineXL's renderings is off from a third
/// implementation's by where that one lies (`implementationSD`) and by where the common
/// strength lies, which the two renderings pin down only to their midpoint: the intervals draw
/// one rendering per resample for the second, and scale by e^(implementationSD · t) for the first.
package struct StrengthSpread: Sendable, Equatable, Codable {
    package var logSD: Double
    /// How many looks `logSD` pools (the degrees of freedom of its t distribution).
    package var looks: Int

    /// Fewest looks a spread is pooled from: fewer say too little of it (and Student's t with
    /// under 4 degrees of freedom has tails too heavy to draw from usefully).
    package static let minimumLooks = 5
    /// `r` is clamped to [1/4, 4] (a rendering pointing away, r ≤ 0, counts as 1/4): two
    /// renderings of one look that differ more than 4× in strength are not two of its
    /// implementations, and one such look must not set every interval's width.
    package static let clamp = 4.0

    package init(logSD: Double, looks: Int) {
        self.logSD = logSD
        self.looks = looks
    }

    /// From the ratios (one per look; NaN skipped, the rest clamped); nil under `minimumLooks`.
    package init?(ratios: [Double]) {
        let logs = ratios.filter { !$0.isNaN }.map { Foundation.log(min(max($0, 1 / Self.clamp), Self.clamp)) }
        guard logs.count >= Self.minimumLooks else { return nil }
        self.init(logSD: (logs.map { $0 * $0 }.reduce(0, +) / Double(logs.count)).squareRoot(), looks: logs.count)
    }

    /// How far one implementation's strength lies from the look's common strength, in log.
    package var implementationSD: Double { logSD / 2.0.squareRoot() }

    /// The factor one implementation's level differs from the common strength's by, either way,
    /// at the edges of a 95 % range: e^(implementationSD · t), t the 97.5 % quantile of
    /// Student's distribution with `looks` degrees of freedom (Cornish–Fisher expansion around
    /// the normal's 1.96; within 0.2 % from 5 degrees).
    package var factor95: Double {
        let z = 1.959964, v = Double(max(looks, 1))
        let t = z + (pow(z, 3) + z) / (4 * v) + (5 * pow(z, 5) + 16 * pow(z, 3) + 3 * z) / (96 * v * v)
            + (3 * pow(z, 7) + 19 * pow(z, 5) + 17 * pow(z, 3) - 15 * z) / (384 * v * v * v)
        return exp(implementationSD * t)
    }

    /// `r` of one look: the rendering's f(C) projected on the concept's `direction`, as a fit
    /// with the concept alone would weigh it.
    package static func ratio(of rendering: [Double], along direction: [Double]) -> Double {
        let squared = Vector.dot(direction, direction)
        return squared > 0 ? Vector.dot(rendering, direction) / squared : 0
    }
}

/// The look a concept names (its canonical name, whatever synonym the run used) and the look that
/// is its opposite ("warm tones" and "cool tones", "bright" and "dark"). One model does not move
/// both ways: two opposite concepts kept together cancel along the look and explain only what
/// their directions share, which neither names ("cool tones" 1.2 + "warm tones" 0.8 for a
/// contrast curve that keeps the chroma a canonical contrast lowering takes).
package struct Opposition: Sendable, Equatable, Codable {
    package var look: String
    package var opposite: String

    package init(look: String, opposite: String) {
        self.look = look
        self.opposite = opposite
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
