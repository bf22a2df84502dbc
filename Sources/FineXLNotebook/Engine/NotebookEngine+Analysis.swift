import FineXLConcepts
import FineXLCore
import FineXLDescriptor
import FineXLPipeline
import Foundation

/// The directives that compute: images, divergence, concepts, decompose, explain. Each is a
/// function of explicit inputs so `explain` can chain them and a cached result can be replayed.
extension NotebookEngine {
    /// Where embeddings and VLM answers are kept between renders; nil under `--no-cache`.
    var sharedCacheDirectory: URL? { useCache ? cacheDirectory : nil }

    // MARK: images

    func runImages(_ context: DirectiveContext, source: any PairedImageSource) throws -> ([ReportBlock], StateChange) {
        (Self.imageBlocks(source), StateChange())
    }

    static func imageBlocks(_ source: any PairedImageSource) -> [ReportBlock] {
        var rows = [["Images", source.description], ["Pairs", String(source.names.count)]]
        if let prompts = source.prompts, let first = prompts.first {
            rows.append(["Prompts", "\(prompts.count), e.g. “\(first)”"])
        } else {
            rows.append(["Prompts", "none beside the images (concepts are mapped with generic prompt templates)"])
        }
        var blocks: [ReportBlock] = [.table(ReportTable(caption: "Image pairs", headers: ["", ""], rows: rows))]
        if let synthetic = source as? SyntheticPairs {
            let aspects = synthetic.spec.aspects
            blocks.append(.table(ReportTable(
                caption: "Planted aspects of this synthetic model — the truth the weights below can be checked against",
                headers: ["Aspect", "Level"],
                rows: aspects.isEmpty ? [["(none: the personalized images equal the base)", "0"]]
                    : aspects.map { [$0.name, NotebookFormat.number($0.level)] },
                numericColumns: [1])))
        }
        return blocks
    }

    // MARK: divergence

    func runDivergence(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let embedded = try embeddings(of: state.source)
        let blocks = try Self.divergenceBlocks(try embedded.divergence(), bins: context.options.integer("bins") ?? 12)
        return (blocks, StateChange(embedded: embedded))
    }

    /// Embeds the images, or with `encoder: npy` (no images) loads the precomputed embeddings.
    func embeddings(of source: (any PairedImageSource)?) throws -> EmbeddedPairs {
        if let source {
            return try EmbeddingRun(encoder: try currentEncoder(), cacheDirectory: sharedCacheDirectory).embed(source)
        } else if let folder = precomputedFolder {
            return try PrecomputedEmbeddings.load(from: folder)
        }
        throw MissingInput(message: "needs images: add a `finexl images` block above it (or fix the one that failed)")
    }

    /// The table of Eq. 5's quantities and the histogram of per-pair projections.
    static func divergenceBlocks(_ divergence: Divergence, bins: Int) throws -> [ReportBlock] {
        let projections = divergence.pairProjections(onto: divergence.vector)
        let against = projections.filter { $0 < 0 }.count
        var blocks: [ReportBlock] = [
            .table(ReportTable(
                caption: "V_div = mean over pairs of Enc(personal) − Enc(base) (Eq. 5)",
                headers: ["Quantity", "Value"],
                rows: [
                    ["Pairs", String(divergence.pairs)],
                    ["Embedding dimension", String(divergence.dimension)],
                    ["‖V_div‖", NotebookFormat.significant(divergence.norm)],
                    ["Mean pair norm ‖Enc(personal) − Enc(base)‖", NotebookFormat.significant(divergence.meanPairNorm)],
                    ["‖V_div‖ / mean pair norm", NotebookFormat.number(divergence.norm / max(divergence.meanPairNorm, 1e-300))],
                    ["Pairs moving against V_div", "\(against) of \(divergence.pairs)"],
                ],
                numericColumns: [1])),
        ]
        blocks.append(.figure(try Figures.histogram(
            projections, bins: bins,
            title: "Per-pair projection onto V_div's direction",
            caption: "Each pair's Enc(personal) − Enc(base) projected onto the direction of V_div; their mean is ‖V_div‖ = "
                + "\(NotebookFormat.significant(divergence.norm)). A wide or two-humped histogram means the pairs disagree "
                + "and the mean hides it.")))
        if divergence.norm < 0.5 * divergence.meanPairNorm {
            blocks.append(Self.sentence("‖V_div‖ is under half the mean pair norm: much of what changes from pair to pair "
                + "cancels in the mean, so the explanation below describes only the shared part of the personalization."))
        }
        return blocks
    }

    // MARK: concepts

    func runConcepts(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let divergence = state.divergence!
        let candidates = try concepts(context, divergence: divergence, source: state.source)
        let blocks = Self.conceptBlocks(candidates, divergence: divergence, encoderName: try currentEncoder().name)
        return (blocks, StateChange(candidates: CachedCandidates(candidates)))
    }

    func conceptRequest(_ context: DirectiveContext) throws -> ConceptRequest {
        let options = context.options
        let from = options.text("from")
        if let list = options.textList("list") {
            guard from == nil || from == "list" else {
                throw DirectiveFailure("`list:` gives the candidates, so `from: \(from!)` does not apply; drop one of them",
                                       line: context.line(of: "from"))
            }
            return .list(list)
        }
        switch from {
        case "list":
            throw DirectiveFailure("`from: list` needs `list: [concept, …]`", line: context.line(of: "from"))
        case "vlm":
            do {
                let settings = try VLMSettings.fromEnvironment(
                    endpoint: options.text("endpoint"), model: options.text("vlmModel"),
                    cacheDirectory: sharedCacheDirectory?.appendingPathComponent("vlm"),
                    rounds: options.integer("rounds") ?? 4, pairsPerRound: options.integer("pairsPerRound") ?? 3)
                return .vlm(settings)
            } catch let error as FineXLError {
                throw DirectiveFailure(error.message, line: context.line(of: "from"))
            }
        default:
            return .vocabulary(top: options.integer("top") ?? 12)
        }
    }

    func concepts(_ context: DirectiveContext, divergence: Divergence,
                  source: (any PairedImageSource)?) throws -> CandidateSet {
        let promptContext = source.map(PromptContext.context(for:))
            ?? ConceptContext(prompts: [], promptSource: "precomputed concept vectors")
        return try ConceptGathering.gather(try conceptRequest(context), encoder: try currentEncoder(), divergence: divergence,
                                           source: source, context: promptContext, cacheDirectory: sharedCacheDirectory)
    }

    /// The candidates with their alignment, and those the encoder cannot represent.
    static func conceptBlocks(_ candidates: CandidateSet, divergence: Divergence, encoderName: String) -> [ReportBlock] {
        let showStrength = candidates.concepts.contains { $0.origin.naiveStrength != nil }
        let rows = candidates.concepts.map { concept -> [String] in
            var row = [concept.name, Self.describe(concept.origin),
                       NotebookFormat.number(Vector.cosine(concept.direction, divergence.vector))]
            if showStrength { row.append(concept.origin.naiveStrength.map { NotebookFormat.number($0, decimals: 1) } ?? "—") }
            return row
        }
        var blocks: [ReportBlock] = [.table(ReportTable(
            caption: "\(candidates.concepts.count) candidate concepts",
            headers: ["Concept", "From", "cos(f(C), V_div)"] + (showStrength ? ["VLM strength (0–10)"] : []),
            rows: rows, numericColumns: showStrength ? [2, 3] : [2]))]
        if !candidates.unrepresentable.isEmpty {
            blocks.append(.table(ReportTable(caption: "Candidates the \(encoderName) encoder cannot represent",
                                             headers: ["Concept", "Reason"],
                                             rows: candidates.unrepresentable.map { [$0.name, $0.reason] })))
        }
        for remark in candidates.notes { blocks.append(.note(ReportNote(level: .info, message: remark))) }
        return blocks
    }

    static func describe(_ origin: ConceptOrigin) -> String {
        let kind: String
        switch origin.kind {
        case .vocabulary: kind = "vocabulary"
        case .vlm: kind = "VLM"
        case .list: kind = "notebook list"
        }
        return origin.detail.map { "\(kind) (\($0))" } ?? kind
    }

    // MARK: decompose

    func runDecompose(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let explanation = try explain(state.divergence!, state.candidates!, options: context.options.explainOptions)
        return (Self.decompositionBlocks(explanation), StateChange(explanation: explanation))
    }

    func explain(_ divergence: Divergence, _ candidates: CandidateSet, options: ExplainOptions) throws -> Explanation {
        let encoder = try currentEncoder()
        var explanation = try Explainer.explain(divergence: divergence, candidates: candidates.concepts,
                                                unrepresentable: candidates.unrepresentable,
                                                encoder: .init(name: encoder.name, dimension: encoder.dimension, identity: encoder.identity),
                                                options: options)
        explanation.directions = candidates.directions
        return explanation
    }

    static func decompositionBlocks(_ explanation: Explanation) -> [ReportBlock] {
        let t = explanation.thresholds
        let showStrength = explanation.concepts.contains { $0.origin.naiveStrength != nil }
        let rows = explanation.concepts.map { concept -> [String] in
            var row = [concept.name, NotebookFormat.number(concept.weight), NotebookFormat.interval(concept.ci),
                       NotebookFormat.number(concept.alignment), NotebookFormat.percent(concept.paired.share),
                       NotebookFormat.pValue(concept.paired.p), NotebookFormat.number(concept.auroc)]
            if showStrength { row.append(concept.origin.naiveStrength.map { NotebookFormat.number($0, decimals: 1) } ?? "—") }
            return row
        }
        var blocks: [ReportBlock] = [.table(ReportTable(
            caption: "V_div ≈ Σ w_i f(C_i) — method \(explanation.method), eOrtho \(t.eOrtho.formatted), "
                + "eDecomp \(t.eDecomp.formatted), \(t.bootstrapResamples) bootstrap resamples (seed \(t.seed))",
            headers: ["Concept", "Weight", "95 % interval", "Alignment", "Pairs along f(C)", "p (paired)", "AUROC (unpaired)"]
                + (showStrength ? ["Naive VLM strength (0–10)"] : []),
            rows: rows, numericColumns: Set(1...(showStrength ? 7 : 6))))]
        blocks.append(Self.sentence("Pairs along f(C): share of pairs whose own Enc(personal) − Enc(base) gives the concept "
            + "a positive weight; p: Wilcoxon signed-rank test of those per-pair weights (paired: same prompt and seed). "
            + "AUROC: how well a single image, unpaired, shows the concept."))
        if let directions = explanation.directions {
            blocks.append(Self.sentence(directions.source == "in-context"
                ? "Concept directions f(C) were measured on this run's \(directions.images) base images."
                : "Concept directions f(C) were measured on the encoder's \(directions.images) reference images"
                    + (directions.reason.map { " (\($0))." } ?? ".")))
        }
        if let intervals = explanation.intervals { blocks.append(Self.sentence("Intervals: \(intervals).")) }
        let residual = explanation.residual.relative
        blocks.append(Self.sentence("Relative residual \(NotebookFormat.number(residual)): "
            + "\(NotebookFormat.percent(residual)) of ‖V_div‖ is not explained by the \(explanation.concepts.count) kept "
            + "concept\(explanation.concepts.count == 1 ? "" : "s")."))
        if !explanation.rejected.isEmpty {
            blocks.append(.table(ReportTable(caption: "Rejected candidates and why", headers: ["Concept", "Reason"],
                                             rows: explanation.rejected.map { [$0.name, $0.reason] })))
        }
        for warning in explanation.warnings { blocks.append(.note(ReportNote(level: .warning, message: warning))) }
        return blocks
    }

    // MARK: explain

    func runExplain(_ context: DirectiveContext, source: (any PairedImageSource)?) throws -> ([ReportBlock], StateChange) {
        let embedded = try embeddings(of: source)
        let divergence = try embedded.divergence()
        let candidates = try concepts(context, divergence: divergence, source: source)
        let explanation = try explain(divergence, candidates, options: context.options.explainOptions)
        let blocks = try Self.explainBlocks(source: source, divergence: divergence, candidates: candidates,
                                            explanation: explanation, encoderName: try currentEncoder().name,
                                            bins: context.options.integer("bins") ?? 12, title: context.options.text("title"))
        return (blocks, StateChange(embedded: embedded, candidates: CachedCandidates(candidates), explanation: explanation))
    }

    /// What `explain` shows, from results however they were computed (here, or by `finexl explain`).
    static func explainBlocks(source: (any PairedImageSource)?, divergence: Divergence, candidates: CandidateSet,
                              explanation: Explanation, encoderName: String, bins: Int, title: String?) throws -> [ReportBlock] {
        var blocks = source.map(imageBlocks) ?? []
        blocks += try divergenceBlocks(divergence, bins: bins)
        blocks += conceptBlocks(candidates, divergence: divergence, encoderName: encoderName)
        blocks += decompositionBlocks(explanation)
        blocks.append(.figure(try Figures.weights(explanation, title: title, top: nil)))
        return blocks
    }
}
