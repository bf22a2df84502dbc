/// The outcome of explaining one personalized model against its base; encodes
/// as the `finexl.explanation/2` JSON schema of PRODUCT.md. The filter's trace is kept for
/// views that show what the run did (`steps`); it is written only when the encoder's
/// `userInfo[Explanation.includesFilterTrace]` is true (caches), never into the schema.
package struct Explanation: Sendable, Codable, Equatable {
    package struct EncoderInfo: Sendable, Codable, Equatable {
        package var name: String
        package var dimension: Int
        package var identity: String?

        package init(name: String, dimension: Int, identity: String? = nil) {
            self.name = name
            self.dimension = dimension
            self.identity = identity
        }
    }

    package struct DivergenceInfo: Sendable, Codable, Equatable {
        /// ‖V_div‖.
        package var norm: Double
        /// Mean ‖Enc(personal) − Enc(base)‖ over pairs, to compare with `norm`:
        /// when it is much larger, pairs disagree and the mean hides spread.
        package var meanPairNorm: Double

        package init(norm: Double, meanPairNorm: Double) {
            self.norm = norm
            self.meanPairNorm = meanPairNorm
        }
    }

    /// One kept concept and the evidence for it.
    package struct Weighted: Sendable, Codable, Equatable {
        package var name: String
        /// `w_i` of `V_div ≈ Σ w_i f(C_i)`: the level of this aspect. When the concept's response
        /// was measured at several levels (`Concept.levelResponse`), `w_i` read through it as a level.
        package var weight: Double
        /// 95 % bootstrap interval of the weight: pairs resampled, and with them the calibration
        /// images f(C) was measured on when it was measured on images, and when the encoder
        /// measured how far implementations of a look disagree on its level, that too
        /// (`Explanation.intervals`).
        package var ci: [Double]
        /// The interval without how far implementations disagree (present only when `ci` includes
        /// it): how precisely these pairs pin the level down on the concept's own rendering's
        /// scale, for comparing models explained against the same base images.
        package var ciSampling: [Double]?
        /// The sampling interval: `ciSampling`, else `ci` (a concept without a spread of its own
        /// has one interval, its sampling interval too).
        package var samplingInterval: [Double] { ciSampling ?? ci }
        /// cos(f(C), V_div).
        package var alignment: Double
        /// AUROC of the per-image projection onto f(C), personal against base, unpaired: how
        /// well one image on its own shows the aspect (the paired test says whether it is there).
        package var auroc: Double
        /// The pairs' evidence: share moving along f(C) and the signed-rank test (schema /2).
        package var paired: PairedEvidence
        package var origin: ConceptOrigin
        /// The concept's other forms the fit used (`Concept.forms`), with their share of the
        /// weight; absent when only its direction was used.
        package var forms: [FormShare]?
        /// Near-parallel concepts that fit V_div as well, within what the pairs' spread allows:
        /// the images cannot tell them apart from this one. Absent when there are none.
        package var alternatives: [Alternative]?

        package init(name: String, weight: Double, ci: [Double], ciSampling: [Double]? = nil, alignment: Double, auroc: Double,
                    paired: PairedEvidence, origin: ConceptOrigin, forms: [FormShare]? = nil,
                    alternatives: [Alternative]? = nil) {
            self.name = name
            self.weight = weight
            self.ci = ci
            self.ciSampling = ciSampling
            self.alignment = alignment
            self.auroc = auroc
            self.paired = paired
            self.origin = origin
            self.forms = forms
            self.alternatives = alternatives
        }
    }

    /// One form of a kept concept and the share of its weight it carries.
    package struct FormShare: Sendable, Codable, Equatable {
        package var name: String
        package var share: Double

        package init(name: String, share: Double) {
            self.name = name
            self.share = share
        }
    }

    /// A reading that fits as well as the one given: this concept in the kept one's place.
    package struct Alternative: Sendable, Codable, Equatable {
        package var name: String
        /// Its level in the kept concept's place.
        package var weight: Double
        /// Its 95 % interval, built as the kept concept's is, with it in that place (absent when
        /// not computed).
        package var ci: [Double]?
        /// Its sampling interval, as the kept concept's `ciSampling` (absent when there is none).
        package var ciSampling: [Double]?
        /// The relative residual with it in that place (the kept reading's is `residual.relative`
        /// of the explanation, up to the other concepts' refit).
        package var residual: Double
        /// Why the kept reading was preferred, in words.
        package var reason: String

        package init(name: String, weight: Double, ci: [Double]? = nil, ciSampling: [Double]? = nil, residual: Double,
                     reason: String) {
            self.name = name
            self.weight = weight
            self.ci = ci
            self.ciSampling = ciSampling
            self.residual = residual
            self.reason = reason
        }
    }

    package struct Rejected: Sendable, Codable, Equatable {
        package var name: String
        package var reason: String

        package init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }
    }

    package struct Residual: Sendable, Codable, Equatable {
        /// ‖V_div − Σ w_i f(C_i)‖ / ‖V_div‖.
        package var relative: Double

        package init(relative: Double) {
            self.relative = relative
        }
    }

    /// One step of the greedy decomposition (paper Eq. 11), for teaching.
    package struct Step: Sendable, Codable, Equatable {
        package var added: String
        package var relativeResidual: Double

        package init(added: String, relativeResidual: Double) {
            self.added = added
            self.relativeResidual = relativeResidual
        }
    }

    package var schema: String = "finexl.explanation/2"
    package var encoder: EncoderInfo
    package var pairs: Int
    package var method: DecompositionMethod
    package var thresholds: Thresholds
    package var divergence: DivergenceInfo
    /// Sorted by weight, largest first.
    package var concepts: [Weighted]
    package var rejected: [Rejected]
    package var residual: Residual
    package var steps: [Step]
    /// Messages for the reader: large residual, few pairs, intervals spanning 0.
    package var warnings: [String]
    /// Where the concept directions were measured (descriptor: this run's base images or the
    /// reference set); nil when the encoder maps concepts from text or they were given.
    package var directions: DirectionSource?
    /// What the 95 % intervals resample, in words.
    package var intervals: String?
    /// How the orthogonality filter (Eq. 9) visited the candidates; nil when decoded from the schema.
    package var filter: FilterTrace?

    /// The orthogonality filter's run: every candidate in the order it was visited.
    package struct FilterTrace: Sendable, Codable, Equatable {
        package struct Visit: Sendable, Codable, Equatable {
            /// Index of the candidate in the list given to the filter.
            package var candidate: Int
            package var name: String
            /// Why it was rejected; nil when it was kept.
            package var rejection: String?

            package init(candidate: Int, name: String, rejection: String?) {
                self.candidate = candidate
                self.name = name
                self.rejection = rejection
            }
        }

        package var eOrtho: Double
        package var ordering: OrthogonalityFilter.Ordering
        package var visits: [Visit]

        package init(eOrtho: Double, ordering: OrthogonalityFilter.Ordering, visits: [Visit]) {
            self.eOrtho = eOrtho
            self.ordering = ordering
            self.visits = visits
        }

        /// Indices of the kept candidates, in the order they were kept.
        package var kept: [Int] { visits.filter { $0.rejection == nil }.map(\.candidate) }
        /// The rejected candidates with their reasons, in the order they were visited.
        package var rejected: [Rejected] {
            visits.compactMap { visit in visit.rejection.map { Rejected(name: visit.name, reason: $0) } }
        }
    }

    /// Set to `true` in an encoder's `userInfo` to write `filter` too.
    package static let includesFilterTrace = CodingUserInfoKey(rawValue: "finexl.includesFilterTrace")!

    private enum CodingKeys: String, CodingKey {
        case schema, encoder, pairs, method, thresholds, divergence, concepts, rejected, residual, steps, warnings,
            directions, intervals, filter
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        encoder = try c.decode(EncoderInfo.self, forKey: .encoder)
        pairs = try c.decode(Int.self, forKey: .pairs)
        method = try c.decode(DecompositionMethod.self, forKey: .method)
        thresholds = try c.decode(Thresholds.self, forKey: .thresholds)
        divergence = try c.decode(DivergenceInfo.self, forKey: .divergence)
        concepts = try c.decode([Weighted].self, forKey: .concepts)
        rejected = try c.decode([Rejected].self, forKey: .rejected)
        residual = try c.decode(Residual.self, forKey: .residual)
        steps = try c.decode([Step].self, forKey: .steps)
        warnings = try c.decode([String].self, forKey: .warnings)
        directions = try c.decodeIfPresent(DirectionSource.self, forKey: .directions)
        intervals = try c.decodeIfPresent(String.self, forKey: .intervals)
        filter = try c.decodeIfPresent(FilterTrace.self, forKey: .filter)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(self.encoder, forKey: .encoder)
        try c.encode(pairs, forKey: .pairs)
        try c.encode(method, forKey: .method)
        try c.encode(thresholds, forKey: .thresholds)
        try c.encode(divergence, forKey: .divergence)
        try c.encode(concepts, forKey: .concepts)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(residual, forKey: .residual)
        try c.encode(steps, forKey: .steps)
        try c.encode(warnings, forKey: .warnings)
        try c.encodeIfPresent(directions, forKey: .directions)
        try c.encodeIfPresent(intervals, forKey: .intervals)
        if encoder.userInfo[Self.includesFilterTrace] as? Bool == true {
            try c.encodeIfPresent(filter, forKey: .filter)
        }
    }

    package struct Thresholds: Sendable, Codable, Equatable {
        package var eOrtho: Double
        package var eDecomp: Double
        package var bootstrapResamples: Int
        package var seed: UInt64

        package init(eOrtho: Double, eDecomp: Double, bootstrapResamples: Int, seed: UInt64) {
            self.eOrtho = eOrtho
            self.eDecomp = eDecomp
            self.bootstrapResamples = bootstrapResamples
            self.seed = seed
        }
    }

    package init(encoder: EncoderInfo, pairs: Int, method: DecompositionMethod, thresholds: Thresholds,
                divergence: DivergenceInfo, concepts: [Weighted], rejected: [Rejected],
                residual: Residual, steps: [Step], warnings: [String], filter: FilterTrace? = nil) {
        self.encoder = encoder
        self.pairs = pairs
        self.method = method
        self.thresholds = thresholds
        self.divergence = divergence
        self.concepts = concepts
        self.rejected = rejected
        self.residual = residual
        self.steps = steps
        self.warnings = warnings
        self.filter = filter
    }

    /// One sentence per kept concept whose fit used its other forms (and that carries at least
    /// 5 % of the largest weight): "sepia 0.94: 62 % as the classic sepia matrix (brightens ×1.2),
    /// 38 % as its canonical rendering".
    package var formSentences: [String] {
        let largest = concepts.map(\.weight).max() ?? 0
        return concepts.compactMap { concept in
            // A trace of a concept (under 5 % of the largest weight) is not worth the sentence.
            guard let forms = concept.forms, !forms.isEmpty, concept.weight >= 0.05 * largest else { return nil }
            let rest = 1 - forms.map(\.share).reduce(0, +)
            return String(format: "%@ %.2f: ", concept.name, concept.weight)
                + forms.map { String(format: "%.0f %% as %@", $0.share * 100, $0.name) }.joined(separator: ", ")
                + (rest >= 0.005 ? String(format: ", %.0f %% as its canonical rendering", rest * 100) : "")
        }
    }

    /// The weight of a kept concept, or nil when it was not kept.
    package func weight(of name: String) -> Double? {
        concepts.first { $0.name == name }?.weight
    }
}

/// Where an encoder measured its concept directions `f(C)`, for provenance.
package struct DirectionSource: Sendable, Codable, Equatable {
    /// `in-context` (this run's base images) or `reference` (the encoder's fixed image set).
    package var source: String
    /// How many images f(C) was measured on.
    package var images: Int
    /// Why the reference set was used instead of the run's images, when it was.
    package var reason: String?

    package init(source: String, images: Int, reason: String? = nil) {
        self.source = source
        self.images = images
        self.reason = reason
    }
}
