/// The notebook's optional YAML header between `---` lines.
///
/// Besides `title`, `author`, `encoder` (descriptor | clip | npy) and `model` (a folder,
/// relative to the notebook), any key is a default for directive options:
/// - a top-level option name (`eOrtho: 0.1`) applies to every directive that has that option;
/// - a directive name with a mapping (`decompose: {method: paper}`) applies to that directive only
///   and wins over a top-level default.
/// A directive's own options win over both.
struct FrontMatter: Sendable, Equatable {
    enum Encoder: String, Sendable, CaseIterable {
        case descriptor, clip, npy
    }

    var title: String?
    var author: String?
    var encoder: Encoder = .descriptor
    var model: String?
    /// Line of `model:` (or of the front matter's start), for messages about the folder.
    var modelLine: Int?
    var globalDefaults: [String: DirectiveOptions.Entry] = [:]
    var directiveDefaults: [DirectiveKind: [String: DirectiveOptions.Entry]] = [:]
    /// Number of lines the front matter takes, fences included (0 without front matter).
    var lineCount = 0

    static let reservedKeys = ["title", "author", "encoder", "model"]

    /// The defaults that apply to one directive.
    func defaults(for kind: DirectiveKind) -> [String: DirectiveOptions.Entry] {
        globalDefaults.filter { kind.option(named: $0.key) != nil }
            .merging(directiveDefaults[kind] ?? [:]) { _, specific in specific }
    }

    /// Splits the front matter off `lines` and reads it. Problems are collected, never thrown.
    static func read(_ lines: [String]) -> (FrontMatter, [NotebookProblem]) {
        var frontMatter = FrontMatter()
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else { return (frontMatter, []) }
        guard let closing = lines.indices.dropFirst().first(where: {
            let line = lines[$0].trimmingCharacters(in: .whitespaces)
            return line == "---" || line == "..."
        }) else {
            return (frontMatter, [NotebookProblem(line: 1, message: "the front matter opened on line 1 is never closed by a `---` line")])
        }
        frontMatter.lineCount = closing + 1
        let yaml = lines[1..<closing].joined(separator: "\n")
        let value: YAMLValue
        do {
            value = try YAMLValue.parse(yaml, firstLine: 2)
        } catch {
            return (frontMatter, [error])
        }
        guard let entries = value.entries else {
            return (frontMatter, [NotebookProblem(line: 2, message: "the front matter must be `key: value` lines")])
        }
        var problems: [NotebookProblem] = []
        for entry in entries {
            let line = entry.value.line
            switch entry.key {
            case "title":
                frontMatter.title = entry.value.scalarText
            case "author":
                frontMatter.author = entry.value.scalarText
            case "encoder":
                if let name = entry.value.scalarText, let encoder = Encoder(rawValue: name) {
                    frontMatter.encoder = encoder
                } else {
                    problems.append(NotebookProblem(line: line, message: "`encoder` must be one of "
                        + Encoder.allCases.map(\.rawValue).joined(separator: ", ") + ", got `\(entry.value.shortDescription)`"))
                }
            case "model":
                if let folder = entry.value.scalarText {
                    frontMatter.model = folder
                    frontMatter.modelLine = line
                } else {
                    problems.append(NotebookProblem(line: line, message: "`model` must be a folder path"))
                }
            default:
                if let kind = DirectiveKind(rawValue: entry.key) {
                    guard let nested = entry.value.entries else {
                        problems.append(NotebookProblem(line: line, message: "defaults for `\(kind.rawValue)` must be a mapping of its options"))
                        continue
                    }
                    var defaults: [String: DirectiveOptions.Entry] = [:]
                    for option in nested {
                        guard let spec = kind.option(named: option.key) else {
                            problems.append(DirectiveOptions.unknownOption(option.key, line: option.value.line, for: kind))
                            continue
                        }
                        do {
                            defaults[option.key] = DirectiveOptions.Entry(value: try spec.validate(option.value, directive: kind.rawValue),
                                                                          line: option.value.line, isDefault: true)
                        } catch {
                            problems.append(error)
                        }
                    }
                    frontMatter.directiveDefaults[kind] = defaults
                } else if let spec = DirectiveKind.anyOption(named: entry.key) {
                    do {
                        frontMatter.globalDefaults[entry.key] = DirectiveOptions.Entry(
                            value: try spec.validate(entry.value, directive: "front matter"), line: line, isDefault: true)
                    } catch {
                        problems.append(error)
                    }
                } else {
                    let known = reservedKeys + DirectiveKind.allCases.map(\.rawValue) + DirectiveKind.allOptionNames
                    let hint = NearestName.suggestion(for: entry.key, among: known).map { " (did you mean `\($0)`?)" } ?? ""
                    problems.append(NotebookProblem(line: line, message: "unknown front matter key `\(entry.key)`\(hint); "
                        + "use title, author, encoder, model, a directive option name, or a directive name with its options"))
                }
            }
        }
        return (frontMatter, problems)
    }
}
