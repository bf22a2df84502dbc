import FineXLCore
import FineXLImage
import FineXLSupport
import Foundation

/// One personalized model explained against its base, from images (or precomputed
/// embeddings) to weights, with what was computed on the way.
package struct ModelExplanation: Sendable {
    package var explanation: Explanation
    package var candidates: CandidateSet
    package var embeddings: EmbeddedPairs
    /// The images, or nil for precomputed embeddings.
    package var source: (any PairedImageSource)?
    package var sourceDescription: String
}

/// One personalized model among several compared against the same base.
package struct ComparedModel: Sendable {
    package var name: String
    package var source: any PairedImageSource
    /// Where the model is named (a notebook line), for errors.
    package var line: Int?

    package init(name: String, source: any PairedImageSource, line: Int? = nil) {
        self.name = name
        self.source = source
        self.line = line
    }
}

/// The analysis, values in and out: the one place the paper's pipeline is assembled — embed
/// (Eq. 5), gather and map candidates (Eq. 6), filter (Eq. 9) and decompose (Eqs. 10–11).
/// `finexl explain`, its `--output` report, and every notebook directive call these.
package enum Analysis {
    /// `finexl explain`: paired image folders, or with `.npy` the precomputed embeddings.
    package static func explain(base: String?, personal: String?, encoder spec: EncoderSpec, concepts: ConceptRequest,
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
        return try explain(pairs, encoder: encoder, concepts: concepts, options: options, cacheDirectory: cacheDirectory)
    }

    /// Embeds `source` with `encoder` (each image once, or not at all when cached), then explains.
    package static func explain(_ source: any PairedImageSource, encoder: any ImageEncoder, concepts: ConceptRequest,
                               options: ExplainOptions, cacheDirectory: URL?) throws -> ModelExplanation {
        try explain(try embed(source, encoder: encoder, cacheDirectory: cacheDirectory), source: source,
                    sourceDescription: source.description, encoder: encoder, concepts: concepts,
                    options: options, cacheDirectory: cacheDirectory)
    }

    /// Explains embeddings already computed; `source` is nil for precomputed embeddings.
    package static func explain(_ embeddings: EmbeddedPairs, source: (any PairedImageSource)?, sourceDescription: String,
                               encoder: any ImageEncoder, concepts: ConceptRequest, options: ExplainOptions,
                               cacheDirectory: URL?) throws -> ModelExplanation {
        let divergence = try embeddings.divergence()
        let candidates = try self.candidates(concepts, encoder: encoder, divergence: divergence, source: source,
                                             cacheDirectory: cacheDirectory)
        let explanation = try decompose(divergence, candidates, encoder: encoder, options: options)
        return ModelExplanation(explanation: explanation, candidates: candidates, embeddings: embeddings,
                                source: source, sourceDescription: sourceDescription)
    }

    /// `Enc(image)` of every image of `source`, paired (the input of Eq. 5).
    package static func embed(_ source: any PairedImageSource, encoder: any ImageEncoder,
                             cacheDirectory: URL?) throws -> EmbeddedPairs {
        try EmbeddingRun(encoder: encoder, cacheDirectory: cacheDirectory).embed(source)
    }

    /// The candidate concepts `request` names, mapped to f(C) by `encoder` (Eq. 6) with the
    /// source's prompts; `source` is nil for precomputed embeddings.
    package static func candidates(_ request: ConceptRequest, encoder: any ImageEncoder, divergence: Divergence,
                                  source: (any PairedImageSource)?, cacheDirectory: URL?) throws -> CandidateSet {
        let context = source.map(PromptContext.context(for:))
            ?? ConceptContext(prompts: [], promptSource: "precomputed concept vectors")
        return try ConceptGathering.gather(request, encoder: encoder, divergence: divergence, source: source,
                                           context: context, cacheDirectory: cacheDirectory)
    }

    /// The orthogonality filter (Eq. 9) and the decomposition (Eqs. 10–11 or NNLS) of V_div.
    package static func decompose(_ divergence: Divergence, _ candidates: CandidateSet, encoder: any ImageEncoder,
                                 options: ExplainOptions) throws -> Explanation {
        var explanation = try Explainer.explain(divergence: divergence, candidates: candidates.concepts,
                                                unrepresentable: candidates.unrepresentable,
                                                encoder: Explanation.EncoderInfo(encoder), options: options)
        explanation.directions = candidates.directions
        return explanation
    }

    /// Several personalized models explained against one base with the same encoder, candidates
    /// and knobs. Under a vocabulary request each model ranks its own candidates; `including`
    /// names concepts every model gets as candidates too (a comparison's target), so every
    /// model can be scored on them.
    package static func compare(_ models: [ComparedModel], encoder: any ImageEncoder, concepts: ConceptRequest,
                               including: [String] = [], options: ExplainOptions,
                               cacheDirectory: URL?) throws -> [Explanation] {
        try models.map { model in
            do {
                let divergence = try embed(model.source, encoder: encoder, cacheDirectory: cacheDirectory).divergence()
                var candidates = try self.candidates(concepts, encoder: encoder, divergence: divergence,
                                                     source: model.source, cacheDirectory: cacheDirectory)
                if case .vocabulary = concepts {
                    let missing = including.filter { name in !candidates.concepts.contains { $0.name == name } }
                    if !missing.isEmpty {
                        let extra = try self.candidates(.list(missing), encoder: encoder, divergence: divergence,
                                                        source: model.source, cacheDirectory: cacheDirectory)
                        candidates.concepts += extra.concepts
                        candidates.unrepresentable += extra.unrepresentable
                    }
                }
                return try decompose(divergence, candidates, encoder: encoder, options: options)
            } catch let error as FineXLError {
                throw FineXLError("model `\(model.name)`: \(error.message)", kind: error.kind, line: model.line)
            }
        }
    }
}

extension Explanation.EncoderInfo {
    /// What an explanation records of the encoder that made it.
    package init(_ encoder: any ImageEncoder) {
        self.init(name: encoder.name, dimension: encoder.dimension, identity: encoder.identity)
    }
}
