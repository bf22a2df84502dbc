import Foundation

/// Turns a phrase a model proposed into a concept name, or says why it is not one.
///
/// Names are normalized so the same idea proposed in different rounds ("Warm tones.",
/// "warm tone") becomes one candidate, spelled as the built-in vocabulary spells it.
enum ConceptNormalizer {
    enum Outcome: Equatable {
        case concept(String)
        case rejected(reason: String)
    }

    static let maximumWords = 3

    static func normalize(_ raw: String) -> Outcome {
        var text = raw.replacingOccurrences(of: "_", with: " ")
        text = collapseWhitespace(text)
        text = strippingListMarker(text)
        text = strippingTrailingAside(text)
        text = text.trimmingCharacters(in: Self.wrappingCharacters)
        text = collapseWhitespace(text.lowercased())
        guard !text.isEmpty else { return .rejected(reason: "empty") }
        guard text.contains(where: \.isLetter) else {
            return .rejected(reason: text.contains(where: \.isNumber) ? "digits only" : "no words")
        }
        let words = text.split(separator: " ").map(String.init)
        guard words.count <= maximumWords else { return .rejected(reason: "longer than \(maximumWords) words") }
        if noDifferencePhrases.contains(text) {
            return .rejected(reason: "says there is no difference")
        }
        if let noun = words.first(where: { contentNouns.contains($0) || contentNouns.contains(singular(of: $0)) }) {
            return .rejected(reason: "names content (\"\(noun)\"), not style")
        }
        return .concept(canonical(text, words: words))
    }

    /// The vocabulary's spelling when a variant of the phrase is in it, else the phrase with
    /// its last word made singular (the vocabulary keeps its plurals: "warm tones").
    private static func canonical(_ text: String, words: [String]) -> String {
        let spaced = text.replacingOccurrences(of: "-", with: " ")
        let candidates = [text, spaced]
        for candidate in candidates where Vocabulary.contains(candidate) { return candidate }
        for candidate in candidates {
            var parts = candidate.split(separator: " ").map(String.init)
            let last = parts.removeLast()
            let singularForm = (parts + [singular(of: last)]).joined(separator: " ")
            let pluralForm = (parts + [last + "s"]).joined(separator: " ")
            if Vocabulary.contains(singularForm) { return singularForm }
            if Vocabulary.contains(pluralForm) { return pluralForm }
        }
        var parts = words
        parts[parts.count - 1] = singular(of: parts[parts.count - 1])
        return parts.joined(separator: " ")
    }

    /// English plurals by the common rules; words that merely end in "s" are left alone.
    static func singular(of word: String) -> String {
        guard word.count >= 4, word.hasSuffix("s"), word.allSatisfy(\.isLetter) else { return word }
        for ending in ["ss", "us", "is", "os", "as", "ics", "ys"] where word.hasSuffix(ending) {
            return word
        }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        for ending in ["sses", "ches", "shes", "xes", "zes"] where word.hasSuffix(ending) {
            return String(word.dropLast(2))
        }
        return String(word.dropLast())
    }

    private static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Models number or bullet their lists even inside JSON strings: "1. warm tones", "- sepia".
    private static func strippingListMarker(_ text: String) -> String {
        var rest = Substring(text)
        if let first = rest.first, "-*•–".contains(first) {
            rest = rest.dropFirst()
        } else {
            let digits = rest.prefix(while: \.isNumber)
            let after = rest.dropFirst(digits.count)
            if !digits.isEmpty, let marker = after.first, marker == "." || marker == ")",
               after.dropFirst().first == " "
            {
                rest = after.dropFirst()
            }
        }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// "warm tones (orange cast)" names "warm tones"; the aside explains it.
    private static func strippingTrailingAside(_ text: String) -> String {
        guard text.hasSuffix(")"), let open = text.range(of: " (", options: .backwards) else { return text }
        return String(text[..<open.lowerBound])
    }

    private static let wrappingCharacters = CharacterSet(charactersIn: "\"'`“”‘’.,;:!?()[]{} ")

    private static let noDifferencePhrases: Set<String> = [
        "none", "nothing", "n/a", "na", "same", "identical", "no difference", "no differences",
        "no change", "no changes", "similar", "unchanged", "not sure", "unknown",
    ]

    /// Concrete things a picture shows: a proposal naming one describes content, which
    /// personalization of style is not about. Deliberately short — a cheap first filter.
    private static let contentNouns: Set<String> = [
        "person", "people", "man", "men", "woman", "women", "boy", "girl", "child", "baby", "face",
        "hair", "beard", "mustache", "moustache", "hat", "glasses", "sunglasses", "shirt", "dress",
        "clothes", "clothing", "jacket", "dog", "cat", "bird", "horse", "cow", "animal", "fish",
        "flower", "tree", "car", "vehicle", "boat", "bicycle", "house", "building", "castle", "city",
        "mountain", "river", "ocean", "beach", "table", "chair", "food", "cup", "sword", "logo",
        "text", "watermark", "signature", "caption", "letter", "word",
    ]
}
