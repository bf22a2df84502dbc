import FineXLCore

/// One concept a vision-language model proposed.
package struct ProposedConcept: Sendable, Equatable {
    /// Normalized: lower case, singular unless the vocabulary spells it plural.
    package var name: String
    /// The 1-based rounds whose answers contained it.
    package var rounds: [Int]
    /// The model's own 0–10 rating of how strongly it describes the personalization:
    /// the paper's "naive VLM" baseline. Nil when the model gave no usable rating.
    package var naiveStrength: Double?

    package init(name: String, rounds: [Int], naiveStrength: Double? = nil) {
        self.name = name
        self.rounds = rounds
        self.naiveStrength = naiveStrength
    }

    /// "VLM rounds 1, 3" with the rating, for reports.
    package var origin: ConceptOrigin {
        let label = rounds.count == 1 ? "VLM round" : "VLM rounds"
        return ConceptOrigin(kind: .vlm, detail: "\(label) \(rounds.map(String.init).joined(separator: ", "))",
                             naiveStrength: naiveStrength)
    }
}

/// What a proposal run produced and what it cost.
package struct VLMProposal: Sendable {
    /// In order of first proposal.
    package var concepts: [ProposedConcept]
    /// Phrases the model proposed that are not concepts, with the reason.
    package var rejected: [(text: String, reason: String)]
    /// HTTP requests sent, retries included; 0 when every answer came from the cache.
    package var requestsSent: Int
    package var cacheHits: Int
    /// Things the reader should know (e.g. the ratings could not be read).
    package var warnings: [String]

    package init(concepts: [ProposedConcept], rejected: [(text: String, reason: String)], requestsSent: Int,
                cacheHits: Int, warnings: [String]) {
        self.concepts = concepts
        self.rejected = rejected
        self.requestsSent = requestsSent
        self.cacheHits = cacheHits
        self.warnings = warnings
    }
}
