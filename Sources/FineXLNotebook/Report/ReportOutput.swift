import FineXLSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces `NAME.html` and `NAME_files/` as one step, as far as a file system allows:
/// everything is staged under hidden names in the same directory, then moved in with
/// `rename(2)`, which replaces atomically. Until the final rename the old report is whole;
/// any failure removes what was staged and puts the old figure folder back.
///
/// Only files FineXL wrote are ever removed: each figure folder lists its figures in
/// `.finexl-manifest`, and the figures of the earlier report are the ones its manifest names
/// (for a folder from before manifests: the figure files its page links to). Whatever else
/// is in the folder stays. `NAME_files` must be a real folder, never a link out of the output.
///
/// Writers into one output folder take turns (`flock` on the folder), so two renders at once
/// both succeed. Staged names carry the writer's process id: leftovers of a writer that is
/// gone (killed, or power lost) are cleared by the next one; on SIGINT or SIGTERM the writer
/// clears its own before exiting.
struct ReportOutput {
    let directory: URL
    let name: String
    let selfContained: Bool

    /// Name of the list of files FineXL wrote into `NAME_files/`.
    static let manifestName = ".finexl-manifest"

    var htmlURL: URL { directory.appendingPathComponent(name + ".html") }
    var figureFolder: URL { directory.appendingPathComponent(name + "_files") }

    func commit(html: [UInt8], figures: [(name: String, bytes: [UInt8])]) throws {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FineXLError("cannot create output folder \(directory.path): "
                + (FileKind.at(directory.path) == .missing ? error.localizedDescription
                   : "it is \(FileKind.at(directory.path).description)"))
        }
        let lock = try ReportLock(directory)
        defer { lock.release() }
        clearStaleStaging()

        let htmlTarget = try checkTargets()
        let earlierFigures = try figuresWritten(in: figureFolder, page: htmlTarget)

        let token = "\(getpid())-\(UUID().uuidString.prefix(8))"
        let stagedHTML = htmlTarget.deletingLastPathComponent().appendingPathComponent(".\(htmlTarget.lastPathComponent).\(token).partial")
        let interrupt = InterruptCleanup.shared
        interrupt.begin(remove: [stagedHTML])
        defer { interrupt.end() }
        var cleanup: [URL] = [stagedHTML]
        defer {
            for url in cleanup { try? fileManager.removeItem(at: url) }
        }

        var stagedFigures: URL?
        if !selfContained {
            let staged = directory.appendingPathComponent(".\(figureFolder.lastPathComponent).\(token).partial")
            cleanup.append(staged)
            interrupt.update { $0.remove.append(staged) }
            do {
                try fileManager.createDirectory(at: staged, withIntermediateDirectories: false)
            } catch {
                throw FineXLError("cannot create figure folder in \(directory.path): \(error.localizedDescription)")
            }
            for figure in figures {
                try writeFile(figure.bytes, to: staged.appendingPathComponent(figure.name),
                              shownAs: figureFolder.appendingPathComponent(figure.name))
            }
            let manifest = figures.map(\.name).joined(separator: "\n") + "\n"
            try writeFile(Array(manifest.utf8), to: staged.appendingPathComponent(Self.manifestName),
                          shownAs: figureFolder.appendingPathComponent(Self.manifestName))
            stagedFigures = staged
        }
        try writeFile(html, to: stagedHTML, shownAs: htmlURL)
        Self.pauseForTests(at: "staged")
        if let mode = (try? fileManager.attributesOfItem(atPath: htmlTarget.path))?[.posixPermissions] as? NSNumber {
            chmod(stagedHTML.path, mode_t(mode.uint16Value))
        }

        // Figures first: a reader of the old HTML then sees new figures for a moment, never a
        // new HTML page with missing figures.
        var displaced: URL?
        if let stagedFigures {
            if FileKind.at(figureFolder.path, followingLinks: false) == .directory {
                let aside = directory.appendingPathComponent(".\(figureFolder.lastPathComponent).\(token).old")
                try interrupt.update { state in
                    try move(figureFolder, to: aside, purpose: "move the previous figure folder aside")
                    state.restore = (aside, figureFolder)
                }
                displaced = aside
                Self.pauseForTests(at: "figures-aside")
            }
            do {
                try interrupt.update { state in
                    try move(stagedFigures, to: figureFolder, purpose: "move the figures into place")
                    // From here the new report is finished rather than undone: a signal waits
                    // until the page is in place and the earlier figures are settled.
                    state.remove.removeAll { $0 == stagedFigures }
                    state.restore = nil
                    state.committing = true
                }
                Self.pauseForTests(at: "committing")
            } catch {
                if let displaced { try? move(displaced, to: figureFolder, purpose: "restore") }
                throw error
            }
            do {
                try move(stagedHTML, to: htmlTarget, purpose: "replace the report")
            } catch {
                try? fileManager.removeItem(at: figureFolder)
                if let displaced { try? move(displaced, to: figureFolder, purpose: "restore") }
                throw error
            }
        } else {
            interrupt.update { $0.committing = true }
            try move(stagedHTML, to: htmlTarget, purpose: "replace the report")
        }

        // The new report is in place; what follows only clears out the earlier figures.
        if let displaced {
            try settle(displaced, written: earlierFigures)
        } else if selfContained, FileKind.at(figureFolder.path, followingLinks: false) == .directory {
            try removeFiles(earlierFigures, in: figureFolder)
            if try listing(figureFolder).isEmpty {
                try remove(figureFolder)
            }
        }
    }

    /// Fault injection for the interruption tests: with `FINEXL_TEST_PAUSE_AT` naming `point`
    /// ("staged": everything staged, nothing swapped; "figures-aside": the earlier figure folder
    /// moved aside, the new one not yet in place; "committing": the new figures in place, the
    /// page not yet) the writer waits there for up to 30 s, so a test can signal it at that
    /// moment. A signal the writer defers ends the wait, as it would end no real write.
    private static func pauseForTests(at point: String) {
        guard ProcessInfo.processInfo.environment["FINEXL_TEST_PAUSE_AT"] == point else { return }
        for _ in 0..<3000 where !InterruptCleanup.shared.signalDeferred {
            usleep(10_000)
        }
    }

    /// Throws when the report cannot be written safely where it goes, so a render can stop
    /// before it computes anything; returns the file the page replaces (through a link).
    @discardableResult
    func checkTargets() throws -> URL {
        // A link here would make FineXL empty or fill a folder elsewhere; anything else is not a figure folder.
        switch FileKind.at(figureFolder.path, followingLinks: false) {
        case .missing, .directory: break
        case .symbolicLink:
            throw FineXLError("\(figureFolder.path) is a symbolic link; FineXL writes figures only into a real folder "
                + "inside the output folder, so remove the link (its target is left alone) or render to another --output")
        case let kind:
            throw FineXLError("\(figureFolder.path) is \(kind.description), where the report's figure folder goes; "
                + "move it away or render to another --output")
        }
        // The page itself: written through a link to its target, never over a pipe or a device.
        return try AtomicFile.destination(for: htmlURL)
    }

    /// The files of `folder` FineXL wrote: those its manifest names, the manifest itself, or for
    /// a folder from before manifests, the figure files the earlier page links to.
    private func figuresWritten(in folder: URL, page: URL) throws -> Set<String> {
        guard FileKind.at(folder.path, followingLinks: false) == .directory else { return [] }
        let manifest = folder.appendingPathComponent(Self.manifestName)
        if FileKind.at(manifest.path, followingLinks: false) == .regular,
           let text = try? String(contentsOf: manifest, encoding: .utf8) {
            return Set(text.split(separator: "\n").map(String.init).filter { !$0.contains("/") } + [Self.manifestName])
        }
        guard FileKind.at(page.path) == .regular, let pageText = try? String(contentsOf: page, encoding: .utf8) else {
            return []
        }
        let prefix = ReportWriter.percentEncodedPathComponent(folder.lastPathComponent) + "/"
        return Set(try listing(folder).filter { ReportView.isFigureFileName($0) && pageText.contains(prefix + $0) })
    }

    /// The earlier figure folder, moved aside: its figures go, anything else moves into the new folder.
    private func settle(_ displaced: URL, written: Set<String>) throws {
        try removeFiles(written, in: displaced)
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

    /// Removes the named regular files of `folder` (links and folders with those names stay).
    private func removeFiles(_ names: Set<String>, in folder: URL) throws {
        for entry in try listing(folder) where names.contains(entry) {
            let file = folder.appendingPathComponent(entry)
            if FileKind.at(file.path, followingLinks: false) == .regular { try remove(file) }
        }
    }

    /// Clears what writers of this report that are gone left behind: staged pages and figure
    /// folders (all FineXL's) are removed; an earlier figure folder moved aside is put back
    /// when none took its place, else settled like any earlier folder. Called under the lock.
    private func clearStaleStaging() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        let prefixes = [".\(name).html.", ".\(figureFolder.lastPathComponent)."]
        for entry in entries {
            guard let prefix = prefixes.first(where: { entry.hasPrefix($0) }) else { continue }
            let rest = entry.dropFirst(prefix.count)
            let isPartial = rest.hasSuffix(".partial")
            guard isPartial || rest.hasSuffix(".old") else { continue }
            let token = rest.dropLast(isPartial ? ".partial".count : ".old".count)
            guard !token.contains("."), Self.ownerIsGone(token, path: directory.appendingPathComponent(entry)) else { continue }
            let url = directory.appendingPathComponent(entry)
            if isPartial {
                try? FileManager.default.removeItem(at: url)
            } else if FileKind.at(url.path, followingLinks: false) == .directory {
                if FileKind.at(figureFolder.path, followingLinks: false) == .missing {
                    _ = rename(url.path, figureFolder.path)
                } else if let written = try? figuresWritten(in: url, page: htmlURL) {
                    try? settle(url, written: written)
                }
            }
        }
    }

    /// Whether the writer that named a staged file `PID-TOKEN` has exited. Names from before
    /// process ids (`TOKEN` alone) count as abandoned after an hour.
    static func ownerIsGone(_ token: Substring, path: URL) -> Bool {
        let parts = token.split(separator: "-")
        if parts.count == 2, let pid = Int32(parts[0]), pid > 0 {
            if pid == getpid() { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path.path))?[.modificationDate] as? Date
        return modified.map { Date().timeIntervalSince($0) > 3600 } ?? false
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

    /// Whether anything, even a dangling link, has this name.
    private func exists(_ url: URL) -> Bool {
        FileKind.at(url.path, followingLinks: false) != .missing
    }

    private func move(_ source: URL, to destination: URL, purpose: String) throws {
        if rename(source.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            throw FineXLError("cannot \(purpose) at \(destination.path): \(reason)")
        }
    }
}

/// An exclusive `flock(2)` on the output folder itself, held while one writer stages and
/// swaps its report in (milliseconds; the report was rendered before). Locking the folder
/// leaves no lock file behind. The corresponding C functions are `open`, `flock` and `close`.
private struct ReportLock {
    let descriptor: Int32

    init(_ url: URL) throws {
        descriptor = open(url.path, O_RDONLY | O_CLOEXEC | O_DIRECTORY)
        guard descriptor >= 0 else {
            throw FineXLError("cannot open the output folder \(url.path) to lock it: \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw FineXLError("cannot lock \(url.path): \(reason)")
            }
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// What a report writer undoes when SIGINT or SIGTERM arrives while it swaps a report in:
/// staged files are removed and a figure folder moved aside is put back, then the process
/// exits with 130 or 143 as the shell would report the signal. Once the new figures are in
/// place the swap is finished instead (page moved in, earlier figures settled) and the process
/// exits with the signal's code after it. Outside a swap the signals end the process at once,
/// as they would by default.
final class InterruptCleanup: @unchecked Sendable {
    struct State {
        var remove: [URL] = []
        /// A folder moved aside and where it belongs.
        var restore: (from: URL, to: URL)?
        /// The swap has begun replacing files: undoing it now could leave a page without its
        /// figures, so a signal is held until `end` and the report is finished instead.
        var committing = false
        /// The exit code of a signal held while committing.
        var deferredExit: Int32?
    }

    static let shared = InterruptCleanup()

    private let lock = NSLock()
    private var state = State()
    private var sources: [any DispatchSourceSignal] = []

    func begin(remove: [URL]) {
        installHandlers()
        lock.withLock { state = State(remove: remove) }
    }

    /// Runs `change` with the signal handler held off, so it sees the state before or after, never during.
    func update<Result>(_ change: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try change(&state)
    }

    /// Ends the watched write; exits with a signal's code if one arrived while committing.
    func end() {
        let deferred = lock.withLock {
            let code = state.deferredExit
            state = State()
            return code
        }
        if let deferred {
            FileHandle.standardError.write(Data("finexl: interrupted; the report was already being replaced, so it was finished first\n".utf8))
            exit(deferred)
        }
    }

    /// Whether a signal is waiting for the write to finish.
    var signalDeferred: Bool { lock.withLock { state.deferredExit != nil } }

    private func installHandlers() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for (number, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [unowned self] in self.interrupted(exitCode: code) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private func interrupted(exitCode: Int32) {
        lock.lock()
        if state.committing {
            state.deferredExit = state.deferredExit ?? exitCode
            lock.unlock()
            return
        }
        if let restore = state.restore, FileKind.at(restore.to.path, followingLinks: false) == .missing {
            _ = rename(restore.from.path, restore.to.path)
        }
        for url in state.remove { try? FileManager.default.removeItem(at: url) }
        exit(exitCode)
    }
}
