import FineXLConcepts
import FineXLCore
import FineXLSupport
import Foundation

/// Where candidate concepts come from.
package enum ConceptRequest: Sendable {
    /// The built-in vocabulary, ranked by |cos(f(C), V_div)|, the top N going on.
    case vocabulary(top: Int)
    /// A vision-language model looking at base/personal pairs (the paper's proposer).
    case vlm(VLMSettings)
    /// Names given by the user.
    case list([String])
}

/// Turns a concept request into mapped candidates for the orthogonality filter (called through `Analysis`).
enum ConceptGathering {
    static func gather(_ request: ConceptRequest, encoder: any ImageEncoder, divergence: Divergence,
                              source: (any PairedImageSource)?, context: ConceptContext,
                              cacheDirectory: URL?) throws -> CandidateSet {
        var candidates = try gatherMapped(request, encoder: encoder, divergence: divergence, source: source,
                                          context: context, cacheDirectory: cacheDirectory)
        if let directions = candidates.directions {
            candidates.notes.append(directions.source == "in-context"
                ? "concept directions measured on this run's \(directions.images) base images"
                : "concept directions measured on \(directions.images) reference images" + (directions.reason.map { " (\($0))" } ?? ""))
        }
        return candidates
    }

    private static func gatherMapped(_ request: ConceptRequest, encoder: any ImageEncoder, divergence: Divergence,
                                     source: (any PairedImageSource)?, context: ConceptContext,
                                     cacheDirectory: URL?) throws -> CandidateSet {
        var context = context
        // Directions measured on the images are cached beside their embeddings: in FINEXL_CACHE when set.
        context.cacheDirectory = context.cacheDirectory ?? cacheDirectory.map { EmbeddingCache.sharedRoot ?? $0 }
        var notes = [encoder.conceptMappingDescription]
        if encoder.mapsConceptsThroughPrompts { notes.append("concept prompts: \(context.promptSource)") }
        switch request {
        case .vocabulary(let top):
            let names = encoder.conceptVocabulary ?? Vocabulary.builtIn
            let measured = try encoder.measureConcepts(names, context: context)
            let mappings = measured.mappings
            // Where each vocabulary name was measured (its first place, if listed twice).
            let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let ranked = VocabularyProposer.rank(candidates: names, mappings: mappings,
                                                 divergence: divergence.vector, top: names.count)
            // Synonyms share one direction (an encoder may map "grainy" and "film grain" alike);
            // keep the first spelling so they do not crowd other concepts out of the top N.
            var chosen: [(name: String, direction: [Double], alignment: Double)] = []
            var folded = 0
            for candidate in ranked.chosen where chosen.count < top {
                if chosen.contains(where: { abs(Vector.cosine($0.direction, candidate.direction)) > 0.9999 }) {
                    folded += 1
                } else {
                    chosen.append(candidate)
                }
            }
            let representable = mappings.filter { if case .vector = $0 { return true } else { return false } }.count
            notes.append("vocabulary: \(names.count) phrases, \(representable) representable by the \(encoder.name) encoder"
                + (folded > 0 ? ", \(folded) synonyms folded into the first phrase with the same direction" : "")
                + "; the top \(chosen.count) by |cos(f(C), V_div)| go on")
            var candidates = CandidateSet(
                concepts: chosen.map { measured.concept(at: index[$0.name]!, name: $0.name, direction: $0.direction,
                                                        origin: ConceptOrigin(kind: .vocabulary)) },
                // Unrepresentable vocabulary phrases are many and expected; keep them out of the rejected list.
                unrepresentable: [], notes: notes)
            candidates.directions = measured.source
            return candidates
        case .list(let names):
            let measured = try encoder.measureConcepts(names, context: context)
            return split(names, measured, origin: { _ in ConceptOrigin(kind: .list) }, notes: notes)
        case .vlm(let settings):
            guard let source else {
                throw FineXLError("a VLM needs images to look at; it cannot propose concepts for precomputed embeddings")
            }
            let proposal = try VLMProposer(settings: settings).propose(from: source)
            guard !proposal.concepts.isEmpty else {
                throw FineXLError("the VLM \(settings.model) proposed no usable concept (\(proposal.rejected.count) answers rejected)")
            }
            let names = proposal.concepts.map(\.name)
            let measured = try encoder.measureConcepts(names, context: context)
            notes.append("VLM \(settings.model): \(proposal.concepts.count) concepts over \(settings.rounds) rounds, \(proposal.requestsSent) requests sent, \(proposal.cacheHits) answered from cache")
            for rejected in proposal.rejected.prefix(10) {
                notes.append("VLM answer \"\(rejected.text)\" not used: \(rejected.reason)")
            }
            let byName = Dictionary(proposal.concepts.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            return split(names, measured, origin: { name in
                let proposed = byName[name]
                return ConceptOrigin(kind: .vlm,
                                     detail: proposed.map { "VLM rounds " + $0.rounds.map(String.init).joined(separator: ", ") },
                                     naiveStrength: proposed?.naiveStrength)
            }, notes: notes)
        }
    }

    private static func split(_ names: [String], _ measured: MeasuredConcepts, origin: (String) -> ConceptOrigin,
                              notes: [String]) -> CandidateSet {
        var concepts: [Concept] = []
        var unrepresentable: [Explanation.Rejected] = []
        for (i, (name, mapping)) in zip(names, measured.mappings).enumerated() {
            switch mapping {
            case .vector(let direction):
                concepts.append(measured.concept(at: i, name: name, direction: direction, origin: origin(name)))
            case .unrepresentable(let reason):
                unrepresentable.append(.init(name: name, reason: reason))
            }
        }
        var candidates = CandidateSet(concepts: concepts, unrepresentable: unrepresentable, notes: notes)
        candidates.directions = measured.source
        return candidates
    }
}
