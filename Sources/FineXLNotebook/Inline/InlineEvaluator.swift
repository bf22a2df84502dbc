import FineXLCore
import FineXLSupport

/// Evaluates an inline value against the state at that point of the notebook.
///
/// Known values:
/// - `pairs`, `divergence.norm`, `divergence.meanPairNorm`
/// - `residual` (relative), `residual.percent`, `method`, `encoder`
/// - `top` (= `concept(1)`), `concept(N)` or `concept("name")` with `.name`, `.weight`, `.ci`,
///   `.sampling` (the sampling interval; the 95 % interval when there is no other),
///   `.alignment`, `.auroc`, `.p` (paired signed-rank test), `.share` (pairs along f(C)), `.origin`
/// - `weight("name")`, `ci("name")`, `alignment("name")`, `auroc("name")`, `p("name")`
/// - `concepts.count`, `concepts.names`, `candidates.count`, `rejected.count`, `rejected.names`
/// - `best` / `best.name`, `best.score`, `model("name").score`, `model("name").residual` (after `compare`)
struct InlineEvaluator {
    let state: NotebookState

    static let knownValues = [
        "pairs", "divergence.norm", "divergence.meanPairNorm", "residual", "residual.percent", "method", "encoder",
        "top.name", "top.weight", "top.ci", "top.sampling", "top.alignment", "top.auroc", "top.p", "concept(N).weight",
        "weight(\"name\")", "ci(\"name\")", "concepts.count", "concepts.names", "candidates.count", "rejected.count",
        "best", "best.score", "model(\"name\").score",
    ]

    func evaluate(_ expression: InlineExpression) throws -> String {
        let members = expression.members
        switch (expression.head, expression.argument) {
        case ("pairs", nil):
            try expectNoMembers(members)
            if let explanation = state.explanation { return String(explanation.pairs) }
            if let divergence = state.divergence { return String(divergence.pairs) }
            guard let source = state.source else { throw missing(expression, "images") }
            return String(source.names.count)
        case ("divergence", nil):
            guard let divergence = state.divergence else { throw missing(expression, "divergence") }
            switch try single(members, ["norm", "meanPairNorm", "pairs", "dimension"], expression) {
            case "norm": return NotebookFormat.significant(divergence.norm)
            case "meanPairNorm": return NotebookFormat.significant(divergence.meanPairNorm)
            case "pairs": return String(divergence.pairs)
            default: return String(divergence.dimension)
            }
        case ("residual", nil):
            let explanation = try decomposition(expression)
            if members.isEmpty { return NotebookFormat.number(explanation.residual.relative) }
            _ = try single(members, ["percent"], expression)
            return NotebookFormat.percent(explanation.residual.relative)
        case ("method", nil):
            try expectNoMembers(members)
            return try decomposition(expression).method.rawValue
        case ("encoder", nil):
            try expectNoMembers(members)
            return try decomposition(expression).encoder.name
        case ("top", nil):
            return try conceptMember(try concept(at: 1, expression), members, expression)
        case ("concept", .integer(let rank)?):
            return try conceptMember(try concept(at: rank, expression), members, expression)
        case ("concept", .text(let name)?):
            return try conceptMember(try concept(named: name, expression), members, expression)
        case ("weight", .text(let name)?), ("ci", .text(let name)?), ("alignment", .text(let name)?),
             ("auroc", .text(let name)?), ("p", .text(let name)?):
            try expectNoMembers(members)
            return try conceptMember(try concept(named: name, expression), [expression.head], expression)
        case ("concepts", nil):
            let explanation = try decomposition(expression)
            switch try single(members, ["count", "names"], expression) {
            case "count": return String(explanation.concepts.count)
            default: return explanation.concepts.map(\.name).joined(separator: ", ")
            }
        case ("candidates", nil):
            guard let candidates = state.candidates else { throw missing(expression, "concepts") }
            switch try single(members, ["count", "names"], expression) {
            case "count": return String(candidates.concepts.count)
            default: return candidates.concepts.map(\.name).joined(separator: ", ")
            }
        case ("rejected", nil):
            let explanation = try decomposition(expression)
            switch try single(members, ["count", "names"], expression) {
            case "count": return String(explanation.rejected.count)
            default: return explanation.rejected.map(\.name).joined(separator: ", ")
            }
        case ("best", nil):
            guard let comparison = state.comparison else { throw missing(expression, "compare") }
            guard let best = comparison.best else {
                throw FineXLError("`\(expression.written)`: the comparison above has no `target:`, so no model was chosen")
            }
            if members.isEmpty { return best.name }
            switch try single(members, ["name", "score"], expression) {
            case "name": return best.name
            default: return NotebookFormat.number(best.score ?? .nan, decimals: 3)
            }
        case ("model", .text(let name)?):
            guard let comparison = state.comparison else { throw missing(expression, "compare") }
            guard let model = comparison.models.first(where: { $0.name == name }) else {
                throw FineXLError("`\(expression.written)`: no model `\(name)` in the comparison above; models: "
                                       + comparison.models.map(\.name).joined(separator: ", "))
            }
            switch try single(members, ["score", "residual"], expression) {
            case "score": return NotebookFormat.number(model.score ?? .nan, decimals: 3)
            default: return NotebookFormat.number(model.explanation.residual.relative)
            }
        default:
            throw unknown(expression)
        }
    }

    // MARK: - Pieces

    private func conceptMember(_ concept: Explanation.Weighted, _ members: [String], _ expression: InlineExpression) throws -> String {
        if members.isEmpty { return concept.name }
        switch try single(members, ["name", "weight", "ci", "sampling", "alignment", "auroc", "p", "share", "origin"], expression) {
        case "name": return concept.name
        case "weight": return NotebookFormat.number(concept.weight)
        case "ci": return NotebookFormat.interval(concept.ci)
        case "sampling": return NotebookFormat.interval(concept.samplingInterval)
        case "alignment": return NotebookFormat.number(concept.alignment)
        case "auroc": return NotebookFormat.number(concept.auroc)
        case "p": return NotebookFormat.pValue(concept.paired.p)
        case "share": return NotebookFormat.percent(concept.paired.share)
        default: return concept.origin.kind.rawValue
        }
    }

    private func decomposition(_ expression: InlineExpression) throws -> Explanation {
        guard let explanation = state.explanation else { throw missing(expression, "decompose") }
        return explanation
    }

    private func concept(at rank: Int, _ expression: InlineExpression) throws -> Explanation.Weighted {
        let explanation = try decomposition(expression)
        guard rank >= 1, rank <= explanation.concepts.count else {
            throw FineXLError("`\(expression.written)`: the decomposition above kept \(explanation.concepts.count) concept(s)")
        }
        return explanation.concepts[rank - 1]
    }

    private func concept(named name: String, _ expression: InlineExpression) throws -> Explanation.Weighted {
        let explanation = try decomposition(expression)
        if let concept = explanation.concepts.first(where: { $0.name == name }) { return concept }
        if let rejected = explanation.rejected.first(where: { $0.name == name }) {
            throw FineXLError("`\(expression.written)`: `\(name)` was not kept (\(rejected.reason))")
        }
        let hint = NearestName.suggestion(for: name, among: explanation.concepts.map(\.name)).map { " (did you mean `\($0)`?)" } ?? ""
        throw FineXLError("`\(expression.written)`: no concept `\(name)` in the decomposition above\(hint); kept: "
                               + explanation.concepts.map(\.name).joined(separator: ", "))
    }

    private func single(_ members: [String], _ allowed: [String], _ expression: InlineExpression) throws -> String {
        guard members.count == 1, allowed.contains(members[0]) else { throw unknown(expression, members: allowed) }
        return members[0]
    }

    private func expectNoMembers(_ members: [String]) throws {
        guard members.isEmpty else {
            throw FineXLError("unexpected `.\(members.joined(separator: "."))`")
        }
    }

    /// The value exists but the state it needs has not been computed above this line.
    private func missing(_ expression: InlineExpression, _ provider: String) -> FineXLError {
        FineXLError("inline value `\(expression.written)` needs a `finexl \(provider)` block above it", kind: .missingInput)
    }

    private func unknown(_ expression: InlineExpression, members: [String]? = nil) -> FineXLError {
        if let members {
            return FineXLError("unknown inline value `\(expression.written)`; after `\(expression.head)` use "
                                    + members.map { ".\($0)" }.joined(separator: ", "))
        }
        let hint = NearestName.suggestion(for: expression.written, among: Self.knownValues).map { " (did you mean `\($0)`?)" } ?? ""
        return FineXLError("unknown inline value `\(expression.written)`\(hint); known values include "
                                + Self.knownValues.joined(separator: ", "))
    }
}
