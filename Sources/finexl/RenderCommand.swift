import ArgumentParser
import FineXLConcepts
import FineXLCore
import FineXLNotebook
import FineXLSupport
import Foundation

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a FineXL notebook (Markdown with finexl directives) to an HTML report.",
        discussion: "Exit 0 when every cell ran; 1 when any failed (the report is still written, failures shown in place).")

    @Argument(help: "The notebook, a Markdown file.") var notebook: String
    @Option(help: "Output folder.") var output = "Output"
    @Flag(help: "Put every image into the HTML as a data URI.") var selfContained = false
    @Flag(help: "Recompute every directive.") var noCache = false
    @Option(help: "The VLM endpoint you trust with your API key (or FINEXL_VLM_ENDPOINT); a notebook's own `endpoint:` is not sent the key.")
    var vlmEndpoint: String?
    @Flag(help: "Let a notebook's `endpoint:` receive the images for `from: vlm` (it is sent no API key unless it is your endpoint).")
    var allowNotebookEndpoint = false
    @Option(help: "Folder with report.mustache (and its CSS) to use instead of the built-in templates.") var templates: String?
    @Flag(help: "Also print the report to DIR/NAME.pdf through headless Chromium (PATH or FINEXL_CHROMIUM).") var pdf = false
    @Option(help: "PDF page size.") var pageSize = PageSize.a4

    func run() throws {
        // Before any work: a missing Chromium is a setup problem, found in a second.
        let printer = pdf ? try PDFPrinter(pageSize: pageSize) : nil
        let renderer = NotebookRenderer(options: RenderOptions(
            outputDirectory: URL(fileURLWithPath: output, isDirectory: true), selfContained: selfContained,
            useCache: !noCache, templates: templates.map { URL(fileURLWithPath: $0, isDirectory: true) },
            vlmPolicy: VLMEndpointPolicy(userEndpoint: vlmEndpoint, allowsNotebookEndpoint: allowNotebookEndpoint)))
        let result = try renderer.render(notebook: URL(fileURLWithPath: notebook))
        let cached = result.cachedDirectives > 0 ? ", \(result.cachedDirectives) from cache" : ""
        FileHandle.standardError.write(Data(String(
            format: "wrote %@ (%d directives%@, %.2f s)\n", TerminalText.safe(result.htmlFile.path), result.directives, cached, result.seconds).utf8))
        if let printer {
            let file = try printer.print(html: result.htmlFile, to: result.htmlFile.deletingPathExtension().appendingPathExtension("pdf"))
            FileHandle.standardError.write(Data("wrote \(TerminalText.safe(file.path))\n".utf8))
        }
        if result.failures > 0 {
            FileHandle.standardError.write(Data("error: \(result.failures) directive(s) failed; see the report\n".utf8))
            throw ExitCode(1)
        }
    }
}
