/// One top-level block of a notebook's Markdown, as cmark parsed it. Plain Swift values:
/// nothing here refers to cmark's memory.
package struct MarkdownBlock: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A heading as plain text (emphasis and links flattened), split around inline values.
        case heading(level: Int, pieces: [TextPiece])
        /// A code block; `info` is the fence's info string (empty for indented blocks).
        case codeBlock(info: String, body: String)
        /// Any other block (paragraph, list, quote, rule, table-less HTML …), already rendered.
        case prose
    }

    /// A piece of a block's HTML: cmark's output, or an inline `finexl …` expression
    /// that the engine replaces by its value.
    package enum Segment: Sendable, Equatable {
        case html(String)
        case inlineValue(expression: String, line: Int)
        /// A block nested deeper than `limit` levels: its Markdown source, to be shown as text.
        case tooDeep(source: String, limit: Int)
    }

    /// A piece of a heading's plain text.
    enum TextPiece: Sendable, Equatable {
        case text(String)
        case inlineValue(expression: String, line: Int)
    }

    var kind: Kind
    /// 1-based lines in the notebook file (front matter included).
    var startLine: Int
    var endLine: Int
    /// The block rendered to HTML by cmark without unsafe content, split around inline values.
    package var segments: [Segment]
    /// Lines of `finexl` blocks nested in a list or quote, which are not run (only top-level blocks are directives).
    var nestedDirectiveLines: [Int] = []
}
