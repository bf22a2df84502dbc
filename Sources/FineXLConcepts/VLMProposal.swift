import FineXLCore

/// One concept a vision-language model proposed.
public struct ProposedConcept: Sendable, Equatable {
    /// Normalized: lower case, singular unless the vocabulary spells it plural.
    public var name: String
    /// The 1-based rounds whose answers contained it.
    public var rounds: [Int]
    /// The model's own 0–10 rating of how strongly it describes the personalization:
    /// the paper's "naive VLM" baseline. Nil when the model gave no usable rating.
    public var naiveStrength: Double?

    public init(name: String, rounds: [Int], naiveStrength: Double? = nil) {
        self.name = name
        self.rounds = rounds
        self.naiveStrength = naiveStrength
    }

    /// "VLM rounds 1, 3" with the rating, for reports.
    public var origin: ConceptOrigin {
        let label = rounds.count == 1 ? "VLM round" : "VLM rounds"
        return ConceptOrigin(kind: .vlm, detail: "\(label) \(rounds.map(String.init).joined(separator: ", "))",
                             naiveStrength: naiveStrength)
    }
}

/// What a proposal run produced and what it cost.
public struct VLMProposal: Sendable {
    /// In order of first proposal.
    public var concepts: [ProposedConcept]
    /// Phrases the model proposed that are not concepts, with the reason.
    public var rejected: [(text: String, reason: String)]
    /// HTTP requests sent, retries included; 0 when every answer came from the cache.
    public var requestsSent: Int
    public var cacheHits: Int
    /// Things the reader should know (e.g. the ratings could not be read).
    public var warnings: [String]

    public init(concepts: [ProposedConcept], rejected: [(text: String, reason: String)], requestsSent: Int,
                cacheHits: Int, warnings: [String]) {
        self.concepts = concepts
        self.rejected = rejected
        self.requestsSent = requestsSent
        self.cacheHits = cacheHits
        self.warnings = warnings
    }
}
