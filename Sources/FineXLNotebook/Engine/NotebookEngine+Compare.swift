import FineXLCore
import FineXLPipeline
import FineXLSupport
import Foundation

/// `compare`: several personalized models explained against one base with the same
/// candidates and knobs, for model selection.
extension NotebookEngine {
    func runCompare(_ context: DirectiveContext, inputs: PreparedInputs) throws -> ([ReportBlock], StateChange) {
        let options = context.options
        let target = try options.mapping("target").map(Comparison.target(from:)) ?? []
        let request: ConceptRequest = options.textList("list").map { .list($0) } ?? .vocabulary(top: options.integer("top") ?? 12)
        let explanations = try Analysis.compare(
            inputs.models.map { ComparedModel(name: $0.name, source: $0.source, line: $0.line) },
            encoder: try currentEncoder(), concepts: request, including: target.map(\.concept),
            options: options.explainOptions, cacheDirectory: sharedCacheDirectory)
        var models = zip(inputs.models, explanations).map { Comparison.Model(name: $0.0.name, explanation: $0.1, score: nil) }
        if !target.isEmpty {
            let weights = models.map { model in
                Dictionary(model.explanation.concepts.map { ($0.name, $0.weight) }, uniquingKeysWith: { first, _ in first })
            }
            for (i, score) in Comparison.scores(weights: weights, target: target).enumerated() { models[i].score = score }
        }
        let comparison = Comparison(models: models, target: target)
        return (try compareBlocks(comparison), StateChange(comparison: comparison))
    }

    func compareBlocks(_ comparison: Comparison) throws -> [ReportBlock] {
        let models = comparison.models
        // Columns: the target's concepts, then each model's strongest concepts, at most eight in all.
        var concepts = comparison.target.map(\.concept)
        for model in models {
            for concept in model.explanation.concepts.prefix(3) where !concepts.contains(concept.name) {
                concepts.append(concept.name)
            }
        }
        concepts = Array(concepts.prefix(8))
        let hasTarget = !comparison.target.isEmpty
        var rows = models.map { model -> [String] in
            let weights = concepts.map { name in
                model.explanation.concepts.first { $0.name == name }.map { NotebookFormat.number($0.weight) } ?? "—"
            }
            return [model.name] + weights + [NotebookFormat.number(model.explanation.residual.relative)]
                + (hasTarget ? [NotebookFormat.number(model.score ?? .nan, decimals: 3)] : [])
        }
        if hasTarget {
            rows.append(["target"] + concepts.map { name in
                comparison.target.first { $0.concept == name }?.level.written ?? ""
            } + ["", ""])
        }
        var blocks: [ReportBlock] = [.table(ReportTable(
            caption: "Weights per model (— = not kept), relative residual" + (hasTarget ? ", and distance to the target (lower is better)" : ""),
            headers: ["Model"] + concepts + ["Residual"] + (hasTarget ? ["Distance"] : []),
            rows: rows, numericColumns: Set(1...(concepts.count + (hasTarget ? 2 : 1)))))]
        if !concepts.isEmpty {
            blocks.append(.figure(try Figures.groupedWeights(models: models.map { model in
                (model.name, concepts.map { name in model.explanation.concepts.first { $0.name == name }?.weight ?? 0 })
            }, concepts: concepts)))
        }
        if let best = comparison.best {
            let wanted = comparison.target.map { "\($0.concept) \($0.level.written)" }.joined(separator: ", ")
            let ranking = models.sorted { ($0.score ?? .infinity) < ($1.score ?? .infinity) }
                .map { "\($0.name) \(NotebookFormat.number($0.score ?? .nan, decimals: 3))" }.joined(separator: ", ")
            blocks.append(.sentence("Best match for the target (\(wanted)): \(best.name). Distance is the root-mean-square gap "
                + "between a model's weights and the target over the target's concepts, a concept the model did not keep counting "
                + "as 0; high and low mean the largest and the smallest weight among the models compared, none means 0. "
                + "Distances: \(ranking)."))
        }
        for model in models {
            for warning in model.explanation.warnings {
                blocks.append(.note(ReportNote(level: .warning, message: "\(model.name): \(warning)")))
            }
        }
        return blocks
    }
}
