/// A parsed notebook: front matter, then cells in order. Problems found while parsing are
/// kept with their lines; a directive with problems is shown as an error and not run.
package struct Notebook: Sendable {
    package enum Cell: Sendable {
        case markdown(MarkdownBlock)
        case directive(Directive)
    }

    /// A fenced `finexl NAME` block.
    package struct Directive: Sendable {
        /// The name as written after `finexl` (may be unknown or empty).
        var name: String
        var kind: DirectiveKind?
        /// Line of the opening fence.
        package var line: Int
        var body: String
        var options: DirectiveOptions
        var problems: [NotebookProblem]

        /// How a report names it ("decompose, line 12").
        var label: String { "\(name.isEmpty ? "finexl" : name), line \(line)" }
    }

    var frontMatter: FrontMatter
    /// Problems of the front matter itself (they fail the render but block nothing else).
    var frontMatterProblems: [NotebookProblem]
    package var cells: [Cell]
    /// The notebook's lines, for quoting the line a problem names.
    package var lines: [String]

    /// The largest notebook FineXL reads, in bytes of UTF-8. Real notebooks are a few kilobytes;
    /// 2 MB leaves room for long prose while keeping the worst Markdown (cmark builds a node of
    /// about 200 bytes per `[` or `>`) well under 1 GB and a render to a few seconds.
    static let maximumBytes = 2 * 1024 * 1024

    /// Longest quote of a notebook line in a report note: a note names its line, the quote only
    /// reminds the reader which one it is, and a long line quoted by every failure on it would
    /// make the report grow with the square of the line.
    package static let maximumQuoteLength = 120

    /// The text of a 1-based line, trimmed and cut to `maximumQuoteLength` characters (around
    /// `around` when given and found, else from the start), or nil when out of range or blank.
    package func quote(line: Int) -> String? { quote(line: line, around: nil) }

    func quote(line: Int, around: String?) -> String? {
        guard line >= 1, line <= lines.count else { return nil }
        let text = lines[line - 1].trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        return Self.excerpt(text, around: around, limit: Self.maximumQuoteLength)
    }

    /// At most `limit` characters of `text`, with `…` where it was cut.
    static func excerpt(_ text: String, around: String?, limit: Int) -> String {
        guard text.count > limit else { return text }
        var start = text.startIndex
        if let around, !around.isEmpty, let found = text.range(of: around) {
            let before = max(0, (limit - 2 - around.count) / 2)
            start = text.index(found.lowerBound, offsetBy: -before, limitedBy: text.startIndex) ?? text.startIndex
        }
        let body = limit - 2
        let end = text.index(start, offsetBy: body, limitedBy: text.endIndex) ?? text.endIndex
        return (start > text.startIndex ? "…" : "") + String(text[start..<end]) + (end < text.endIndex ? "…" : "")
    }

    var directives: [Directive] {
        cells.compactMap { if case .directive(let directive) = $0 { return directive } else { return nil } }
    }

    /// Parses notebook text. Never throws: every problem becomes a value with its line.
    /// Text over `maximumBytes` is not parsed at all: it becomes a notebook with that one problem.
    package static func parse(_ text: String) -> Notebook {
        guard text.utf8.count <= maximumBytes else {
            return Notebook(frontMatter: FrontMatter(), frontMatterProblems: [NotebookProblem(
                line: 1, message: "the notebook is \(text.utf8.count) bytes; notebooks may be at most \(maximumBytes) bytes (2 MB)")],
                cells: [], lines: [])
        }
        var normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        // A byte-order mark would hide the front matter's opening `---`.
        if normalized.hasPrefix("\u{FEFF}") { normalized.removeFirst() }
        let lines = normalized.components(separatedBy: "\n")
        let (frontMatter, frontMatterProblems) = FrontMatter.read(lines)
        let markdown = lines.dropFirst(frontMatter.lineCount).joined(separator: "\n")
        let blocks = CommonMark.parse(markdown, lineOffset: frontMatter.lineCount)
        let cells = blocks.map { block -> Cell in
            if case .codeBlock(let info, let body) = block.kind, let words = directiveWords(info) {
                return .directive(directive(words: words, body: body, line: block.startLine, frontMatter: frontMatter))
            }
            return .markdown(block)
        }
        return Notebook(frontMatter: frontMatter, frontMatterProblems: frontMatterProblems, cells: cells, lines: lines)
    }

    /// The words after `finexl` when the info string starts with it, else nil.
    static func directiveWords(_ info: String) -> [String]? {
        let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard words.first == "finexl" else { return nil }
        return Array(words.dropFirst())
    }

    private static func directive(words: [String], body: String, line: Int, frontMatter: FrontMatter) -> Directive {
        let names = DirectiveKind.allCases.map(\.rawValue)
        guard let name = words.first else {
            return Directive(name: "", kind: nil, line: line, body: body, options: DirectiveOptions(), problems: [
                NotebookProblem(line: line, message: "a `finexl` block needs a directive name after `finexl`: "
                                + names.joined(separator: ", ")),
            ])
        }
        guard let kind = DirectiveKind(rawValue: name) else {
            let hint = NearestName.suggestion(for: name, among: names).map { " (did you mean `\($0)`?)" } ?? ""
            return Directive(name: name, kind: nil, line: line, body: body, options: DirectiveOptions(), problems: [
                NotebookProblem(line: line, message: "unknown directive `\(name)`\(hint); directives: " + names.joined(separator: ", ")),
            ])
        }
        var problems: [NotebookProblem] = []
        if words.count > 1 {
            problems.append(NotebookProblem(line: line, message: "unexpected `\(words.dropFirst().joined(separator: " "))` after "
                                            + "`finexl \(name)`; options go in the block, one `name: value` per line"))
        }
        let yaml: YAMLValue
        do {
            yaml = try YAMLValue.parse(body, firstLine: line + 1)
        } catch {
            return Directive(name: name, kind: kind, line: line, body: body, options: DirectiveOptions(),
                             problems: problems + [error])
        }
        let (options, optionProblems) = DirectiveOptions.validate(yaml, for: kind, defaults: frontMatter.defaults(for: kind))
        return Directive(name: name, kind: kind, line: line, body: body, options: options, problems: problems + optionProblems)
    }
}
