import FineXLCore
import Foundation

/// Concept discovery with a vision-language model (the paper's GPT-4o step): the model is
/// shown base/personalized pairs over several rounds and names how the personalized images
/// differ in style; the union of its answers are the candidate concepts. It then rates each
/// concept 0–10, which is kept as the "naive VLM" baseline to compare the decomposition with.
public struct VLMProposer: Sendable {
    public let settings: VLMSettings

    public init(settings: VLMSettings) {
        self.settings = settings
    }

    public func propose(from pairs: any PairedImageSource) throws -> VLMProposal {
        let pairCount = pairs.names.count
        guard pairCount > 0 else {
            throw FineXLError("no image pairs to show the VLM in \(pairs.description)")
        }
        let client = VLMClient(settings: settings)
        let sampler = PairSampler(pairCount: pairCount, pairsPerRound: settings.pairsPerRound, seed: settings.seed)
        var encoded: [Int: (base: String, personal: String)] = [:]
        func payload(_ indices: [Int]) throws -> [(base: String, personal: String)] {
            try indices.map { index in
                if let known = encoded[index] { return known }
                let pair = (base: try dataURL(pairs, .base, index), personal: try dataURL(pairs, .personal, index))
                encoded[index] = pair
                return pair
            }
        }

        var concepts: [ProposedConcept] = []
        var position: [String: Int] = [:]
        var rejected: [(text: String, reason: String)] = []
        var shownSets: Set<[Int]> = []
        for round in 0..<max(1, settings.rounds) {
            let shown = sampler.pairs(forRound: round)
            // With fewer pairs than one round shows, every round would ask the very same question.
            guard shownSets.insert(shown).inserted else { continue }
            let request = ChatRequest(model: settings.model, messages: [
                .init(role: "user", content: VLMPrompt.proposal(pairs: try payload(shown))),
            ])
            let answer: [String: Any]
            do {
                answer = try client.jsonAnswer(to: request, what: "the concept proposal of round \(round + 1)") {
                    Self.proposedItems(in: $0) != nil
                }
            } catch let unusable as VLMClient.UnusableAnswer {
                throw FineXLError(unusable.message)
            }
            var seenThisRound: [String: String] = [:]
            for item in Self.proposedItems(in: answer) ?? [] {
                guard let text = item as? String ?? Self.namedItem(item) else {
                    rejected.append((Self.describe(item), "not a string"))
                    continue
                }
                switch ConceptNormalizer.normalize(text) {
                case .rejected(let reason):
                    rejected.append((text, reason))
                case .concept(let name):
                    if let first = seenThisRound[name] {
                        rejected.append((text, "duplicate of \"\(first)\""))
                        continue
                    }
                    seenThisRound[name] = text
                    if let index = position[name] {
                        concepts[index].rounds.append(round + 1)
                    } else {
                        position[name] = concepts.count
                        concepts.append(ProposedConcept(name: name, rounds: [round + 1]))
                    }
                }
            }
        }
        guard !concepts.isEmpty else {
            let examples = rejected.prefix(3).map { "\"\(JSONAnswer.quote($0.text, limit: 40))\" (\($0.reason))" }
            throw FineXLError("VLM model \"\(settings.model)\" proposed no usable concept in \(settings.rounds) "
                + "round\(settings.rounds == 1 ? "" : "s")"
                + (examples.isEmpty ? "" : "; rejected: " + examples.joined(separator: ", ")))
        }

        var warnings: [String] = []
        let names = concepts.map(\.name)
        let ratingRequest = ChatRequest(model: settings.model, messages: [
            .init(role: "user", content: VLMPrompt.rating(concepts: names, pairs: try payload(sampler.pairs(forRound: 0)))),
        ])
        do {
            let answer = try client.jsonAnswer(to: ratingRequest, what: "the concept ratings") {
                !Self.ratings(in: $0, for: names).isEmpty
            }
            let ratings = Self.ratings(in: answer, for: names)
            for index in concepts.indices { concepts[index].naiveStrength = ratings[concepts[index].name] }
            let unrated = concepts.filter { $0.naiveStrength == nil }.map(\.name)
            if !unrated.isEmpty {
                warnings.append("the VLM gave no 0–10 rating for " + unrated.map { "\"\($0)\"" }.joined(separator: ", "))
            }
        } catch let unusable as VLMClient.UnusableAnswer {
            // The ratings are only a baseline; a model that will not rate still proposed concepts.
            warnings.append(unusable.message)
        }
        return VLMProposal(concepts: concepts, rejected: rejected, requestsSent: client.requestsSent,
                           cacheHits: client.cacheHits, warnings: warnings)
    }

    private func dataURL(_ pairs: any PairedImageSource, _ side: PairSide, _ index: Int) throws -> String {
        try VLMImagePayload.dataURL(for: pairs.image(side, at: index), maxSide: settings.maxImageSide)
    }

    /// The proposed phrases: the `concepts` list, a comma-separated `concepts` string, or
    /// the only list in an object that used another key.
    static func proposedItems(in object: [String: Any]) -> [Any]? {
        if let value = object.first(where: { $0.key.lowercased() == "concepts" })?.value {
            if let list = value as? [Any] { return list }
            if let text = value as? String { return text.split(separator: ",").map { String($0) } }
            return nil
        }
        let lists = object.values.compactMap { $0 as? [Any] }
        return lists.count == 1 ? lists[0] : nil
    }

    /// Some models answer `[{"name": "warm tones"}]` instead of `["warm tones"]`.
    private static func namedItem(_ item: Any) -> String? {
        guard let object = item as? [String: Any] else { return nil }
        return (object["name"] ?? object["concept"]) as? String
    }

    private static func describe(_ item: Any) -> String {
        if let data = try? JSONSerialization.data(withJSONObject: [item], options: [.sortedKeys]) {
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        }
        return String(describing: item)
    }

    /// Ratings in 0...10 keyed by proposed name; keys are matched after normalization,
    /// so "Warm Tones" rates "warm tones".
    static func ratings(in object: [String: Any], for names: [String]) -> [String: Double] {
        let table = object.first(where: { $0.key.lowercased() == "ratings" })?.value as? [String: Any] ?? object
        let wanted = Set(names)
        var ratings: [String: Double] = [:]
        for (key, value) in table {
            guard case .concept(let name) = ConceptNormalizer.normalize(key), wanted.contains(name) else { continue }
            let number = (value as? String).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                ?? (value as? NSNumber)?.doubleValue
            if let number, number.isFinite, (0...10).contains(number) { ratings[name] = number }
        }
        return ratings
    }
}
