import FineXLCore

/// A directive's options after checking: the block's own values over the front matter's
/// defaults, each with the notebook line it came from.
struct DirectiveOptions: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var value: OptionValue
        var line: Int
        /// True when the value came from the front matter.
        var isDefault: Bool
    }

    private(set) var entries: [String: Entry] = [:]

    init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    /// Checks a directive body's mapping against the directive's options. Every problem is
    /// collected (unknown names with a suggestion and the valid list, wrong types).
    static func validate(_ body: YAMLValue, for kind: DirectiveKind, defaults: [String: Entry]) -> (DirectiveOptions, [NotebookProblem]) {
        var options = DirectiveOptions(entries: defaults.filter { kind.option(named: $0.key) != nil })
        guard let entries = body.entries else {
            return (options, [NotebookProblem(line: body.line,
                                              message: "the options of `\(kind.rawValue)` must be `name: value` lines, got \(body.shortDescription)")])
        }
        var problems: [NotebookProblem] = []
        for entry in entries {
            guard let spec = kind.option(named: entry.key) else {
                problems.append(unknownOption(entry.key, line: entry.value.line, for: kind))
                continue
            }
            do {
                options.entries[entry.key] = Entry(value: try spec.validate(entry.value, directive: kind.rawValue),
                                                   line: entry.value.line, isDefault: false)
            } catch {
                problems.append(error)
            }
        }
        return (options, problems)
    }

    static func unknownOption(_ name: String, line: Int, for kind: DirectiveKind) -> NotebookProblem {
        let names = kind.options.map(\.name)
        let hint = NearestName.suggestion(for: name, among: names).map { " (did you mean `\($0)`?)" } ?? ""
        let valid = names.isEmpty ? "it takes no options" : "valid options: " + names.joined(separator: ", ")
        return NotebookProblem(line: line, message: "unknown option `\(name)` for `\(kind.rawValue)`\(hint); \(valid)")
    }

    /// Options in a canonical order, for cache keys.
    var canonical: String {
        entries.keys.sorted().map { "\($0)=\(entries[$0]!.value.canonical)" }.joined(separator: ";")
    }

    func has(_ name: String) -> Bool { entries[name] != nil }

    func line(of name: String) -> Int? { entries[name]?.line }

    func text(_ name: String) -> String? {
        if case .text(let text)? = entries[name]?.value { return text }
        return nil
    }

    func integer(_ name: String) -> Int? {
        if case .integer(let value)? = entries[name]?.value { return value }
        return nil
    }

    func number(_ name: String) -> Double? {
        switch entries[name]?.value {
        case .number(let value)?: return value
        case .integer(let value)?: return Double(value)
        default: return nil
        }
    }

    func textList(_ name: String) -> [String]? {
        if case .textList(let names)? = entries[name]?.value { return names }
        return nil
    }

    func mapping(_ name: String) -> YAMLValue? {
        if case .mapping(let value)? = entries[name]?.value { return value }
        return nil
    }

    /// The decomposition knobs, defaults from `ExplainOptions` where not given.
    var explainOptions: ExplainOptions {
        var options = ExplainOptions()
        if let name = text("method"), let method = DecompositionMethod(rawValue: name) { options.method = method }
        if let value = number("eOrtho") { options.eOrtho = value }
        if let value = number("eDecomp") { options.eDecomp = value }
        if let value = integer("bootstrap") { options.bootstrapResamples = value }
        if let value = integer("seed") { options.seed = UInt64(value) }
        return options
    }
}
