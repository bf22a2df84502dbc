import FineXLSupport
import Foundation

/// Replaces `NAME.html` and `NAME_files/` as one step, as far as a file system allows:
/// everything is staged under hidden names in the same directory, then moved in with
/// `rename(2)`, which replaces atomically. Until the final rename the old report is whole;
/// any failure removes what was staged and puts the old figure folder back.
///
/// Once the new page is in place, `NAME_files/` holds exactly the figures it references:
/// figure files of the earlier report go (all of them when the new one is self-contained),
/// and whatever else is in the folder — files the tool did not write — stays.
struct ReportOutput {
    let directory: URL
    let name: String
    let selfContained: Bool

    var htmlURL: URL { directory.appendingPathComponent(name + ".html") }
    var figureFolder: URL { directory.appendingPathComponent(name + "_files") }

    func commit(html: [UInt8], figures: [(name: String, bytes: [UInt8])]) throws {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FineXLError("cannot create output folder \(directory.path): \(error.localizedDescription)")
        }

        let token = UUID().uuidString.prefix(8)
        let stagedHTML = directory.appendingPathComponent(".\(name).html.\(token).partial")
        var stagedFigures: URL?
        var cleanup: [URL] = [stagedHTML]
        defer {
            for url in cleanup { try? fileManager.removeItem(at: url) }
        }

        if !selfContained {
            let staged = directory.appendingPathComponent(".\(figureFolder.lastPathComponent).\(token).partial")
            cleanup.append(staged)
            do {
                try fileManager.createDirectory(at: staged, withIntermediateDirectories: false)
            } catch {
                throw FineXLError("cannot create figure folder in \(directory.path): \(error.localizedDescription)")
            }
            for figure in figures {
                try writeFile(figure.bytes, to: staged.appendingPathComponent(figure.name),
                              shownAs: figureFolder.appendingPathComponent(figure.name))
            }
            stagedFigures = staged
        }
        try writeFile(html, to: stagedHTML, shownAs: htmlURL)

        // Figures first: a reader of the old HTML then sees new figures for a moment, never a
        // new HTML page with missing figures.
        var displaced: URL?
        if let stagedFigures {
            if isDirectory(figureFolder) {
                let aside = directory.appendingPathComponent(".\(figureFolder.lastPathComponent).\(token).old")
                try move(figureFolder, to: aside, purpose: "move the previous figure folder aside")
                displaced = aside
            }
            do {
                try move(stagedFigures, to: figureFolder, purpose: "move the figures into place")
            } catch {
                if let displaced { try? move(displaced, to: figureFolder, purpose: "restore") }
                throw error
            }
            do {
                try move(stagedHTML, to: htmlURL, purpose: "replace the report")
            } catch {
                try? fileManager.removeItem(at: figureFolder)
                if let displaced { try? move(displaced, to: figureFolder, purpose: "restore") }
                throw error
            }
        } else {
            try move(stagedHTML, to: htmlURL, purpose: "replace the report")
        }

        // The new report is in place; what follows only clears out the earlier figures.
        if let displaced {
            try settle(displaced)
        } else if selfContained, isDirectory(figureFolder) {
            try removeFigures(in: figureFolder)
            if try listing(figureFolder).isEmpty {
                try remove(figureFolder)
            }
        }
    }

    /// The earlier figure folder, moved aside: its figures go, anything else moves into the new folder.
    private func settle(_ displaced: URL) throws {
        try removeFigures(in: displaced)
        for entry in try listing(displaced) {
            let target = figureFolder.appendingPathComponent(entry)
            guard !exists(target) else {
                throw FineXLError("wrote \(htmlURL.path), but \(entry) in the earlier figure folder has the name of a new "
                    + "figure, so it was left in \(displaced.path)")
            }
            do {
                try move(displaced.appendingPathComponent(entry), to: target, purpose: "keep \(entry)")
            } catch let error as FineXLError {
                throw FineXLError("wrote \(htmlURL.path), but \(error.message); it is still in \(displaced.path)")
            }
        }
        try remove(displaced)
    }

    /// Removes the figure files of an earlier report: regular files named as the writer names figures.
    private func removeFigures(in folder: URL) throws {
        for entry in try listing(folder) where ReportView.isFigureFileName(entry) {
            let file = folder.appendingPathComponent(entry)
            let type = try? FileManager.default.attributesOfItem(atPath: file.path)[.type] as? FileAttributeType
            if type == .typeRegular { try remove(file) }
        }
    }

    private func listing(_ folder: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw FineXLError("wrote \(htmlURL.path), but cannot list \(folder.path) to clear out earlier figures: "
                + error.localizedDescription)
        }
    }

    private func remove(_ url: URL) throws {
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw FineXLError("wrote \(htmlURL.path), but cannot remove the earlier \(url.path): \(error.localizedDescription)")
        }
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

    /// Whether anything, even a dangling link, has this name.
    private func exists(_ url: URL) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path)) != nil
    }

    private func move(_ source: URL, to destination: URL, purpose: String) throws {
        if rename(source.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            throw FineXLError("cannot \(purpose) at \(destination.path): \(reason)")
        }
    }
}
