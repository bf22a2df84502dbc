import FineXLCore

/// Candidate concepts mapped into the encoder's space, ready for the orthogonality filter.
package struct CandidateSet: Sendable, Codable {
    package var concepts: [Concept]
    /// Names the encoder cannot represent, with the reason.
    package var unrepresentable: [Explanation.Rejected]
    /// Remarks for the reader (where prompts came from, how many VLM requests were sent…).
    package var notes: [String]
    /// Where the encoder measured the concept directions, when it measures them on images.
    package var directions: DirectionSource?

    package init(concepts: [Concept], unrepresentable: [Explanation.Rejected], notes: [String]) {
        self.concepts = concepts
        self.unrepresentable = unrepresentable
        self.notes = notes
    }
}
