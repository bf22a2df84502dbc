import FineXLSupport
import Foundation

/// An embedding `Enc` shared by images and concepts (the paper's CLIP, or the
/// built-in descriptor encoder). The notebook engine and the command line see
/// encoders only through this protocol.
package protocol ImageEncoder: Sendable {
    /// Short name used in reports and JSON (`descriptor`, `clip`, `npy`).
    var name: String { get }
    /// Length of every embedding this encoder returns.
    var dimension: Int { get }
    /// A checksum of everything that determines the embeddings (weights, version):
    /// embeddings cached on disk are keyed by it.
    var identity: String { get }
    /// How many images `embed` wants at once; `1` lets the caller parallelize over images.
    var preferredBatchSize: Int { get }
    /// Whether `embed` already uses every core (then callers run batches one after another).
    var parallelizesInternally: Bool { get }
    /// One sentence telling a reader how this encoder maps a concept into its space.
    var conceptMappingDescription: String { get }
    /// How far images may be reduced before `embed(reduced:)`, so decoders can hand over the
    /// smaller image directly.
    var acceptedReduction: BoxReduction { get }

    /// `Enc(image)` for each image, in order.
    func embed(_ images: [RGBImage]) throws -> [[Float]]

    /// `Enc(image)` for each image, given reduced as `acceptedReduction` allows for its size (or
    /// by 1): the same embeddings `embed` gives the full images.
    func embed(reduced images: [ReducedImage]) throws -> [[Float]]

    /// `f(C)` for each concept name, in order (paper Eq. 6 for CLIP).
    func mapConcepts(_ names: [String], context: ConceptContext) throws -> [ConceptMapping]

    /// The only names this encoder can map, when it has a fixed list (precomputed concept
    /// vectors); nil when it maps any phrase it can represent (then the built-in vocabulary is used).
    var conceptVocabulary: [String]? { get }
    /// Whether `mapConcepts` reads `ConceptContext.prompts` (a text tower, Eq. 6), so reports say
    /// where the prompts came from.
    var mapsConceptsThroughPrompts: Bool { get }
    /// `mapConcepts` with what the mapping measured: per-image directions and where they were
    /// measured, for encoders that measure concepts on images.
    func measureConcepts(_ names: [String], context: ConceptContext) throws -> MeasuredConcepts
}

extension ImageEncoder {
    package var conceptVocabulary: [String]? { nil }
    package var mapsConceptsThroughPrompts: Bool { false }

    /// Images reach the encoder at full size.
    package var acceptedReduction: BoxReduction { .none }

    /// For encoders that accept no reduction: their images come reduced by 1, the images themselves.
    package func embed(reduced images: [ReducedImage]) throws -> [[Float]] {
        try embed(images.map(\.means))
    }

    /// For encoders that map concepts from text or from given vectors.
    package func measureConcepts(_ names: [String], context: ConceptContext) throws -> MeasuredConcepts {
        MeasuredConcepts(mappings: try mapConcepts(names, context: context))
    }
}

/// What an encoder may use to map a concept: the generation prompts of the images
/// (paper Eq. 6 sums over them) and where those prompts came from.
package struct ConceptContext: Sendable {
    package var prompts: [String]
    /// Human-readable note on the prompts' origin ("manifest.json", "generic templates").
    package var promptSource: String
    /// The run's base images, for encoders that measure concepts on images; nil when there are
    /// none (precomputed embeddings).
    package var images: ContextImages?
    /// Where such an encoder may cache what it measured on them (the embedding cache folder).
    package var cacheDirectory: URL?

    package init(prompts: [String], promptSource: String, images: ContextImages? = nil, cacheDirectory: URL? = nil) {
        self.prompts = prompts
        self.promptSource = promptSource
        self.images = images
        self.cacheDirectory = cacheDirectory
    }
}

/// The result of mapping one concept into an encoder's space.
package enum ConceptMapping: Sendable, Equatable {
    case vector([Double])
    /// The encoder cannot represent this concept; the reason is shown to the user.
    case unrepresentable(reason: String)
}
