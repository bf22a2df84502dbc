import FineXLCore
import FineXLImage
import Foundation

/// One personalized model explained against its base, from folders to weights:
/// what `finexl explain` runs.
public struct ModelExplanation: Sendable {
    public var explanation: Explanation
    public var candidates: CandidateSet
    public var embeddings: EmbeddedPairs
    public var sourceDescription: String

    public static func run(base: String?, personal: String?, encoder spec: EncoderSpec, concepts: ConceptRequest,
                           options: ExplainOptions, cacheDirectory: URL?) throws -> ModelExplanation {
        let encoder = try Encoders.make(spec)
        let embeddings: EmbeddedPairs
        let source: (any PairedImageSource)?
        if case .npy(let directory) = spec {
            embeddings = try PrecomputedEmbeddings.load(from: directory)
            source = nil
        } else {
            guard let base, let personal else {
                throw FineXLError("--base DIR and --personal DIR are required (folders of paired images)")
            }
            let pairs = try ImageFolderPairs(base: URL(fileURLWithPath: base), personal: URL(fileURLWithPath: personal))
            embeddings = try EmbeddingRun(encoder: encoder, cacheDirectory: cacheDirectory).embed(pairs)
            source = pairs
        }
        let divergence = try embeddings.divergence()
        let context = source.map(PromptContext.context(for:))
            ?? ConceptContext(prompts: [], promptSource: "precomputed concept vectors")
        let candidates = try ConceptGathering.gather(concepts, encoder: encoder, divergence: divergence,
                                                     source: source, context: context, cacheDirectory: cacheDirectory)
        let explanation = try Explainer.explain(
            divergence: divergence, candidates: candidates.concepts, unrepresentable: candidates.unrepresentable,
            encoder: .init(name: encoder.name, dimension: encoder.dimension, identity: encoder.identity),
            options: options)
        return ModelExplanation(explanation: explanation, candidates: candidates, embeddings: embeddings,
                                sourceDescription: source?.description ?? spec.description)
    }
}
