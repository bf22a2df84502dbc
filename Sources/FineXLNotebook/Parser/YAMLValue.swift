import Foundation
import Yams

/// A YAML value as the notebook wrote it, with the notebook line of every node, so an
/// option's problem can point at the line that holds it.
package struct YAMLValue: Sendable, Equatable {
    enum ScalarKind: String, Sendable, Equatable {
        case string, integer, number, boolean, null
    }

    struct Entry: Sendable, Equatable {
        var key: String
        var value: YAMLValue
    }

    enum Content: Sendable, Equatable {
        case scalar(String, ScalarKind)
        case sequence([YAMLValue])
        case mapping([Entry])
    }

    var content: Content
    /// 1-based notebook line.
    var line: Int

    /// The scalar's text, or nil for sequences and mappings.
    var scalarText: String? {
        if case .scalar(let text, let kind) = content, kind != .null { return text }
        return nil
    }

    var entries: [Entry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    var items: [YAMLValue]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    var number: Double? {
        guard case .scalar(let text, let kind) = content, kind == .integer || kind == .number else { return nil }
        return Double(text.replacingOccurrences(of: "_", with: "")) ?? Node(text).float
    }

    var integer: Int? {
        guard case .scalar(let text, let kind) = content, kind == .integer else { return nil }
        return Node(text).int
    }

    var boolean: Bool? {
        guard case .scalar(let text, let kind) = content, kind == .boolean else { return nil }
        return Node(text).bool
    }

    /// How a reader would write the value back, for messages ("got `abc`").
    var shortDescription: String {
        switch content {
        case .scalar(let text, let kind): return kind == .null ? "nothing" : text
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// A canonical text form (mapping keys sorted, scalars typed) used in cache keys, so that
    /// reordering or re-spacing options does not change a key while any value change does.
    package var canonical: String {
        switch content {
        case .scalar(let text, let kind):
            return "\(kind.rawValue):\(text.debugDescription)"
        case .sequence(let items):
            return "[" + items.map(\.canonical).joined(separator: ",") + "]"
        case .mapping(let entries):
            return "{" + entries.sorted { $0.key < $1.key }
                .map { "\($0.key.debugDescription)=\($0.value.canonical)" }.joined(separator: ",") + "}"
        }
    }

    /// Parses YAML text whose first line is notebook line `firstLine`. An empty document is an empty mapping.
    /// Throws `NotebookProblem` with the notebook line of the fault.
    package static func parse(_ yaml: String, firstLine: Int) throws(NotebookProblem) -> YAMLValue {
        // Refused before Yams sees them: composing expands aliases, which a few hundred bytes can make gigabytes.
        if let finding = YAMLAnchorScan.firstAnchorOrAlias(in: yaml) {
            throw NotebookProblem(line: firstLine + finding.line, message: "YAML \(finding.isAlias ? "alias" : "anchor") "
                + "`\(finding.token)` is not supported in notebooks; write the value out in full, or put text that "
                + "starts with `&` or `*` in quotes")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw problem(for: error, firstLine: firstLine)
        } catch {
            throw NotebookProblem(line: firstLine, message: "invalid YAML: \(error)")
        }
        guard let node else { return YAMLValue(content: .mapping([]), line: firstLine) }
        return try convert(node, firstLine: firstLine, fallbackLine: firstLine)
    }

    private static func convert(_ node: Node, firstLine: Int, fallbackLine: Int) throws(NotebookProblem) -> YAMLValue {
        let line = node.mark.map { $0.line + firstLine - 1 } ?? fallbackLine
        switch node {
        case .scalar(let scalar):
            return YAMLValue(content: .scalar(scalar.string, kind(of: node, scalar: scalar)), line: line)
        case .sequence(let sequence):
            var items: [YAMLValue] = []
            for item in sequence { items.append(try convert(item, firstLine: firstLine, fallbackLine: line)) }
            return YAMLValue(content: .sequence(items), line: line)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                let keyLine = key.mark.map { $0.line + firstLine - 1 } ?? line
                guard let name = key.scalar?.string else {
                    throw NotebookProblem(line: keyLine, message: "a mapping key must be a plain name")
                }
                if entries.contains(where: { $0.key == name }) {
                    throw NotebookProblem(line: keyLine, message: "`\(name)` is given twice")
                }
                var converted = try convert(value, firstLine: firstLine, fallbackLine: keyLine)
                // A key's value belongs to the key's line when it starts there; nested blocks keep their own.
                if case .scalar = converted.content { converted.line = keyLine }
                entries.append(Entry(key: name, value: converted))
            }
            return YAMLValue(content: .mapping(entries), line: line)
        case .alias:
            throw NotebookProblem(line: line, message: "YAML aliases are not supported in notebook options")
        }
    }

    private static func kind(of node: Node, scalar: Node.Scalar) -> ScalarKind {
        // Quoted scalars are always text, whatever they look like.
        if scalar.style == .singleQuoted || scalar.style == .doubleQuoted { return .string }
        if node.null != nil { return .null }
        if node.bool != nil { return .boolean }
        if node.int != nil { return .integer }
        if node.float != nil { return .number }
        return .string
    }

    private static func problem(for error: YamlError, firstLine: Int) -> NotebookProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text), " } ?? ""
            return NotebookProblem(line: mark.line + firstLine - 1, message: "invalid YAML: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return NotebookProblem(line: context.mark.line + firstLine - 1,
                                   message: "invalid YAML: \(duplicates.joined(separator: ", ")) given twice")
        case .reader(let problem, _, _, _):
            return NotebookProblem(line: firstLine, message: "invalid YAML: \(problem)")
        default:
            return NotebookProblem(line: firstLine, message: "invalid YAML: \(error)")
        }
    }
}
