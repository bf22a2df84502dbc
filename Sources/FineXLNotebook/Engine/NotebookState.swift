import FineXLCore
import FineXLPipeline

/// What directives share, top to bottom: the images, their embeddings and divergence,
/// the candidate concepts and the decomposition, plus the last comparison.
struct NotebookState {
    var source: (any PairedImageSource)?
    var embedded: EmbeddedPairs?
    var divergence: Divergence?
    var candidates: CandidateSet?
    var explanation: Explanation?
    var comparison: Comparison?
    /// A hash of everything that shaped this state; part of every downstream cache key.
    var key: String

    init(key: String) {
        self.key = key
    }

    /// New images make everything computed from the old ones stale.
    mutating func load(_ source: any PairedImageSource) {
        self.source = source
        embedded = nil
        divergence = nil
        candidates = nil
        explanation = nil
    }

    /// A directive of `kind` failed: what it would have produced is gone, so directives below
    /// that need it say so instead of silently using what an earlier directive left.
    mutating func discard(from kind: DirectiveKind) {
        switch kind {
        case .images, .explain:
            source = nil
            fallthrough
        case .divergence:
            embedded = nil
            divergence = nil
            fallthrough
        case .concepts:
            candidates = nil
            fallthrough
        case .decompose:
            explanation = nil
        case .compare:
            comparison = nil
        case .chart, .samples, .steps:
            break
        }
    }

    mutating func apply(_ change: StateChange) throws {
        if let embedded = change.embedded {
            self.embedded = embedded
            divergence = try embedded.divergence()
            candidates = nil
            explanation = nil
        }
        if let candidates = change.candidates {
            self.candidates = candidates.candidateSet
            explanation = nil
        }
        if let explanation = change.explanation { self.explanation = explanation }
        if let comparison = change.comparison { self.comparison = comparison }
    }
}

/// How one directive changed the state, in a form that can be cached on disk.
struct StateChange: Codable, Sendable {
    var embedded: EmbeddedPairs?
    var candidates: CachedCandidates?
    var explanation: Explanation?
    var comparison: Comparison?

    init(embedded: EmbeddedPairs? = nil, candidates: CachedCandidates? = nil, explanation: Explanation? = nil,
         comparison: Comparison? = nil) {
        self.embedded = embedded
        self.candidates = candidates
        self.explanation = explanation
        self.comparison = comparison
    }
}

/// A `CandidateSet` as stored in the cache.
struct CachedCandidates: Codable, Sendable {
    struct Candidate: Codable, Sendable {
        var name: String
        var direction: [Double]
        var origin: ConceptOrigin
        /// f(C) per image, when the encoder measured it on the run's images (the bootstrap uses it).
        var perImage: [[Double]]?
        var levelResponse: LevelResponse?
    }

    var concepts: [Candidate]
    var unrepresentable: [Explanation.Rejected]
    var notes: [String]
    var directions: DirectionSource?

    init(_ set: CandidateSet) {
        concepts = set.concepts.map { Candidate(name: $0.name, direction: $0.direction, origin: $0.origin, perImage: $0.perImage,
                                             levelResponse: $0.levelResponse) }
        unrepresentable = set.unrepresentable
        notes = set.notes
        directions = set.directions
    }

    var candidateSet: CandidateSet {
        var set = CandidateSet(
            concepts: concepts.map { Concept(name: $0.name, direction: $0.direction, origin: $0.origin, perImage: $0.perImage,
                                    levelResponse: $0.levelResponse) },
            unrepresentable: unrepresentable, notes: notes)
        set.directions = directions
        return set
    }
}
