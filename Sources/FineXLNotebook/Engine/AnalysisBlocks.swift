import FineXLCore
import FineXLPipeline
import FineXLSupport
import Foundation

/// How analysis results are shown, as report blocks: the same for a notebook's directives and
/// for `finexl explain --output`, from values however they were computed.
enum AnalysisBlocks {
    /// - Parameter folder: the folder the report names files from (the notebook's, or the working folder).
    static func imageBlocks(_ source: any PairedImageSource, folder: URL) -> [ReportBlock] {
        var rows = [["Images", source.description(relativeTo: folder)], ["Pairs", String(source.names.count)]]
        if let prompts = source.prompts, let first = prompts.first {
            rows.append(["Prompts", "\(prompts.count), e.g. “\(first)”"])
        } else {
            rows.append(["Prompts", "none beside the images (concepts are mapped with generic prompt templates)"])
        }
        var blocks: [ReportBlock] = [.table(ReportTable(caption: "Image pairs", headers: ["", ""], rows: rows))]
        if let aspects = source.plantedAspects {
            blocks.append(.table(ReportTable(
                caption: "Planted aspects of this synthetic model — the truth the weights below can be checked against",
                headers: ["Aspect", "Level"],
                rows: aspects.isEmpty ? [["(none: the personalized images equal the base)", "0"]]
                    : aspects.map { [$0.name, NotebookFormat.number($0.level)] },
                numericColumns: [1])))
        }
        return blocks
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
            blocks.append(.sentence("‖V_div‖ is under half the mean pair norm: much of what changes from pair to pair "
                + "cancels in the mean, so the explanation below describes only the shared part of the personalization."))
        }
        return blocks
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

    static func decompositionBlocks(_ explanation: Explanation) -> [ReportBlock] {
        let t = explanation.thresholds
        let showStrength = explanation.concepts.contains { $0.origin.naiveStrength != nil }
        // The interval without the spread between implementations, when the run has one.
        let showSampling = explanation.concepts.contains { $0.ciSampling != nil }
        let rows = explanation.concepts.map { concept -> [String] in
            var row = [concept.name, NotebookFormat.number(concept.weight), NotebookFormat.interval(concept.ci)]
            if showSampling { row.append(NotebookFormat.interval(concept.samplingInterval)) }
            row += [NotebookFormat.number(concept.alignment), NotebookFormat.percent(concept.paired.share),
                    NotebookFormat.pValue(concept.paired.p), NotebookFormat.number(concept.auroc)]
            if showStrength { row.append(concept.origin.naiveStrength.map { NotebookFormat.number($0, decimals: 1) } ?? "—") }
            return row
        }
        let headers = ["Concept", "Weight", "95 % interval"] + (showSampling ? ["Sampling interval"] : [])
            + ["Alignment", "Pairs along f(C)", "p (paired)", "AUROC (unpaired)"] + (showStrength ? ["Naive VLM strength (0–10)"] : [])
        var blocks: [ReportBlock] = [.table(ReportTable(
            caption: "V_div ≈ Σ w_i f(C_i) — method \(explanation.method), eOrtho \(t.eOrtho.formatted), "
                + "eDecomp \(t.eDecomp.formatted), \(t.bootstrapResamples) bootstrap resamples (seed \(t.seed))",
            headers: headers, rows: rows, numericColumns: Set(1..<headers.count)))]
        blocks.append(.sentence("Pairs along f(C): share of pairs whose own Enc(personal) − Enc(base) gives the concept "
            + "a positive weight; p: Wilcoxon signed-rank test of those per-pair weights (paired: same prompt and seed). "
            + "AUROC: how well a single image, unpaired, shows the concept."))
        if let directions = explanation.directions {
            blocks.append(.sentence(directions.source == "in-context"
                ? "Concept directions f(C) were measured on this run's \(directions.images) base images."
                : "Concept directions f(C) were measured on the encoder's \(directions.images) reference images"
                    + (directions.reason.map { " (\($0))." } ?? ".")))
        }
        if let intervals = explanation.intervals { blocks.append(.sentence("Intervals: \(intervals).")) }
        for sentence in explanation.formSentences {
            blocks.append(.sentence("A concept is the cone of its common forms; \(sentence)."))
        }
        let residual = explanation.residual.relative
        blocks.append(.sentence("Relative residual \(NotebookFormat.number(residual)): "
            + "\(NotebookFormat.percent(residual)) of ‖V_div‖ is not explained by the \(explanation.concepts.count) kept "
            + "concept\(explanation.concepts.count == 1 ? "" : "s")."))
        if !explanation.rejected.isEmpty {
            blocks.append(.table(ReportTable(caption: "Rejected candidates and why", headers: ["Concept", "Reason"],
                                             rows: explanation.rejected.map { [$0.name, $0.reason] })))
        }
        for warning in explanation.warnings { blocks.append(.note(ReportNote(level: .warning, message: warning))) }
        return blocks
    }

    /// What `explain` shows, from results however they were computed (here, or by `finexl explain`).
    static func explainBlocks(source: (any PairedImageSource)?, divergence: Divergence, candidates: CandidateSet,
                              explanation: Explanation, encoderName: String, bins: Int, title: String?,
                              folder: URL) throws -> [ReportBlock] {
        var blocks = source.map { imageBlocks($0, folder: folder) } ?? []
        blocks += try divergenceBlocks(divergence, bins: bins)
        blocks += conceptBlocks(candidates, divergence: divergence, encoderName: encoderName)
        blocks += decompositionBlocks(explanation)
        blocks.append(.figure(try Figures.weights(explanation, title: title, top: nil)))
        return blocks
    }
    /// The footer's lines, for a notebook and for `finexl explain`'s report alike. `encoderSetting`
    /// stands in for an encoder that was never made. `model` is as the user wrote it, relative to
    /// `folder` (the notebook's, or the working folder); an absolute path is shown as `DisplayPath`
    /// names it, so the footer does not carry the rendering machine's folders.
    static func provenance(encoder: Explanation.EncoderInfo?, encoderSetting: String, model: String?, folder: URL,
                           decompositions: [(label: String, method: DecompositionMethod, thresholds: Explanation.Thresholds)])
        -> [(key: String, value: String)] {
        var lines: [(key: String, value: String)] = []
        if let encoder {
            lines.append(("Encoder", "\(encoder.name), dimension \(encoder.dimension)"))
            if let identity = encoder.identity { lines.append(("Encoder checksum", String(identity.prefix(16)))) }
        } else {
            lines.append(("Encoder", encoderSetting))
        }
        if let model { lines.append(("Model folder", displayModel(model, folder: folder))) }
        for run in decompositions {
            let t = run.thresholds
            lines.append((run.label, "method \(run.method.rawValue), eOrtho \(t.eOrtho.formatted), eDecomp \(t.eDecomp.formatted), "
                          + "bootstrap \(t.bootstrapResamples) resamples, seed \(t.seed)"))
        }
        lines.append(("FineXL", FineXLVersion.current))
        lines.append(("Rendered", ISO8601DateFormatter().string(from: Date())))
        return lines
    }

    /// A `model:` or `--model` as a report shows it: an id or a relative folder as written, an
    /// absolute folder relative to `folder` or under `~`.
    static func displayModel(_ model: String, folder: URL) -> String {
        guard model.hasPrefix("/") else { return model }
        return DisplayPath.relative(URL(fileURLWithPath: model), to: folder)
    }
}
