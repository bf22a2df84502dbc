/// The words sent to the model. Changing them changes every cache key, which is intended:
/// a different question deserves a fresh answer.
enum VLMPrompt {
    static func proposal(pairs: [(base: String, personal: String)]) -> [ChatRequest.ContentPart] {
        var parts: [ChatRequest.ContentPart] = [.text("""
            Each pair below shows two images generated with the same prompt and seed: image A by a base \
            image generator, image B by a personalized (fine-tuned) version of it. Find the ways image B \
            differs from image A in style, color, tone, lighting, texture and rendering — NOT in content: \
            ignore which objects, people or scenes appear. Name each difference as a short phrase of at \
            most 3 words, such as "warm tones", "film grain" or "watercolor". List the differences that \
            hold across the pairs, most obvious first. Answer with JSON only, in this form: \
            {"concepts": ["...", "..."]}
            """)]
        parts += labelledPairs(pairs)
        return parts
    }

    static func rating(concepts: [String], pairs: [(base: String, personal: String)]) -> [ChatRequest.ContentPart] {
        let list = concepts.map { "\"\($0)\"" }.joined(separator: ", ")
        var parts: [ChatRequest.ContentPart] = [.text("""
            Each pair below shows two images generated with the same prompt and seed: image A by a base \
            image generator, image B by a personalized (fine-tuned) version of it. For each concept in this \
            list, rate from 0 to 10 how strongly it describes how the B images differ from the A images \
            (0: not at all, 10: very strongly): \(list). Answer with JSON only, using the concept names \
            exactly as given: {"ratings": {"concept": 0}}
            """)]
        parts += labelledPairs(pairs)
        return parts
    }

    private static func labelledPairs(_ pairs: [(base: String, personal: String)]) -> [ChatRequest.ContentPart] {
        pairs.enumerated().flatMap { index, pair -> [ChatRequest.ContentPart] in
            [.text("Pair \(index + 1) — image A (base), image B (personalized):"),
             .imageURL(pair.base), .imageURL(pair.personal)]
        }
    }
}
