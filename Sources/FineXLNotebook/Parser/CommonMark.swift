import CCmark
import Foundation

/// The one place that talks to cmark (libcmark): parses Markdown, walks the tree into
/// `MarkdownBlock` values and frees every node before returning. No cmark pointer leaves
/// this file.
enum CommonMark {
    /// Parses `markdown` (the notebook without its front matter) into top-level blocks.
    /// `lineOffset` is added to cmark's 1-based lines so they count from the notebook's first line.
    static func parse(_ markdown: String, lineOffset: Int = 0) -> [MarkdownBlock] {
        let bytes = Array(markdown.utf8)
        // CMARK_OPT_VALIDATE_UTF8 replaces invalid sequences instead of passing them to HTML.
        let parseOptions = CMARK_OPT_SOURCEPOS | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART
        // The corresponding C function is `cmark_parse_document`.
        guard let document = bytes.withUnsafeBufferPointer({ buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    cmark_parse_document($0, buffer.count, parseOptions)
                }
            } ?? cmark_parse_document("", 0, parseOptions)
        }) else { return [] }
        defer { cmark_node_free(document) }

        // Inline values are swapped for placeholders cmark passes through untouched (private-use
        // characters are not escaped); the nonce keeps text a user typed from matching one.
        let nonce = UUID().uuidString
        var blocks: [MarkdownBlock] = []
        var sourceLines: [Substring]?
        var child = cmark_node_first_child(document)
        while let node = child {
            child = cmark_node_next(node)
            let startLine = Int(cmark_node_get_start_line(node)) + lineOffset
            let endLine = max(Int(cmark_node_get_end_line(node)) + lineOffset, startLine)
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HEADING {
                let level = Int(cmark_node_get_heading_level(node))
                blocks.append(MarkdownBlock(kind: .heading(level: level, pieces: headingPieces(node, blockLine: startLine, lineOffset: lineOffset)),
                                            startLine: startLine, endLine: endLine, segments: []))
            } else if type == CMARK_NODE_CODE_BLOCK {
                let info = string(cmark_node_get_fence_info(node))
                let body = string(cmark_node_get_literal(node))
                blocks.append(MarkdownBlock(kind: .codeBlock(info: info, body: body), startLine: startLine, endLine: endLine,
                                            segments: [.html(renderHTML(node))]))
            } else if nestingDepth(node) > maximumNesting {
                blocks.append(MarkdownBlock(kind: .prose, startLine: startLine, endLine: endLine,
                                            segments: [.tooDeep(source: source(&sourceLines, markdown, lines: (startLine - lineOffset)...(endLine - lineOffset)),
                                                                 limit: maximumNesting)]))
            } else {
                let nested = nestedDirectiveLines(node, lineOffset: lineOffset)
                let segments = proseSegments(node, blockLine: startLine, lineOffset: lineOffset, nonce: nonce)
                blocks.append(MarkdownBlock(kind: .prose, startLine: startLine, endLine: endLine, segments: segments,
                                            nestedDirectiveLines: nested))
            }
        }
        return blocks
    }

    /// The expression of an inline code span that is a notebook value (`` `finexl top.name` ``), else nil.
    static func inlineExpression(_ code: String) -> String? {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("finexl ") || trimmed.hasPrefix("finexl\t") else { return nil }
        return String(trimmed.dropFirst("finexl".count)).trimmingCharacters(in: .whitespaces)
    }

    /// Deepest nesting of quotes, lists and inline emphasis rendered as HTML. Real prose stays
    /// under ten; without a bound, each `>` of a long line of them adds a level, and the page
    /// grows to 27 bytes per input byte and nests deeper than browsers handle.
    static let maximumNesting = 32

    // MARK: - Walking

    /// How many containers (quotes, lists, items, paragraphs, emphasis, links) are open at the
    /// deepest point under `root`. cmark reports leaves with an enter event only.
    private static func nestingDepth(_ root: OpaquePointer) -> Int {
        guard let iterator = cmark_iter_new(root) else { return 0 }
        defer { cmark_iter_free(iterator) }
        var depth = 0
        var deepest = 0
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE || event == CMARK_EVENT_NONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            if event == CMARK_EVENT_ENTER, isContainer(node) {
                depth += 1
                deepest = max(deepest, depth)
            } else if event == CMARK_EVENT_EXIT {
                depth -= 1
            }
        }
        return deepest
    }

    /// Nodes that get an exit event even when empty.
    private static func isContainer(_ node: OpaquePointer) -> Bool {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK, CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE,
             CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK, CMARK_NODE_THEMATIC_BREAK:
            return false
        default:
            return true
        }
    }

    /// The Markdown source of `lines` (a block nested deeper than `maximumNesting`, which the
    /// report shows as text).
    private static func source(_ sourceLines: inout [Substring]?, _ markdown: String, lines: ClosedRange<Int>) -> String {
        let source = sourceLines ?? markdown.split(separator: "\n", omittingEmptySubsequences: false)
        sourceLines = source
        let wanted = max(1, lines.lowerBound)...max(1, min(lines.upperBound, source.count))
        return source[(wanted.lowerBound - 1)..<wanted.upperBound].joined(separator: "\n")
    }

    private static func headingPieces(_ heading: OpaquePointer, blockLine: Int, lineOffset: Int) -> [MarkdownBlock.TextPiece] {
        var pieces: [MarkdownBlock.TextPiece] = []
        forEachDescendant(of: heading) { node in
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_TEXT {
                pieces.append(.text(string(cmark_node_get_literal(node))))
            } else if type == CMARK_NODE_CODE {
                let literal = string(cmark_node_get_literal(node))
                if let expression = inlineExpression(literal) {
                    pieces.append(.inlineValue(expression: expression, line: line(of: node, blockLine: blockLine, lineOffset: lineOffset)))
                } else {
                    pieces.append(.text(literal))
                }
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                pieces.append(.text(" "))
            }
        }
        return pieces
    }

    private static func nestedDirectiveLines(_ block: OpaquePointer, lineOffset: Int) -> [Int] {
        var lines: [Int] = []
        forEachDescendant(of: block) { node in
            guard cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK,
                  string(cmark_node_get_fence_info(node)).split(separator: " ").first == "finexl" else { return }
            lines.append(Int(cmark_node_get_start_line(node)) + lineOffset)
        }
        return lines
    }

    private static func proseSegments(_ block: OpaquePointer, blockLine: Int, lineOffset: Int, nonce: String) -> [MarkdownBlock.Segment] {
        var valueNodes: [(node: OpaquePointer, expression: String, line: Int)] = []
        forEachDescendant(of: block) { node in
            guard cmark_node_get_type(node) == CMARK_NODE_CODE,
                  let expression = inlineExpression(string(cmark_node_get_literal(node))) else { return }
            valueNodes.append((node, expression, line(of: node, blockLine: blockLine, lineOffset: lineOffset)))
        }
        // The tree is changed only after the walk, never under a live iterator.
        var placeholders: [String: (expression: String, line: Int)] = [:]
        for (index, value) in valueNodes.enumerated() {
            let placeholder = "\u{E000}\(nonce)-\(index)\u{E001}"
            guard let text = cmark_node_new(CMARK_NODE_TEXT) else { continue }
            cmark_node_set_literal(text, placeholder)
            if cmark_node_replace(value.node, text) == 1 {
                cmark_node_free(value.node)
                placeholders[placeholder] = (value.expression, value.line)
            } else {
                cmark_node_free(text)
            }
        }
        let html = renderHTML(block)
        guard !placeholders.isEmpty else { return [.html(html)] }
        return split(html, placeholders: placeholders)
    }

    /// Cuts rendered HTML at each placeholder.
    private static func split(_ html: String, placeholders: [String: (expression: String, line: Int)]) -> [MarkdownBlock.Segment] {
        var segments: [MarkdownBlock.Segment] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "\u{E000}"),
              let close = rest[open...].firstIndex(of: "\u{E001}") {
            let token = String(rest[open...close])
            if let value = placeholders[token] {
                if open > rest.startIndex { segments.append(.html(String(rest[..<open]))) }
                segments.append(.inlineValue(expression: value.expression, line: value.line))
            } else {
                segments.append(.html(String(rest[...close])))
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { segments.append(.html(String(rest))) }
        return segments
    }

    /// Visits every node under `root` (not `root` itself) in document order, on entry.
    /// The corresponding C functions are `cmark_iter_new`, `cmark_iter_next` and `cmark_iter_free`.
    private static func forEachDescendant(of root: OpaquePointer, _ body: (OpaquePointer) -> Void) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE || event == CMARK_EVENT_NONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator), node != root else { continue }
            body(node)
        }
    }

    /// HTML for one node and its children. Without CMARK_OPT_UNSAFE cmark drops raw HTML
    /// and `javascript:`/`vbscript:`/`file:` links, so a notebook cannot inject script.
    /// The corresponding C function is `cmark_render_html`.
    private static func renderHTML(_ node: OpaquePointer) -> String {
        guard let html = cmark_render_html(node, CMARK_OPT_SMART) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }

    /// Inline nodes carry a line when cmark records one; otherwise their block's line stands in.
    private static func line(of node: OpaquePointer, blockLine: Int, lineOffset: Int) -> Int {
        let line = Int(cmark_node_get_start_line(node))
        return line > 0 ? line + lineOffset : blockLine
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
