import FineXLSupport
import Foundation
import Mustache

/// The page template (`report.mustache`), its partials (every other `*.mustache` beside it)
/// and the style sheet (`report.css`) a report is rendered with.
package struct ReportTemplates: Sendable {
    package static let pageFileName = "report.mustache"
    package static let styleFileName = "report.css"
    /// Names a templates folder to use instead of the project's `Templates/`.
    package static let environmentVariable = "FINEXL_TEMPLATES"

    /// Where the templates came from: a folder, or `nil` for the copy compiled into the binary.
    package let directory: URL?
    let library: MustacheLibrary
    let css: String

    /// The copy compiled into the binary, so an installed `finexl` works without `Templates/`.
    package static func builtIn() throws -> ReportTemplates {
        var library = MustacheLibrary()
        try register(DefaultReportTemplate.page, named: "report", file: "built-in \(pageFileName)", in: &library)
        return ReportTemplates(directory: nil, library: library, css: DefaultReportTemplate.css)
    }

    /// Loads `report.mustache`, `report.css` and any partials from `directory`.
    package static func load(from directory: URL) throws -> ReportTemplates {
        let fileManager = FileManager.default
        if let problem = FileKind.folderProblem(directory) {
            throw FineXLError("templates folder \(directory.path) \(problem)")
        }
        let pageURL = directory.appendingPathComponent(pageFileName)
        let styleURL = directory.appendingPathComponent(styleFileName)
        let page = try readTemplateFile(pageURL)
        let css = try readTemplateFile(styleURL)

        var sources = ["report": (text: page, url: pageURL)]
        let entries = (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []
        for entry in entries where entry.hasSuffix(".mustache") && entry != pageFileName {
            let url = directory.appendingPathComponent(entry)
            sources[String(entry.dropLast(".mustache".count))] = (try readTemplateFile(url), url)
        }
        var library = MustacheLibrary()
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            try register(source.text, named: name, file: source.url.path, in: &library)
        }
        try checkPartials(sources, directory: directory)
        return ReportTemplates(directory: directory, library: library, css: css)
    }

    /// The templates used when the user names none: `$FINEXL_TEMPLATES`, else the nearest
    /// `Templates/` above the executable or the current directory, else the built-in copy.
    package static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                executableURL: URL? = Bundle.main.executableURL,
                                currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        throws -> ReportTemplates {
        if let named = environment[environmentVariable], !named.isEmpty {
            return try load(from: URL(fileURLWithPath: named))
        }
        if let directory = locateProjectTemplates(executableURL: executableURL, currentDirectory: currentDirectory) {
            return try load(from: directory)
        }
        return try builtIn()
    }

    /// Searches upward from the executable's folder, then from `currentDirectory`, for
    /// `Templates/report.mustache` (a source checkout) or `share/finexl/Templates/report.mustache`
    /// (an installed prefix).
    static func locateProjectTemplates(executableURL: URL?, currentDirectory: URL) -> URL? {
        var starts: [URL] = []
        if let executableURL {
            starts.append(executableURL.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        starts.append(currentDirectory)
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                for candidate in ["Templates", "share/finexl/Templates"] {
                    let directory = folder.appendingPathComponent(candidate)
                    if FileManager.default.fileExists(atPath: directory.appendingPathComponent(pageFileName).path) {
                        return directory
                    }
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }

    /// Renders the page; `view` is the whole template context.
    func render(_ view: ReportView) throws -> String {
        guard let html = library.render(view, withTemplate: "report") else {
            throw FineXLError("report template \(pageDescription) is not loaded")
        }
        return html
    }

    /// The style sheet as it may appear inside `<style>`: a `</` cannot close the element early.
    var inlineCSS: String {
        css.replacingOccurrences(of: "</", with: "<\\/")
    }

    private var pageDescription: String {
        directory.map { $0.appendingPathComponent(Self.pageFileName).path } ?? "built-in \(Self.pageFileName)"
    }

    private static func readTemplateFile(_ url: URL) throws -> String {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FineXLError("template file \(url.path) is missing")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FineXLError("template file \(url.path) cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FineXLError("template file \(url.path) is not UTF-8 text")
        }
        return text
    }

    private static func register(_ text: String, named name: String, file: String,
                                 in library: inout MustacheLibrary) throws {
        do {
            try library.register(text, named: name)
        } catch let error as MustacheTemplate.ParserError {
            throw FineXLError("template \(file) line \(error.context.lineNumber), column \(error.context.columnNumber): "
                + "\(describe(error.error))")
        }
    }

    /// swift-mustache renders a missing partial (`{{> name}}` or parent `{{< name}}`) as nothing, and one that includes itself
    /// (directly or through others) recurses until the stack overflows, since every key is
    /// found again up the context stack; both are refused here with the file at fault.
    private static func checkPartials(_ sources: [String: (text: String, url: URL)], directory: URL) throws {
        var references: [String: [String]] = [:]
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            references[name] = partialNames(in: source.text)
            for partial in references[name] ?? [] where partial.hasPrefix("*") {
                // The partial's name would come from the data, i.e. from the notebook.
                throw FineXLError("template \(source.url.path) uses dynamic partial '\(partial)', which reports do not support")
            }
            for partial in references[name] ?? [] where sources[partial] == nil {
                throw FineXLError("template \(source.url.path) uses partial '\(partial)' but "
                    + "\(directory.appendingPathComponent(partial + ".mustache").path) is missing")
            }
        }
        var finished: Set<String> = []
        func visit(_ name: String, path: [String]) throws {
            if let start = path.firstIndex(of: name) {
                let cycle = (path[start...] + [name]).joined(separator: " → ")
                throw FineXLError("templates in \(directory.path) include each other in a cycle: \(cycle)")
            }
            guard !finished.contains(name) else { return }
            for partial in references[name] ?? [] { try visit(partial, path: path + [name]) }
            finished.insert(name)
        }
        for name in sources.keys.sorted() { try visit(name, path: []) }
    }

    private static func partialNames(in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: #"\{\{[<>]\s*([^}\s]+)\s*\}\}"#) else { return [] }
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    private static func describe(_ error: Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "section closed with a different name than it was opened with"
        case .unfinishedName: return "tag is not closed"
        case .expectedSectionEnd: return "section is never closed"
        case .invalidSetDelimiter: return "malformed set-delimiter tag"
        case .unrecognisedConfigVariable: return "unknown pragma"
        default: return "\(error)"
        }
    }
}
