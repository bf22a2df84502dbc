import FineXLCore
import FineXLSupport
import Foundation

/// Concept discovery with a vision-language model (the paper's GPT-4o step): the model is
/// shown base/personalized pairs over several rounds and names how the personalized images
/// differ in style; the union of its answers are the candidate concepts. It then rates each
/// concept 0–10, which is kept as the "naive VLM" baseline to compare the decomposition with.
package struct VLMProposer: Sendable {
    package let settings: VLMSettings
    /// Waits between retries and the time `Retry-After` dates are read against.
    let clock: any VLMClock

    package init(settings: VLMSettings, clock: any VLMClock = SystemClock()) {
        self.settings = settings
        self.clock = clock
    }

    package func propose(from pairs: any PairedImageSource) throws -> VLMProposal {
        try settings.validate()
        guard !pairs.names.isEmpty else {
            throw FineXLError("no image pairs to show the VLM in \(pairs.description)")
        }
        let client = VLMClient(settings: settings, clock: clock)
        let sampler = PairSampler(pairCount: pairs.names.count, pairsPerRound: settings.pairsPerRound,
                                  seed: settings.seed)
        var images = ImageCache(source: pairs, maxSide: settings.maxImageSide)

        var proposals = Proposals()
        var askedSets: Set<[Int]> = []
        for round in 1...settings.rounds {
            let shown = sampler.pairs(forRound: round - 1)
            // With fewer pairs than one round shows, every round would ask the very same question.
            guard askedSets.insert(shown).inserted else { continue }
            let request = ChatRequest(model: settings.model, messages: [
                .init(role: "user", content: VLMPrompt.proposal(pairs: try images.dataURLs(shown))),
            ])
            let answer: [String: Any]
            do {
                answer = try client.jsonAnswer(to: request, what: "the concept proposal of round \(round)") {
                    Self.proposedItems(in: $0) != nil
                }
            } catch let unusable as VLMClient.UnusableAnswer {
                throw FineXLError(unusable.message)
            }
            proposals.add(Self.proposedItems(in: answer) ?? [], round: round)
        }
        guard !proposals.concepts.isEmpty else {
            let examples = proposals.rejected.prefix(3)
                .map { "\"\(JSONAnswer.quote($0.text, limit: 40))\" (\($0.reason))" }
            throw FineXLError("VLM model \"\(settings.model)\" proposed no usable concept in \(askedSets.count) "
                + "round\(askedSets.count == 1 ? "" : "s")"
                + (examples.isEmpty ? "" : "; rejected: " + examples.joined(separator: ", ")))
        }

        var concepts = proposals.concepts
        var warnings: [String] = []
        let names = concepts.map(\.name)
        let ratingRequest = ChatRequest(model: settings.model, messages: [
            .init(role: "user", content: VLMPrompt.rating(concepts: names,
                                                          pairs: try images.dataURLs(sampler.pairs(forRound: 0)))),
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
        return VLMProposal(concepts: concepts, rejected: proposals.rejected, requestsSent: client.requestsSent,
                           cacheHits: client.cacheHits, warnings: warnings)
    }

    /// The union of the rounds' answers, and what was turned away.
    private struct Proposals {
        var concepts: [ProposedConcept] = []
        var rejected: [(text: String, reason: String)] = []
        private var position: [String: Int] = [:]
        private var rejectedSeen: Set<String> = []

        mutating func add(_ items: [Any], round: Int) {
            var namedThisRound: Set<String> = []
            for item in items {
                guard let text = item as? String ?? VLMProposer.namedItem(item) else {
                    reject(VLMProposer.describe(item), "not a string")
                    continue
                }
                switch ConceptNormalizer.normalize(text) {
                case .rejected(let reason):
                    reject(text, reason)
                case .concept(let name) where !namedThisRound.insert(name).inserted:
                    reject(text, "duplicate of \"\(name)\"")
                case .concept(let name):
                    if let index = position[name] {
                        concepts[index].rounds.append(round)
                    } else {
                        position[name] = concepts.count
                        concepts.append(ProposedConcept(name: name, rounds: [round]))
                    }
                }
            }
        }

        /// The same junk proposed in several rounds is listed once.
        private mutating func reject(_ text: String, _ reason: String) {
            guard rejectedSeen.insert(text + "\u{0}" + reason).inserted else { return }
            rejected.append((text, reason))
        }
    }

    /// Each pair is decoded, downscaled and encoded once, however many requests show it.
    private struct ImageCache {
        let source: any PairedImageSource
        let maxSide: Int
        private var encoded: [Int: (base: String, personal: String)] = [:]

        init(source: any PairedImageSource, maxSide: Int) {
            self.source = source
            self.maxSide = maxSide
        }

        mutating func dataURLs(_ indices: [Int]) throws -> [(base: String, personal: String)] {
            try indices.map { index in
                if let known = encoded[index] { return known }
                let pair = (base: try VLMImagePayload.dataURL(for: source.image(.base, at: index), maxSide: maxSide),
                            personal: try VLMImagePayload.dataURL(for: source.image(.personal, at: index),
                                                                  maxSide: maxSide))
                encoded[index] = pair
                return pair
            }
        }
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
    fileprivate static func namedItem(_ item: Any) -> String? {
        guard let object = item as? [String: Any] else { return nil }
        return (object["name"] ?? object["concept"]) as? String
    }

    fileprivate static func describe(_ item: Any) -> String {
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
        // Sorted so that two spellings of one name resolve the same way on every run.
        for (key, value) in table.sorted(by: { $0.key < $1.key }) {
            guard case .concept(let name) = ConceptNormalizer.normalize(key), wanted.contains(name) else { continue }
            let number = (value as? String).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                ?? (value as? NSNumber)?.doubleValue
            if let number, number.isFinite, (0...10).contains(number) { ratings[name] = number }
        }
        return ratings
    }
}
