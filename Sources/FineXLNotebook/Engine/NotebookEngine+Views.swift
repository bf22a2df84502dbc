import FineXLCore
import FineXLPipeline
import FineXLSupport
import Foundation

/// The directives that only show the state: chart, samples, steps.
extension NotebookEngine {
    // MARK: chart

    func runChart(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let figure = try Figures.weights(state.explanation!, title: context.options.text("title"), top: context.options.integer("top"))
        return ([.figure(figure)], StateChange())
    }

    // MARK: samples

    func runSamples(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let source = state.source!
        let count = min(context.options.integer("count") ?? 4, source.names.count)
        // Evenly spread over the set rather than the first few, which often share a prompt.
        let indices = (0..<count).map { $0 * source.names.count / count }
        let figure = try Figures.samples(source, indices: indices, thumbnail: context.options.integer("size") ?? 128)
        return ([.figure(figure)], StateChange())
    }

    // MARK: steps

    func runSteps(_ context: DirectiveContext) throws -> ([ReportBlock], StateChange) {
        let explanation = state.explanation!
        let candidates = state.candidates!.concepts
        let divergence = state.divergence!.vector
        let limit = context.options.integer("top") ?? 12
        var blocks: [ReportBlock] = []

        // Step 1: the candidates as they came, most aligned with V_div first.
        let ranked = candidates.sorted { abs(Vector.cosine($0.direction, divergence)) > abs(Vector.cosine($1.direction, divergence)) }
        let shown = Array(ranked.prefix(limit))
        blocks.append(.labelled("Before the filter.", "Concept vectors f(C) are rarely orthogonal. The matrix below holds the cosines between the "
            + "\(shown.count) candidates most aligned with V_div\(ranked.count > shown.count ? " (of \(ranked.count))" : "")."))
        blocks += try cosineBlocks(shown, title: "cos between candidates, before the filter", divergence: divergence)

        // Step 2: the orthogonality filter (Eq. 9), as the decomposition ran it.
        guard let filter = explanation.filter else {
            throw FineXLError("the decomposition above does not record its orthogonality filter; render again with --no-cache")
        }
        let method = explanation.method
        let kept = filter.kept.map { candidates[$0] }
        let rejected = filter.rejected
        let visiting = switch filter.ordering {
        case .absoluteAlignment: "Visiting candidates by |cos(f(C), V_div)| (the paper's order)"
        case .signedAlignment: "Visiting candidates by cos(f(C), V_div), largest first"
        case .residualAlignment: "Visiting candidates by their cosine with what the concepts kept so far leave of V_div "
            + "under non-negative least squares, largest first (matching pursuit: \(method.rawValue) cannot use a negative weight)"
        }
        blocks.append(.labelled("The orthogonality filter (Eq. 9).", "\(visiting), a candidate is rejected when its summed |cos| "
            + "with the concepts already kept reaches eOrtho = \(explanation.thresholds.eOrtho.formatted). "
            + "\(kept.count) of \(candidates.count) candidates are kept."))
        if kept.count >= 1 {
            blocks += try cosineBlocks(Array(kept.prefix(limit)), title: "cos between kept concepts, after the filter",
                                       divergence: divergence)
        }
        if !rejected.isEmpty {
            blocks.append(.table(ReportTable(caption: "Rejected by the filter", headers: ["Concept", "Reason"],
                                             rows: rejected.map { [$0.name, $0.reason] })))
        }

        // Step 3: the decomposition, one concept at a time (Eqs. 10–11).
        blocks.append(.labelled("The decomposition, one concept at a time (Eqs. 10–11).", explanation.method == .paper
            ? "Concepts are added in the filter's order; after each, the weights are refitted by least squares and the "
                + "relative residual ‖V_div − Σ w_i f(C_i)‖ / ‖V_div‖ is measured, stopping once it falls under eDecomp = "
                + "\(explanation.thresholds.eDecomp.formatted)."
            : "Method \(explanation.method) fits all kept concepts at once; to show how each contributes, the fit is replayed "
                + "adding concepts by weight, largest first, measuring the relative residual after each."))
        if explanation.steps.isEmpty {
            blocks.append(.note(ReportNote(level: .info, message: "The decomposition used no concept, so there are no steps to show.")))
        } else {
            blocks.append(.figure(try Figures.residualSteps(explanation.steps, eDecomp: explanation.thresholds.eDecomp)))
            blocks.append(.table(ReportTable(
                caption: "Relative residual after each step",
                headers: ["Step", "Concept added", "Relative residual"],
                rows: explanation.steps.enumerated().map { [String($0.offset + 1), $0.element.added,
                                                            NotebookFormat.number($0.element.relativeResidual, decimals: 3)] },
                numericColumns: [0, 2])))
        }
        return (blocks, StateChange())
    }

    private func cosineBlocks(_ concepts: [Concept], title: String, divergence: [Double]) throws -> [ReportBlock] {
        let matrix = Vector.cosineMatrix(concepts.map(\.direction))
        let names = concepts.map(\.name)
        var blocks: [ReportBlock] = []
        if concepts.count >= 2 {
            blocks.append(.figure(try Figures.heatMap(matrix, labels: names, title: title)))
            let offDiagonal = matrix.enumerated().flatMap { i, row in row.enumerated().filter { $0.offset > i }.map { abs($0.element) } }
            let mean = offDiagonal.reduce(0, +) / Double(max(offDiagonal.count, 1))
            blocks.append(.sentence("Mean |cos| between different concepts: \(NotebookFormat.number(mean))."))
        }
        blocks.append(.table(ReportTable(
            caption: title + " (numbers behind the figure; last column cos(f(C), V_div))",
            headers: ["Concept"] + names.indices.map { String($0 + 1) } + ["V_div"],
            rows: concepts.indices.map { i in
                ["\(i + 1). \(names[i])"] + matrix[i].map { NotebookFormat.number($0) }
                    + [NotebookFormat.number(Vector.cosine(concepts[i].direction, divergence))]
            },
            numericColumns: Set(1...(names.count + 1)))))
        return blocks
    }
}
