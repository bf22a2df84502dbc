import FineXLPipeline
import FineXLSupport
import Foundation

/// The HTML report of one `finexl explain` run: what a notebook's `explain` directive shows,
/// built from the run's own results, so writing it embeds, asks a VLM and decomposes nothing
/// again, and the report shows exactly what the command printed.
package enum ExplanationReport {
    /// Writes `file` (`NAME.html`) with its figures in `NAME_files/` beside it, atomically.
    /// - Parameter modelFolder: the `--model` folder as given, for the provenance footer.
    @discardableResult
    package static func write(_ run: ModelExplanation, modelFolder: String?, to file: URL) throws -> URL {
        try check(file)
        let name = file.deletingPathExtension().lastPathComponent
        let explanation = run.explanation
        // Paths are named from the working folder, where the command's own paths start.
        let workingFolder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let blocks = try AnalysisBlocks.explainBlocks(
            source: run.source, divergence: try run.embeddings.divergence(), candidates: run.candidates,
            explanation: explanation, encoderName: explanation.encoder.name, bins: 12, title: nil, folder: workingFolder)
        let provenance = AnalysisBlocks.provenance(
            encoder: explanation.encoder, encoderSetting: explanation.encoder.name, model: modelFolder, folder: workingFolder,
            decompositions: [(label: "Decomposition", method: explanation.method, thresholds: explanation.thresholds)])
        let document = ReportDocument(title: "FineXL explanation: " + name, author: nil,
                                      blocks: [.heading(level: 1, text: name, anchor: "")] + blocks, provenance: provenance)
        return try ReportWriter.write(document, name: name, to: file.deletingLastPathComponent(), selfContained: false,
                                      templates: nil)
    }

    /// Throws unless `file` names an `.html` file; for checking `--output` before the work starts.
    package static func check(_ file: URL) throws {
        guard file.pathExtension.lowercased() == "html" else {
            throw FineXLError("--output must name an .html file (got \(file.path))")
        }
    }
}
