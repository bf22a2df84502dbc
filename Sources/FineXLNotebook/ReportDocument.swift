import Foundation

/// A rendered notebook before it becomes HTML: what the notebook engine produces and
/// the report writer turns into `NAME.html` plus figure files. Every `String` here is
/// plain text unless its name says `html`; the writer escapes plain text.
package struct ReportDocument: Sendable {
    package var title: String
    package var author: String?
    package var blocks: [ReportBlock]
    /// Key/value lines of the provenance footer (encoder and checksum, method and thresholds, seeds, versions, date).
    package var provenance: [(key: String, value: String)]
    /// Time each directive took, in notebook order.
    package var timings: [(directive: String, line: Int, seconds: Double, cached: Bool)]

    package init(title: String, author: String? = nil, blocks: [ReportBlock] = [],
                provenance: [(key: String, value: String)] = [],
                timings: [(directive: String, line: Int, seconds: Double, cached: Bool)] = []) {
        self.title = title
        self.author = author
        self.blocks = blocks
        self.provenance = provenance
        self.timings = timings
    }
}

/// One block of the report, in notebook order.
package enum ReportBlock: Sendable {
    /// HTML produced by cmark from the notebook's prose (raw HTML in the notebook is already suppressed).
    case prose(html: String)
    /// The notebook's prose as cmark rendered it, with computed inline values in place.
    case markdown([ReportInline])
    /// A paragraph the program wrote (a directive's sentence about its results).
    case paragraph([ReportInline])
    /// A heading, kept apart so the writer can number it and build the table of contents. `anchor`
    /// asks for an id; empty lets the report make one from the text (the usual case).
    case heading(level: Int, text: String, anchor: String)
    case table(ReportTable)
    case figure(ReportFigure)
    case note(ReportNote)
    /// Preformatted plain text (equations written as text, numbers behind a figure).
    case code(String)
}

extension ReportBlock {
    /// A generated sentence as a paragraph.
    static func sentence(_ text: String) -> ReportBlock { .paragraph([.text(text)]) }

    /// A generated paragraph that starts with a bold label.
    static func labelled(_ label: String, _ text: String) -> ReportBlock { .paragraph([.strong(label), .text(" " + text)]) }
}

/// A piece of a paragraph. Only `markup` is HTML (cmark's, from the notebook); the report
/// escapes everything else.
package enum ReportInline: Sendable {
    case markup(String)
    case text(String)
    /// A label set in bold ("Before the filter.").
    case strong(String)
    /// A computed inline value (`finexl top.name`).
    case value(String)
    /// An inline value that could not be computed: shown as the expression, with the reason.
    case inlineError(expression: String, message: String)
    /// Markdown shown as its source text rather than rendered, with the reason.
    case sourceText(String, reason: String)
}

package struct ReportTable: Sendable {
    package var caption: String?
    package var headers: [String]
    package var rows: [[String]]
    /// Indices of columns holding numbers (right-aligned).
    package var numericColumns: Set<Int>

    package init(caption: String? = nil, headers: [String], rows: [[String]], numericColumns: Set<Int> = []) {
        self.caption = caption
        self.headers = headers
        self.rows = rows
        self.numericColumns = numericColumns
    }
}

package struct ReportFigure: Sendable {
    /// PNG bytes, drawn at 2× for sharp display.
    package var png: [UInt8]
    /// Size in CSS pixels (half the PNG's pixel size for 2× figures).
    package var displayWidth: Int
    package var displayHeight: Int
    package var caption: String
    package var altText: String
    /// What the figure shows, as a file name stem ("weights"); the report numbers figures.
    package var fileStem: String

    package init(png: [UInt8], displayWidth: Int, displayHeight: Int, caption: String, altText: String, fileStem: String) {
        self.png = png
        self.displayWidth = displayWidth
        self.displayHeight = displayHeight
        self.caption = caption
        self.altText = altText
        self.fileStem = fileStem
    }
}

package struct ReportNote: Sendable {
    package enum Level: String, Sendable { case info, warning, error }
    package var level: Level
    package var message: String
    /// The notebook line the note refers to, and that line's text, quoted in error boxes.
    package var line: Int?
    package var quote: String?

    package init(level: Level, message: String, line: Int? = nil, quote: String? = nil) {
        self.level = level
        self.message = message
        self.line = line
        self.quote = quote
    }
}

// The notebook engine caches each directive's output blocks on disk, so blocks are Codable;
// PNG bytes are kept as `Data` so JSON stores them as base64 rather than a list of numbers.
extension ReportBlock: Codable, Equatable {}
extension ReportInline: Codable, Equatable {}
extension ReportTable: Codable, Equatable {}
extension ReportNote: Codable, Equatable {}
extension ReportNote.Level: Codable {}

extension ReportFigure: Codable, Equatable {
    private enum CodingKeys: String, CodingKey {
        case png, displayWidth, displayHeight, caption, altText, fileStem
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        png = [UInt8](try container.decode(Data.self, forKey: .png))
        displayWidth = try container.decode(Int.self, forKey: .displayWidth)
        displayHeight = try container.decode(Int.self, forKey: .displayHeight)
        caption = try container.decode(String.self, forKey: .caption)
        altText = try container.decode(String.self, forKey: .altText)
        fileStem = try container.decode(String.self, forKey: .fileStem)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Data(png), forKey: .png)
        try container.encode(displayWidth, forKey: .displayWidth)
        try container.encode(displayHeight, forKey: .displayHeight)
        try container.encode(caption, forKey: .caption)
        try container.encode(altText, forKey: .altText)
        try container.encode(fileStem, forKey: .fileStem)
    }
}
