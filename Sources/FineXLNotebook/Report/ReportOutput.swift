import Foundation
import FineXLCore

/// Replaces `NAME.html` and `NAME_files/` as one step, as far as a file system allows:
/// everything is staged under hidden names in the same directory, then moved in with
/// `rename(2)`, which replaces atomically. Until the final rename the old report is whole;
/// any failure removes what was staged and puts the old figure folder back.
struct ReportOutput {
    let directory: URL
    let htmlName: String
    /// `nil` when the report is self-contained and has no figure folder.
    let figureDirectoryName: String?

    var htmlURL: URL { directory.appendingPathComponent(htmlName) }

    func commit(html: [UInt8], figures: [(name: String, bytes: [UInt8])]) throws {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FineXLError("cannot create output folder \(directory.path): \(error.localizedDescription)")
        }

        let token = UUID().uuidString.prefix(8)
        let stagedHTML = directory.appendingPathComponent(".\(htmlName).\(token).partial")
        var stagedFigures: URL?
        var cleanup: [URL] = [stagedHTML]
        defer {
            for url in cleanup { try? fileManager.removeItem(at: url) }
        }

        if let figureDirectoryName {
            let staged = directory.appendingPathComponent(".\(figureDirectoryName).\(token).partial")
            cleanup.append(staged)
            do {
                try fileManager.createDirectory(at: staged, withIntermediateDirectories: false)
            } catch {
                throw FineXLError("cannot create figure folder in \(directory.path): \(error.localizedDescription)")
            }
            for figure in figures {
                try writeFile(figure.bytes, to: staged.appendingPathComponent(figure.name),
                              shownAs: directory.appendingPathComponent(figureDirectoryName).appendingPathComponent(figure.name))
            }
            stagedFigures = staged
        }
        try writeFile(html, to: stagedHTML, shownAs: htmlURL)

        // Figures first: a reader of the old HTML then sees new figures for a moment, never a
        // new HTML page with missing figures.
        var displaced: URL?
        if let stagedFigures, let figureDirectoryName {
            let target = directory.appendingPathComponent(figureDirectoryName)
            if isDirectory(target) {
                let aside = directory.appendingPathComponent(".\(figureDirectoryName).\(token).old")
                try move(target, to: aside, purpose: "move the previous figure folder aside")
                displaced = aside
            }
            do {
                try move(stagedFigures, to: target, purpose: "move the figures into place")
            } catch {
                if let displaced { try? move(displaced, to: target, purpose: "restore") }
                throw error
            }
            do {
                try move(stagedHTML, to: htmlURL, purpose: "replace the report")
            } catch {
                try? fileManager.removeItem(at: target)
                if let displaced { try? move(displaced, to: target, purpose: "restore") }
                throw error
            }
        } else {
            try move(stagedHTML, to: htmlURL, purpose: "replace the report")
        }
        if let displaced { try? fileManager.removeItem(at: displaced) }
    }

    private func writeFile(_ bytes: [UInt8], to url: URL, shownAs target: URL) throws {
        do {
            try Data(bytes).write(to: url, options: .withoutOverwriting)
        } catch {
            throw FineXLError("cannot write \(target.path): \(error.localizedDescription)")
        }
    }

    private func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    private func move(_ source: URL, to destination: URL, purpose: String) throws {
        if rename(source.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            throw FineXLError("cannot \(purpose) at \(destination.path): \(reason)")
        }
    }
}
