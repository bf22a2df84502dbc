import FineXLCore

/// Candidate concepts mapped into the encoder's space, ready for the orthogonality filter.
public struct CandidateSet: Sendable, Codable {
    public var concepts: [Concept]
    /// Names the encoder cannot represent, with the reason.
    public var unrepresentable: [Explanation.Rejected]
    /// Remarks for the reader (where prompts came from, how many VLM requests were sent…).
    public var notes: [String]
    /// Where the encoder measured the concept directions, when it measures them on images.
    public var directions: DirectionSource?

    public init(concepts: [Concept], unrepresentable: [Explanation.Rejected], notes: [String]) {
        self.concepts = concepts
        self.unrepresentable = unrepresentable
        self.notes = notes
    }
}
