import FineXLSupport
import Foundation
import FineXLCore

/// What a report template sees: the document flattened into plain values that a
/// logic-less template can walk. Strings here are plain text (the template escapes them
/// with `{{ }}`) except `ProseView.html` and `ReportView.css`, which are trusted markup.
///
/// Optional values that the template tests are never left `nil`: swift-mustache looks a
/// missing key up the context stack, so a `nil` caption inside a table would pick up
/// a `caption` from an enclosing object. Each such value has a `has…` flag instead.
struct ReportView {
    var title: String
    var author: String
    var hasAuthor: Bool
    var css: String
    var hasContents: Bool
    var contents: [ContentsEntry]
    var blocks: [BlockView]
    var figureCount: Int
    var hasFooter: Bool
    var hasProvenance: Bool
    var provenance: [ProvenanceEntry]
    var hasTimings: Bool
    var timings: [TimingEntry]
    var totalTime: String
    var selfContained: Bool
}

struct ContentsEntry {
    var level: Int
    var text: String
    var anchor: String
}

/// One block; exactly one of the optional members is set, and the template opens the
/// matching section (`{{#figure}}…{{/figure}}`).
struct BlockView {
    var prose: ProseView?
    var heading: HeadingView?
    var table: TableView?
    var figure: FigureView?
    var note: NoteView?
    var code: CodeView?
}

struct ProseView {
    var html: String
}

struct HeadingView {
    var level: Int
    var text: String
    var anchor: String
}

struct TableView {
    var tableID: String
    var hasCaption: Bool
    var tableNumber: Int
    var caption: String
    var hasHeaders: Bool
    var headers: [CellView]
    var rows: [RowView]
}

struct RowView {
    var cells: [CellView]
}

struct CellView {
    var text: String
    var numeric: Bool
}

struct FigureView {
    var figureID: String
    var number: Int
    var src: String
    var width: Int
    var height: Int
    var alt: String
    var caption: String
    /// File name under `NAME_files/` in folder mode; empty when self-contained.
    var fileName: String
}

struct NoteView {
    var level: String
    var label: String
    /// Plain text, for templates that show the message as it is.
    var message: String
    /// Trusted markup: the message escaped, its `code spans` as `<code>` (`ReportView.noteMarkup`).
    var messageHTML: String
    var hasSource: Bool
    var sourceLine: String
    var hasQuote: Bool
    var quote: String
}

struct CodeView {
    var text: String
}

struct ProvenanceEntry {
    var key: String
    var value: String
}

struct TimingEntry {
    var directive: String
    var line: Int
    var seconds: String
    var cached: Bool
}

/// A figure file the folder mode writes under `NAME_files/`.
struct PlacedFigure {
    var fileName: String
    var png: [UInt8]
}

extension ReportView {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Ids the page itself uses; a heading that slugs to one of them gets a suffix.
    static let reservedIDs: Set<String> = ["contents", "report", "provenance", "timings", "top"]

    /// Builds the view and the list of figure files the folder mode writes.
    /// - Parameter figureDirectoryURL: the relative URL of `NAME_files/`, already percent-encoded;
    ///   `nil` embeds every figure as a data URI.
    static func make(from document: ReportDocument, name: String, css: String,
                     figureDirectoryURL: String?) throws -> (view: ReportView, figures: [PlacedFigure]) {
        var usedIDs = reservedIDs
        var nextSuffix: [String: Int] = [:]
        var figureNumber = 0
        var tableNumber = 0
        var figures: [PlacedFigure] = []

        // Writer-made ids are fixed first so a heading can never take one.
        for block in document.blocks {
            if case .figure = block { figureNumber += 1; usedIDs.insert("figure-\(figureNumber)") }
            if case .table(let table) = block, table.caption != nil {
                tableNumber += 1
                usedIDs.insert("table-\(tableNumber)")
            }
        }
        figureNumber = 0
        tableNumber = 0

        var blocks: [BlockView] = []
        var contents: [ContentsEntry] = []
        for block in document.blocks {
            var view = BlockView()
            switch block {
            case .prose(let html):
                view.prose = ProseView(html: html)
            case .markdown(let pieces):
                view.prose = ProseView(html: html(of: pieces))
            case .paragraph(let pieces):
                view.prose = ProseView(html: "<p>" + html(of: pieces) + "</p>\n")
            case .heading(let level, let text, let anchor):
                let id = uniqueID(for: anchor, text: text, used: &usedIDs, nextSuffix: &nextSuffix, fallback: "section")
                let clamped = min(max(level, 1), 6)
                view.heading = HeadingView(level: clamped, text: text, anchor: id)
                if clamped <= 3 {
                    contents.append(ContentsEntry(level: clamped, text: text, anchor: id))
                }
            case .table(let table):
                var number = 0
                if table.caption != nil {
                    tableNumber += 1
                    number = tableNumber
                }
                view.table = tableView(table, number: number)
            case .figure(let figure):
                figureNumber += 1
                guard figure.png.starts(with: pngSignature) else {
                    throw FineXLError("report figure \(figureNumber) ('\(figure.fileStem)') is not PNG data")
                }
                let fileName = figureFileName(number: figureNumber, stem: figure.fileStem)
                let src: String
                if let figureDirectoryURL {
                    src = figureDirectoryURL + "/" + fileName
                    figures.append(PlacedFigure(fileName: fileName, png: figure.png))
                } else {
                    src = "data:image/png;base64," + Data(figure.png).base64EncodedString()
                }
                view.figure = FigureView(
                    figureID: "figure-\(figureNumber)", number: figureNumber, src: src,
                    width: max(figure.displayWidth, 1), height: max(figure.displayHeight, 1),
                    alt: figure.altText.isEmpty ? figure.caption : figure.altText,
                    caption: figure.caption, fileName: figureDirectoryURL == nil ? "" : fileName)
            case .note(let note):
                view.note = noteView(note)
            case .code(let text):
                view.code = CodeView(text: text)
            }
            blocks.append(view)
        }

        let timings = document.timings.map {
            TimingEntry(directive: $0.directive, line: $0.line, seconds: formatSeconds($0.seconds), cached: $0.cached)
        }
        let total = document.timings.reduce(0) { $0 + $1.seconds }
        let title = document.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? name : document.title
        let author = document.author ?? ""
        let view = ReportView(
            title: title, author: author, hasAuthor: !author.isEmpty, css: css,
            hasContents: contents.count >= 2, contents: contents, blocks: blocks,
            figureCount: figureNumber,
            hasFooter: !document.provenance.isEmpty || !timings.isEmpty,
            hasProvenance: !document.provenance.isEmpty,
            provenance: document.provenance.map { ProvenanceEntry(key: $0.key, value: $0.value) },
            hasTimings: !timings.isEmpty, timings: timings, totalTime: formatSeconds(total),
            selfContained: figureDirectoryURL == nil)
        return (view, figures)
    }

    private static func tableView(_ table: ReportTable, number: Int) -> TableView {
        let width = max(table.headers.count, table.rows.map(\.count).max() ?? 0)
        func cells(_ texts: [String]) -> [CellView] {
            // Short rows are padded so every row has the header's columns.
            (0..<width).map { column in
                CellView(text: column < texts.count ? texts[column] : "",
                         numeric: table.numericColumns.contains(column))
            }
        }
        return TableView(
            tableID: number > 0 ? "table-\(number)" : "",
            hasCaption: table.caption != nil, tableNumber: number, caption: table.caption ?? "",
            hasHeaders: !table.headers.isEmpty,
            headers: table.headers.isEmpty ? [] : cells(table.headers),
            rows: table.rows.map { RowView(cells: cells($0)) })
    }

    private static func noteView(_ note: ReportNote) -> NoteView {
        let label: String
        switch note.level {
        case .info: label = "Note"
        case .warning: label = "Warning"
        case .error: label = "Error"
        }
        let sourceLine = note.line.map { "line \($0)" } ?? ""
        let quote = note.quote ?? ""
        return NoteView(level: note.level.rawValue, label: label, message: note.message, messageHTML: noteMarkup(note.message),
                        hasSource: note.line != nil || !quote.isEmpty, sourceLine: sourceLine,
                        hasQuote: !quote.isEmpty, quote: quote)
    }

    /// An id safe in both `id="…"` and `href="#…"`: a slug of the requested anchor, else of the
    /// heading, else `fallback`; unique within the page (then `-2`, `-3`…). `nextSuffix` remembers
    /// where each base's numbering got to, so many equal headings cost linear time, not quadratic.
    static func uniqueID(for anchor: String, text: String, used: inout Set<String>,
                         nextSuffix: inout [String: Int], fallback: String) -> String {
        var base = slug(anchor)
        if base.isEmpty { base = slug(text) }
        if base.isEmpty { base = fallback }
        var candidate = base
        var suffix = nextSuffix[base] ?? 2
        while used.contains(candidate) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        nextSuffix[base] = suffix
        used.insert(candidate)
        return candidate
    }

    /// Lowercased letters and digits (any script) joined by single hyphens: the one rule for
    /// heading ids ("V_div" gives "v-div").
    static func slug(_ text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                pendingHyphen = false
                result.append(character)
            } else {
                pendingHyphen = true
            }
        }
        return result
    }

    /// `fig-N-stem.png`, with the stem reduced to ASCII letters, digits, `-` and `_` so a
    /// notebook cannot steer the file outside `NAME_files/` or into odd names. The figure
    /// number alone makes the name unique.
    static func figureFileName(number: Int, stem: String) -> String {
        var cleaned = ""
        var pendingHyphen = false
        for scalar in stem.lowercased().unicodeScalars {
            if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_") {
                if pendingHyphen && !cleaned.isEmpty { cleaned.append("-") }
                pendingHyphen = false
                cleaned.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        if cleaned.count > 60 { cleaned = String(cleaned.prefix(60)) }
        return (cleaned.isEmpty ? "fig-\(number)" : "fig-\(number)-\(cleaned)") + ".png"
    }

    /// Whether `name` is one `figureFileName` could have made: the files of `NAME_files/`
    /// the writer may replace or remove; anything else there is left alone.
    static func isFigureFileName(_ name: String) -> Bool {
        name.range(of: #"^fig-[0-9]+(-[a-z0-9_-]+)?\.png$"#, options: .regularExpression) != nil
    }

    /// The markup of a paragraph's pieces: notebook markup as it is, everything else escaped.
    static func html(of pieces: [ReportInline]) -> String {
        pieces.map { piece in
            switch piece {
            case .markup(let html): return html
            case .text(let text): return escape(text)
            case .strong(let text): return "<strong>" + escape(text) + "</strong>"
            case .sourceText(let source, let reason):
                return "<p><em>" + escape(reason) + "</em></p>\n<pre>" + escape(source) + "</pre>\n"
            case .value(let value): return "<span class=\"finexl-value\">\(escape(value))</span>"
            case .inlineError(let expression, let message):
                return "<mark class=\"finexl-inline-error\" title=\"\(escape(message))\">⚠ "
                    + "<code>finexl \(escape(expression))</code></mark>"
            }
        }.joined()
    }

    /// Text made safe in HTML content and in quoted attribute values.
    /// A note's text as markup: escaped first, then each pair of backticks made a `<code>`
    /// span, as Markdown shows them. Nothing else in a note becomes markup, and a backtick
    /// without its pair stays a backtick.
    static func noteMarkup(_ text: String) -> String {
        // Escaping leaves backticks alone, so the pieces alternate prose, code, prose, …
        let pieces = escape(text).split(separator: "`", omittingEmptySubsequences: false)
        var html = ""
        for (index, piece) in pieces.enumerated() {
            if index % 2 == 0 {
                html += piece
            } else if index == pieces.count - 1 {
                html += "`" + piece
            } else {
                html += "<code>" + piece + "</code>"
            }
        }
        return html
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func formatSeconds(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "–" }
        if seconds >= 10 { return String(format: "%.1f s", seconds) }
        if seconds >= 0.1 { return String(format: "%.2f s", seconds) }
        return String(format: "%.3f s", seconds)
    }
}
