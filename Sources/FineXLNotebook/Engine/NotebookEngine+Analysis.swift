import FineXLConcepts
import FineXLCore
import FineXLPipeline
import FineXLSupport
import Foundation

/// The directives that compute: images, divergence, concepts, decompose, explain. Each is a
/// function of explicit inputs so `explain` can chain them and a cached result can be replayed.
extension NotebookEngine {
    /// Where embeddings and VLM answers are kept between renders; nil under `--no-cache`.
    var sharedCacheDirectory: URL? { useCache ? cacheDirectory : nil }

    // MARK: images

    func runImages(_ context: DirectiveContext, source: any PairedImageSource) throws -> ([ReportBlock], StateChange) {
        (AnalysisBlocks.imageBlocks(source, folder: directory), StateChange())
    }

    // MARK: divergence

    func runDivergence(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let embedded = try embeddings(of: state.source)
        let blocks = try AnalysisBlocks.divergenceBlocks(try embedded.divergence(), bins: context.options.integer("bins") ?? 12)
        return (blocks, StateChange(embedded: embedded))
    }

    /// Embeds the images, or with `encoder: npy` (no images) loads the precomputed embeddings.
    func embeddings(of source: (any PairedImageSource)?) throws -> EmbeddedPairs {
        if let source {
            return try Analysis.embed(source, encoder: try currentEncoder(), cacheDirectory: sharedCacheDirectory)
        } else if let folder = precomputedFolder {
            return try PrecomputedEmbeddings.load(from: folder)
        }
        throw FineXLError("needs images: add a `finexl images` block above it (or fix the one that failed)", kind: .missingInput)
    }

    // MARK: concepts

    func runConcepts(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let divergence = state.divergence!
        let candidates = try concepts(context, divergence: divergence, source: state.source)
        let blocks = AnalysisBlocks.conceptBlocks(candidates, divergence: divergence, encoderName: try currentEncoder().name)
        return (blocks, StateChange(candidates: candidates))
    }

    func conceptRequest(_ context: DirectiveContext) throws -> ConceptRequest {
        let options = context.options
        let from = options.text("from")
        if let list = options.textList("list") {
            guard from == nil || from == "list" else {
                throw FineXLError("`list:` gives the candidates, so `from: \(from!)` does not apply; drop one of them",
                                       line: context.line(of: "from"))
            }
            return .list(list)
        }
        switch from {
        case "list":
            throw FineXLError("`from: list` needs `list: [concept, …]`", line: context.line(of: "from"))
        case "vlm":
            do {
                let settings = try vlmPolicy.settings(
                    notebookEndpoint: options.text("endpoint"), model: options.text("vlmModel"),
                    cacheDirectory: sharedCacheDirectory?.appendingPathComponent("vlm"),
                    rounds: options.integer("rounds") ?? 4, pairsPerRound: options.integer("pairsPerRound") ?? 3)
                return .vlm(settings)
            } catch let error as FineXLError {
                throw error.at(line: context.line(of: "from"))
            }
        default:
            return .vocabulary(top: options.integer("top") ?? 12)
        }
    }

    func concepts(_ context: DirectiveContext, divergence: Divergence,
                  source: (any PairedImageSource)?) throws -> CandidateSet {
        try Analysis.candidates(try conceptRequest(context), encoder: try currentEncoder(), divergence: divergence,
                                source: source, cacheDirectory: sharedCacheDirectory)
    }

    // MARK: decompose

    func runDecompose(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let explanation = try explain(state.divergence!, state.candidates!, options: context.options.explainOptions)
        return (AnalysisBlocks.decompositionBlocks(explanation), StateChange(explanation: explanation))
    }

    func explain(_ divergence: Divergence, _ candidates: CandidateSet, options: ExplainOptions) throws -> Explanation {
        try Analysis.decompose(divergence, candidates, encoder: try currentEncoder(), options: options)
    }

    // MARK: explain

    func runExplain(_ context: DirectiveContext, source: (any PairedImageSource)?) throws -> ([ReportBlock], StateChange) {
        let embedded = try embeddings(of: source)
        let run = try Analysis.explain(embedded, source: source, sourceDescription: source?.description ?? "",
                                       encoder: try currentEncoder(), concepts: try conceptRequest(context),
                                       options: context.options.explainOptions, cacheDirectory: sharedCacheDirectory)
        let blocks = try AnalysisBlocks.explainBlocks(source: source, divergence: try embedded.divergence(), candidates: run.candidates,
                                            explanation: run.explanation, encoderName: try currentEncoder().name,
                                            bins: context.options.integer("bins") ?? 12, title: context.options.text("title"),
                                            folder: directory)
        return (blocks, StateChange(embedded: embedded, candidates: run.candidates, explanation: run.explanation))
    }
}
