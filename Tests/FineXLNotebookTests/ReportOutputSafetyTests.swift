import FineXLCore
import FineXLSupport
import FineXLTestSupport
import Foundation
import XCTest
@testable import FineXLNotebook

/// Files FineXL was not asked to write are never lost: links are not followed out of the
/// output, files a user put beside the figures stay, leftovers are cleared, writers take turns.
final class ReportOutputSafetyTests: TemporaryFolderTestCase {
    private func write(_ document: ReportDocument = sampleDocument(), name: String = "report", to directory: URL,
                       selfContained: Bool = false) throws -> URL {
        try ReportWriter.write(document, name: name, to: directory, selfContained: selfContained,
                               templates: try ReportTemplates.builtIn())
    }

    private func listing(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// The pid of a process that has exited.
    private func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func testANotebookNamedHTMLIsNotReplacedByItsReport() throws {
        let directory = try makeDirectory()
        let notebook = directory.appendingPathComponent("page.html")
        try "# Kept\n".write(to: notebook, atomically: true, encoding: .utf8)
        let message = errorMessage {
            _ = try NotebookRenderer(options: RenderOptions(outputDirectory: directory)).render(notebook: notebook)
        }
        XCTAssertTrue(message.contains("would replace the notebook"), message)
        XCTAssertEqual(try String(contentsOf: notebook, encoding: .utf8), "# Kept\n")
    }

    func testAReportPathLinkedToTheNotebookIsRefused() throws {
        let directory = try makeDirectory()
        let notebook = directory.appendingPathComponent("nb.md")
        try "# Kept\n".write(to: notebook, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: output.appendingPathComponent("nb.html"), withDestinationURL: notebook)
        let message = errorMessage {
            _ = try NotebookRenderer(options: RenderOptions(outputDirectory: output)).render(notebook: notebook)
        }
        XCTAssertTrue(message.contains("would replace the notebook"), message)
        XCTAssertEqual(try String(contentsOf: notebook, encoding: .utf8), "# Kept\n")
    }

    func testASymlinkedFigureFolderIsRefusedAndItsTargetUntouched() throws {
        let directory = try makeDirectory()
        let elsewhere = directory.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: elsewhere.appendingPathComponent("fig-1-weights.png"))
        try Data("notes".utf8).write(to: elsewhere.appendingPathComponent("notes.txt"))
        let output = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: output.appendingPathComponent("report_files"), withDestinationURL: elsewhere)
        let message = errorMessage { _ = try write(to: output) }
        XCTAssertTrue(message.contains("report_files is a symbolic link"), message)
        XCTAssertEqual(listing(elsewhere), ["fig-1-weights.png", "notes.txt"])
        XCTAssertEqual(try Data(contentsOf: elsewhere.appendingPathComponent("fig-1-weights.png")), Data("mine".utf8))
        for selfContained in [true] {
            XCTAssertThrowsError(try write(to: output, selfContained: selfContained))
            XCTAssertEqual(listing(elsewhere), ["fig-1-weights.png", "notes.txt"])
        }
    }

    func testFilesAUserPutBesideTheFiguresStayEvenWhenNamedLikeFigures() throws {
        let directory = try makeDirectory()
        _ = try write(sampleDocument(figures: 3), to: directory)
        let figures = directory.appendingPathComponent("report_files")
        XCTAssertTrue(listing(figures).contains(ReportOutput.manifestName))
        try Data("user".utf8).write(to: figures.appendingPathComponent("fig-99-mine.png"))
        _ = try write(sampleDocument(figures: 1), to: directory)
        XCTAssertEqual(try Data(contentsOf: figures.appendingPathComponent("fig-99-mine.png")), Data("user".utf8))
        XCTAssertEqual(listing(figures), [ReportOutput.manifestName, "fig-1-weights.png", "fig-99-mine.png"])
        _ = try write(sampleDocument(figures: 1), to: directory, selfContained: true)
        XCTAssertEqual(listing(figures), ["fig-99-mine.png"])
    }

    func testAFolderFromBeforeManifestsLosesOnlyTheFiguresItsPageLinksTo() throws {
        let directory = try makeDirectory()
        _ = try write(sampleDocument(figures: 2), to: directory)
        let figures = directory.appendingPathComponent("report_files")
        try FileManager.default.removeItem(at: figures.appendingPathComponent(ReportOutput.manifestName))
        try Data("user".utf8).write(to: figures.appendingPathComponent("fig-5-unlinked.png"))
        _ = try write(sampleDocument(figures: 0), to: directory)
        XCTAssertEqual(listing(figures), [ReportOutput.manifestName, "fig-5-unlinked.png"])
    }

    func testLeftoversOfAGoneWriterAreClearedAndALiveOnesKept() throws {
        let directory = try makeDirectory()
        _ = try write(to: directory)
        let dead = try deadProcessID()
        let leftovers = [".report_files.\(dead)-DEADBEEF.partial", ".report.html.\(dead)-DEADBEEF.partial"]
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(leftovers[0]), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: directory.appendingPathComponent(leftovers[0]).appendingPathComponent("fig-1-a.png"))
        try Data("x".utf8).write(to: directory.appendingPathComponent(leftovers[1]))
        let live = ".report_files.1-LIVE0001.partial"
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(live), withIntermediateDirectories: true)
        // An earlier folder moved aside by a writer that died before moving the new one in.
        let figures = directory.appendingPathComponent("report_files")
        let aside = directory.appendingPathComponent(".report_files.\(dead)-DEADBEEF.old")
        try FileManager.default.moveItem(at: figures, to: aside)
        try Data("user".utf8).write(to: aside.appendingPathComponent("notes.txt"))

        _ = try write(to: directory)
        let names = listing(directory)
        XCTAssertFalse(names.contains(leftovers[0]), "\(names)")
        XCTAssertFalse(names.contains(leftovers[1]), "\(names)")
        XCTAssertFalse(names.contains(aside.lastPathComponent), "\(names)")
        XCTAssertTrue(names.contains(live), "a live writer's staging was removed")
        XCTAssertEqual(try Data(contentsOf: figures.appendingPathComponent("notes.txt")), Data("user".utf8))
    }

    func testConcurrentWritersOfOneReportBothSucceed() throws {
        let directory = try makeDirectory()
        let failures = NSLock()
        nonisolated(unsafe) var messages: [String] = []
        DispatchQueue.concurrentPerform(iterations: 24) { index in
            do {
                _ = try ReportWriter.write(sampleDocument(figures: 1 + index % 3), name: "report", to: directory,
                                           selfContained: index % 5 == 4, templates: try ReportTemplates.builtIn())
            } catch {
                failures.withLock { messages.append("\(error)") }
            }
        }
        XCTAssertEqual(messages, [])
        XCTAssertEqual(listing(directory).filter { $0.hasSuffix(".partial") || $0.hasSuffix(".old") }, [])
    }

    func testOutputsAreWrittenThroughLinksAndNeverOverPipesOrDevices() throws {
        let directory = try makeDirectory()
        let target = directory.appendingPathComponent("real.npy")
        try Data("old".utf8).write(to: target)
        let link = directory.appendingPathComponent("link.npy")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        try AtomicFile.write(Data("new".utf8), to: link)
        XCTAssertEqual(FileKind.at(link.path, followingLinks: false), .symbolicLink)
        XCTAssertEqual(try Data(contentsOf: target), Data("new".utf8))

        let fifo = directory.appendingPathComponent("pipe")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let message = errorMessage { try AtomicFile.write(Data("x".utf8), to: fifo) }
        XCTAssertTrue(message.contains("is a FIFO"), message)
        XCTAssertEqual(FileKind.at(fifo.path, followingLinks: false), .fifo)
        let device = errorMessage { try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/dev/null")) }
        XCTAssertTrue(device.contains("character device"), device)
        XCTAssertEqual(FileKind.at("/dev/null"), .characterDevice)

        // The report page, too, as `explain --output` writes it.
        let pageTarget = directory.appendingPathComponent("page-target.html")
        try Data("old".utf8).write(to: pageTarget)
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("page.html"), withDestinationURL: pageTarget)
        _ = try write(name: "page", to: directory, selfContained: true)
        XCTAssertEqual(FileKind.at(directory.appendingPathComponent("page.html").path, followingLinks: false), .symbolicLink)
        XCTAssertTrue(try String(contentsOf: pageTarget, encoding: .utf8).contains("<html"))
        let pagePipe = directory.appendingPathComponent("piped.html")
        XCTAssertEqual(mkfifo(pagePipe.path, 0o600), 0)
        XCTAssertThrowsError(try write(name: "piped", to: directory, selfContained: true))
        XCTAssertEqual(FileKind.at(pagePipe.path, followingLinks: false), .fifo)
    }
}
