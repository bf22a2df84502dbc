import Foundation

/// A rendered notebook before it becomes HTML: what the notebook engine produces and
/// the report writer turns into `NAME.html` plus figure files. Every `String` here is
/// plain text unless its name says `html`; the writer escapes plain text.
public struct ReportDocument: Sendable {
    public var title: String
    public var author: String?
    public var blocks: [ReportBlock]
    /// Key/value lines of the provenance footer (encoder and checksum, method and thresholds, seeds, versions, date).
    public var provenance: [(key: String, value: String)]
    /// Time each directive took, in notebook order.
    public var timings: [(directive: String, line: Int, seconds: Double, cached: Bool)]

    public init(title: String, author: String? = nil, blocks: [ReportBlock] = [],
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
public enum ReportBlock: Sendable {
    /// HTML produced by cmark from the notebook's prose (raw HTML in the notebook is already suppressed).
    case prose(html: String)
    /// A heading, kept apart so the writer can number it and build the table of contents.
    case heading(level: Int, text: String, anchor: String)
    case table(ReportTable)
    case figure(ReportFigure)
    case note(ReportNote)
    /// Preformatted plain text (equations written as text, numbers behind a figure).
    case code(String)
}

public struct ReportTable: Sendable {
    public var caption: String?
    public var headers: [String]
    public var rows: [[String]]
    /// Indices of columns holding numbers (right-aligned).
    public var numericColumns: Set<Int>

    public init(caption: String? = nil, headers: [String], rows: [[String]], numericColumns: Set<Int> = []) {
        self.caption = caption
        self.headers = headers
        self.rows = rows
        self.numericColumns = numericColumns
    }
}

public struct ReportFigure: Sendable {
    /// PNG bytes, drawn at 2× for sharp display.
    public var png: [UInt8]
    /// Size in CSS pixels (half the PNG's pixel size for 2× figures).
    public var displayWidth: Int
    public var displayHeight: Int
    public var caption: String
    public var altText: String
    /// File name stem, unique within the report (e.g. "fig-3-weights").
    public var fileStem: String

    public init(png: [UInt8], displayWidth: Int, displayHeight: Int, caption: String, altText: String, fileStem: String) {
        self.png = png
        self.displayWidth = displayWidth
        self.displayHeight = displayHeight
        self.caption = caption
        self.altText = altText
        self.fileStem = fileStem
    }
}

public struct ReportNote: Sendable {
    public enum Level: String, Sendable { case info, warning, error }
    public var level: Level
    public var message: String
    /// The notebook line the note refers to, and that line's text, quoted in error boxes.
    public var line: Int?
    public var quote: String?

    public init(level: Level, message: String, line: Int? = nil, quote: String? = nil) {
        self.level = level
        self.message = message
        self.line = line
        self.quote = quote
    }
}

// The notebook engine caches each directive's output blocks on disk, so blocks are Codable;
// PNG bytes are kept as `Data` so JSON stores them as base64 rather than a list of numbers.
extension ReportBlock: Codable, Equatable {}
extension ReportTable: Codable, Equatable {}
extension ReportNote: Codable, Equatable {}
extension ReportNote.Level: Codable {}

extension ReportFigure: Codable, Equatable {
    private enum CodingKeys: String, CodingKey {
        case png, displayWidth, displayHeight, caption, altText, fileStem
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        png = [UInt8](try container.decode(Data.self, forKey: .png))
        displayWidth = try container.decode(Int.self, forKey: .displayWidth)
        displayHeight = try container.decode(Int.self, forKey: .displayHeight)
        caption = try container.decode(String.self, forKey: .caption)
        altText = try container.decode(String.self, forKey: .altText)
        fileStem = try container.decode(String.self, forKey: .fileStem)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Data(png), forKey: .png)
        try container.encode(displayWidth, forKey: .displayWidth)
        try container.encode(displayHeight, forKey: .displayHeight)
        try container.encode(caption, forKey: .caption)
        try container.encode(altText, forKey: .altText)
        try container.encode(fileStem, forKey: .fileStem)
    }
}
