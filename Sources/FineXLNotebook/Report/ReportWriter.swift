import FineXLSupport
import Foundation

/// Turns a `ReportDocument` into `NAME.html`, with its figures either beside it in
/// `NAME_files/` or embedded as data URIs.
package enum ReportWriter {
    /// Writes the report and returns the URL of `NAME.html`.
    ///
    /// Nothing on disk changes until the whole report has rendered and every file is staged;
    /// a failure leaves the previous report and its figures as they were. Afterwards
    /// `NAME_files/` holds just the figures the page references (and is gone when it is
    /// self-contained), keeping any file there the writer did not name.
    /// - Parameters:
    ///   - name: the report's file name without extension (usually the notebook's).
    ///   - selfContained: embed figures (and always the style sheet) in the one HTML file.
    ///   - templates: a folder with `report.mustache` and `report.css`; `nil` uses
    ///     `ReportTemplates.standard()`.
    @discardableResult
    package static func write(_ document: ReportDocument, name: String, to outputDirectory: URL,
                             selfContained: Bool, templates: URL?) throws -> URL {
        let loaded = try templates.map { try ReportTemplates.load(from: $0) } ?? ReportTemplates.standard()
        return try write(document, name: name, to: outputDirectory, selfContained: selfContained, templates: loaded)
    }

    /// As above, with templates already loaded (a notebook run renders several reports with one set).
    @discardableResult
    package static func write(_ document: ReportDocument, name: String, to outputDirectory: URL,
                             selfContained: Bool, templates: ReportTemplates) throws -> URL {
        try validate(name: name)
        let figureDirectoryName = name + "_files"
        let (view, figures) = try ReportView.make(
            from: document, name: name, css: templates.inlineCSS,
            figureDirectoryURL: selfContained ? nil : percentEncodedPathComponent(figureDirectoryName))
        let html = try templates.render(view)

        let output = ReportOutput(directory: outputDirectory, name: name, selfContained: selfContained)
        try output.commit(html: Array(html.utf8), figures: figures.map { (name: $0.fileName, bytes: $0.png) })
        return output.htmlURL
    }

    /// Renders the HTML alone, for callers that only need the text (figures as data URIs).
    package static func renderHTML(_ document: ReportDocument, name: String, templates: ReportTemplates) throws -> String {
        try validate(name: name)
        let (view, _) = try ReportView.make(from: document, name: name, css: templates.inlineCSS,
                                            figureDirectoryURL: nil)
        return try templates.render(view)
    }

    /// Throws when `NAME.html` or `NAME_files` in `outputDirectory` could not be written safely
    /// (a link out of the output, a FIFO, a device): checked before a render computes anything.
    package static func checkOutput(name: String, in outputDirectory: URL, selfContained: Bool) throws {
        try validate(name: name)
        try ReportOutput(directory: outputDirectory, name: name, selfContained: selfContained).checkTargets()
    }

    static func validate(name: String) throws {
        if name.isEmpty || name == "." || name == ".." || name.contains("/") || name.contains("\0") {
            throw FineXLError("report name '\(name)' is not a plain file name")
        }
    }

    /// Percent-encodes everything but unreserved ASCII, so a file name can neither start a
    /// scheme (`javascript:`) nor end the path early (`#`, `?`).
    static func percentEncodedPathComponent(_ component: String) -> String {
        var allowed = CharacterSet()
        allowed.insert(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return component.addingPercentEncoding(withAllowedCharacters: allowed) ?? component
    }
}
