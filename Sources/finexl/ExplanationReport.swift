import FineXLCore
import FineXLNotebook
import FineXLPipeline
import Foundation

/// `finexl explain --output FILE.html`: the same report a notebook's `explain`
/// directive makes, rendered from a notebook generated for these options.
enum ExplanationReport {
    struct Request {
        var base: String
        var personal: String
        var encoder: String
        var model: String?
        var concepts: ConceptRequest
        var options: ExplainOptions
    }

    static func write(_ request: Request, to file: URL, useCache: Bool) throws -> URL {
        guard file.pathExtension.lowercased() == "html" else {
            throw FineXLError("--output must name an .html file (got \(file.path))")
        }
        let stem = file.deletingPathExtension().lastPathComponent
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let notebook = scratch.appendingPathComponent(stem + ".md")
        try notebookText(request, title: stem).write(to: notebook, atomically: true, encoding: .utf8)
        let result = try NotebookRenderer(options: RenderOptions(
            outputDirectory: file.deletingLastPathComponent(), selfContained: false, useCache: useCache, templates: nil))
            .render(notebook: notebook)
        if result.failures > 0 {
            throw FineXLError("the report \(result.htmlFile.path) was written but \(result.failures) part(s) failed; see it for details")
        }
        return result.htmlFile
    }

    /// A YAML double-quoted scalar.
    private static func quoted(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"" + escaped + "\""
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func notebookText(_ request: Request, title: String) -> String {
        var front = ["title: \(quoted("FineXL explanation: " + title))", "encoder: \(request.encoder)"]
        if let model = request.model { front.append("model: \(quoted(absolute(model)))") }
        var options = [
            "base: \(quoted(absolute(request.base)))",
            "personal: \(quoted(absolute(request.personal)))",
            "method: \(request.options.method.rawValue)",
            "eOrtho: \(request.options.eOrtho)",
            "eDecomp: \(request.options.eDecomp)",
            "bootstrap: \(request.options.bootstrapResamples)",
            "seed: \(request.options.seed)",
        ]
        switch request.concepts {
        case .vocabulary(let top):
            options += ["from: vocabulary", "top: \(top)"]
        case .list(let names):
            options.append("list: [" + names.map(quoted).joined(separator: ", ") + "]")
        case .vlm(let settings):
            options += ["from: vlm", "endpoint: \(quoted(settings.endpoint.absoluteString))",
                        "vlmModel: \(quoted(settings.model))", "rounds: \(settings.rounds)"]
        }
        return """
            ---
            \(front.joined(separator: "\n"))
            ---

            # \(title)

            ```finexl explain
            \(options.joined(separator: "\n"))
            ```

            """
    }
}
