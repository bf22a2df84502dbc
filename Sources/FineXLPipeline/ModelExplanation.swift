import FineXLCore
import FineXLImage
import Foundation

/// One personalized model explained against its base, from folders to weights:
/// what `finexl explain` runs.
public struct ModelExplanation: Sendable {
    public var explanation: Explanation
    public var candidates: CandidateSet
    public var embeddings: EmbeddedPairs
    /// The images, or nil for precomputed embeddings.
    public var source: (any PairedImageSource)?
    public var sourceDescription: String

    public static func run(base: String?, personal: String?, encoder spec: EncoderSpec, concepts: ConceptRequest,
                           options: ExplainOptions, cacheDirectory: URL?) throws -> ModelExplanation {
        let encoder = try Encoders.make(spec)
        if case .npy(let directory) = spec {
            return try explain(try PrecomputedEmbeddings.load(from: directory), source: nil,
                               sourceDescription: spec.description, encoder: encoder, concepts: concepts,
                               options: options, cacheDirectory: cacheDirectory)
        }
        guard let base, let personal else {
            throw FineXLError("--base DIR and --personal DIR are required (folders of paired images)")
        }
        let pairs = try ImageFolderPairs(base: URL(fileURLWithPath: base), personal: URL(fileURLWithPath: personal))
        return try run(pairs, encoder: encoder, concepts: concepts, options: options, cacheDirectory: cacheDirectory)
    }

    /// Embeds `source` with `encoder` (each image once, or not at all when cached), then explains.
    public static func run(_ source: any PairedImageSource, encoder: any ImageEncoder, concepts: ConceptRequest,
                           options: ExplainOptions, cacheDirectory: URL?) throws -> ModelExplanation {
        let embeddings = try EmbeddingRun(encoder: encoder, cacheDirectory: cacheDirectory).embed(source)
        return try explain(embeddings, source: source, sourceDescription: source.description, encoder: encoder,
                           concepts: concepts, options: options, cacheDirectory: cacheDirectory)
    }

    private static func explain(_ embeddings: EmbeddedPairs, source: (any PairedImageSource)?, sourceDescription: String,
                                encoder: any ImageEncoder, concepts: ConceptRequest, options: ExplainOptions,
                                cacheDirectory: URL?) throws -> ModelExplanation {
        let divergence = try embeddings.divergence()
        let context = source.map(PromptContext.context(for:))
            ?? ConceptContext(prompts: [], promptSource: "precomputed concept vectors")
        let candidates = try ConceptGathering.gather(concepts, encoder: encoder, divergence: divergence,
                                                     source: source, context: context, cacheDirectory: cacheDirectory)
        var explanation = try Explainer.explain(
            divergence: divergence, candidates: candidates.concepts, unrepresentable: candidates.unrepresentable,
            encoder: .init(name: encoder.name, dimension: encoder.dimension, identity: encoder.identity),
            options: options)
        explanation.directions = candidates.directions
        return ModelExplanation(explanation: explanation, candidates: candidates, embeddings: embeddings,
                                source: source, sourceDescription: sourceDescription)
    }
}
