import FineXLCore
import FineXLPipeline
import FineXLSupport
import Foundation

extension ExplanationReport {
    /// Throws unless `file` names an `.html` or a `.pdf` file; for checking `--output` before the work starts.
    package static func checkOutput(_ file: URL) throws {
        guard ["html", "pdf"].contains(file.pathExtension.lowercased()) else {
            throw FineXLError("--output must name an .html or a .pdf file (got \(file.path))")
        }
    }

    /// Whether `--output` asks for a PDF rather than an HTML page.
    package static func isPDF(_ file: URL) -> Bool {
        file.pathExtension.lowercased() == "pdf"
    }

    /// Writes the report as `file` (`NAME.pdf`) alone: the HTML page and its figures are written
    /// into a private temporary folder, printed, and removed; the PDF replaces `file` atomically.
    @discardableResult
    package static func writePDF(_ run: ModelExplanation, modelFolder: String?, to file: URL,
                                printer: PDFPrinter) throws -> URL {
        let fileManager = FileManager.default
        let scratch = fileManager.temporaryDirectory.appendingPathComponent("finexl-report-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
        } catch {
            throw FineXLError("cannot create a temporary folder in \(fileManager.temporaryDirectory.path): "
                + error.localizedDescription)
        }
        defer { try? fileManager.removeItem(at: scratch) }
        let name = file.deletingPathExtension().lastPathComponent
        let html = try write(run, modelFolder: modelFolder, to: scratch.appendingPathComponent(name + ".html"))
        return try printer.print(html: html, to: file)
    }
}
