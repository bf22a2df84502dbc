import FineXLConcepts
import FineXLCore
import FineXLSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How `finexl render` renders a notebook.
package struct RenderOptions: Sendable {
    /// Where `NAME.html`, its figures and the `.cache/` folder go.
    package var outputDirectory: URL
    /// Embed figures in the HTML instead of writing them beside it.
    package var selfContained: Bool
    /// Reuse directive results, embeddings and VLM answers from earlier renders (`--no-cache` turns it off).
    package var useCache: Bool
    /// A folder with `report.mustache` and `report.css`, or nil for the built-in templates.
    package var templates: URL?
    /// The user's VLM endpoint and whether a notebook may name its own (see `VLMEndpointPolicy`).
    package var vlmPolicy: VLMEndpointPolicy

    package init(outputDirectory: URL, selfContained: Bool = false, useCache: Bool = true, templates: URL? = nil,
                vlmPolicy: VLMEndpointPolicy = VLMEndpointPolicy()) {
        self.outputDirectory = outputDirectory
        self.selfContained = selfContained
        self.useCache = useCache
        self.templates = templates
        self.vlmPolicy = vlmPolicy
    }
}

/// What a render did.
package struct RenderResult: Sendable {
    package var htmlFile: URL
    /// Cells that failed (directives, inline values, front matter); the exit code is 1 when > 0.
    package var failures: Int
    package var directives: Int
    /// Directives whose result came from the cache.
    package var cachedDirectives: Int
    package var seconds: Double

    package var exitCode: Int32 { failures > 0 ? 1 : 0 }
}

/// Renders a Markdown notebook with `finexl` directives into an HTML report.
///
/// Directives run top to bottom and share state; each failure is shown in place with its
/// notebook line and counted in `RenderResult.failures`, and the report is written anyway.
/// The notebook file is only read.
package struct NotebookRenderer: Sendable {
    package let options: RenderOptions

    package init(options: RenderOptions) {
        self.options = options
    }

    /// Renders `notebook` to `<output>/<name>.html`. Throws only when the notebook cannot be
    /// read or the report cannot be written; everything wrong inside the notebook is reported in it.
    /// After a render with no failures, this notebook's cached directive results that it no
    /// longer uses are removed.
    package func render(notebook url: URL) throws -> RenderResult {
        let start = Date()
        let text = try Self.read(url)
        let notebook = Notebook.parse(text)
        let stem = url.deletingPathExtension().lastPathComponent
        let name = stem.isEmpty ? "notebook" : stem
        // Checked before anything runs: the name also names this notebook's cache folder.
        try ReportWriter.validate(name: name)
        try Self.refuseOverwriting(notebook: url, report: options.outputDirectory.appendingPathComponent(name + ".html"))
        try ReportWriter.checkOutput(name: name, in: options.outputDirectory, selfContained: options.selfContained)
        let engine = NotebookEngine(notebook: notebook, directory: url.deletingLastPathComponent(),
                                    cacheDirectory: options.outputDirectory.appendingPathComponent(".cache"),
                                    owner: name, useCache: options.useCache)
        engine.vlmPolicy = options.vlmPolicy
        let document = engine.run(title: stem)
        let html = try ReportWriter.write(document, name: name, to: options.outputDirectory,
                                          selfContained: options.selfContained, templates: options.templates)
        // Only after a render with no failed cell: a cell broken for now (a typo, a server
        // down) must not cost the results that are still good once it is fixed.
        if engine.failures == 0 { engine.directiveCache.prune(keeping: engine.usedCacheKeys) }
        return RenderResult(htmlFile: html, failures: engine.failures, directives: engine.directivesRun,
                            cachedDirectives: engine.cachedDirectives, seconds: Date().timeIntervalSince(start))
    }

    /// A notebook named `NAME.html` rendered into its own folder (or a report path that links to
    /// the notebook) would be replaced by its report: refused before anything runs. Same file
    /// means same device and inode, so links and other spellings of the path are caught too.
    static func refuseOverwriting(notebook: URL, report: URL) throws {
        var notebookInfo = stat()
        var reportInfo = stat()
        guard stat(notebook.path, &notebookInfo) == 0, stat(report.path, &reportInfo) == 0,
              notebookInfo.st_dev == reportInfo.st_dev, notebookInfo.st_ino == reportInfo.st_ino else { return }
        throw FineXLError("the report \(TerminalText.safe(report.path)) would replace the notebook \(TerminalText.safe(notebook.path)) "
            + "itself; render with --output to another folder, or rename the notebook to .md")
    }

    private static func read(_ url: URL) throws -> String {
        let path = TerminalText.safe(url.path)
        switch FileKind.at(url.path) {
        case .regular:
            break
        case .missing:
            throw FineXLError("cannot read notebook \(path): no such file")
        case .directory:
            throw FineXLError("notebook \(path) is a folder; give the Markdown file inside it")
        case let kind:
            // Pipes and devices are refused rather than read: their size is not known before
            // reading, and a notebook names files relative to its own folder.
            throw FineXLError("notebook \(path) is \(kind.description); save the notebook to a file and render that")
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: Notebook.maximumBytes + 1) ?? Data()
        } catch {
            throw FineXLError("cannot read notebook \(path): \(error.localizedDescription)")
        }
        guard data.count <= Notebook.maximumBytes else {
            throw FineXLError("notebook \(path) is larger than \(Notebook.maximumBytes) bytes (2 MB), the most FineXL reads; "
                + "split it into several notebooks")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FineXLError("notebook \(path) is not UTF-8 text")
        }
        return text
    }
}
