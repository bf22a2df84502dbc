import FineXLCore
import FineXLImage
@testable import FineXLNotebook
import FineXLSupport
import Foundation
import XCTest

final class NotebookRendererTests: XCTestCase {
    private typealias Support = NotebookTestSupport

    private let analysis = """
        ```finexl divergence
        ```

        ```finexl concepts
        list: [warm tones, film grain, vignette]
        ```

        ```finexl decompose
        bootstrap: 10
        ```

        ```finexl chart
        ```
        """

    private func renderer(_ scratch: ScratchFolder, useCache: Bool = true) -> NotebookRenderer {
        NotebookRenderer(options: RenderOptions(outputDirectory: scratch.url.appendingPathComponent("out"),
                                                selfContained: false, useCache: useCache, templates: nil))
    }

    func testRerenderTakesEveryDirectiveFromTheCache() throws {
        let scratch = try ScratchFolder()
        let notebook = try scratch.write("# Cached\n\n\(Support.tinyImages)\n\n\(analysis)\n", to: "cached.md")
        let first = try renderer(scratch).render(notebook: notebook)
        XCTAssertEqual(first.failures, 0)
        XCTAssertEqual(first.directives, 5)
        XCTAssertEqual(first.cachedDirectives, 0)
        let firstHTML = try String(contentsOf: first.htmlFile, encoding: .utf8)

        let second = try renderer(scratch).render(notebook: notebook)
        XCTAssertEqual(second.cachedDirectives, 5)
        XCTAssertEqual(second.failures, 0)
        XCTAssertEqual(first.htmlFile, second.htmlFile)
        XCTAssertTrue(try String(contentsOf: second.htmlFile, encoding: .utf8).contains("warm tones"))
        XCTAssertTrue(firstHTML.contains("warm tones"))
    }

    func testEditingADirectiveRecomputesItAndWhatDependsOnIt() throws {
        let scratch = try ScratchFolder()
        let notebook = try scratch.write("\(Support.tinyImages)\n\n\(analysis)\n", to: "edit.md")
        _ = try renderer(scratch).render(notebook: notebook)
        let edited = try String(contentsOf: notebook, encoding: .utf8).replacingOccurrences(of: "bootstrap: 10", with: "bootstrap: 12")
        try edited.write(to: notebook, atomically: true, encoding: .utf8)
        let result = try renderer(scratch).render(notebook: notebook)
        // images, divergence and concepts are unchanged; decompose changed, so the chart of it is recomputed too.
        XCTAssertEqual(result.cachedDirectives, 3)
    }

    func testEditingAnInputImageMissesTheCache() throws {
        let scratch = try ScratchFolder()
        for index in 0..<4 {
            let shade = Float(index) / 8
            let base = RGBImage(width: 32, height: 32, fill: (0.3 + shade, 0.4, 0.5))
            let personal = RGBImage(width: 32, height: 32, fill: (0.5 + shade, 0.4, 0.3))
            try Data(PNGEncoder.encode(base)).write(to: scratch.url.appendingPathComponent("base/\(index).png", isDirectory: false)
                .creatingFolder())
            try Data(PNGEncoder.encode(personal)).write(to: scratch.url.appendingPathComponent("personal/\(index).png")
                .creatingFolder())
        }
        let notebook = try scratch.write("""
            ```finexl images
            base: base
            personal: personal
            ```

            ```finexl divergence
            ```
            """, to: "folders.md")
        let first = try renderer(scratch).render(notebook: notebook)
        XCTAssertEqual(first.failures, 0)
        XCTAssertEqual(try renderer(scratch).render(notebook: notebook).cachedDirectives, 2)

        let changed = RGBImage(width: 32, height: 32, fill: (0.9, 0.2, 0.1))
        try Data(PNGEncoder.encode(changed)).write(to: scratch.url.appendingPathComponent("personal/2.png"))
        let after = try renderer(scratch).render(notebook: notebook)
        XCTAssertEqual(after.cachedDirectives, 0)
        XCTAssertEqual(after.failures, 0)
    }

    private func cacheEntries(_ scratch: ScratchFolder, of report: String) throws -> Set<String> {
        let folder = scratch.url.appendingPathComponent("out/.cache/notebook/\(report)")
        return Set(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") })
    }

    func testRenderRemovesTheEntriesItNoLongerUses() throws {
        let scratch = try ScratchFolder()
        let notebook = try scratch.write("\(Support.tinyImages)\n\n\(analysis)\n", to: "prune.md")
        _ = try renderer(scratch).render(notebook: notebook)
        let first = try cacheEntries(scratch, of: "prune")
        XCTAssertEqual(first.count, 5)
        let edited = try String(contentsOf: notebook, encoding: .utf8).replacingOccurrences(of: "bootstrap: 10", with: "bootstrap: 12")
        try edited.write(to: notebook, atomically: true, encoding: .utf8)
        XCTAssertEqual(try renderer(scratch).render(notebook: notebook).cachedDirectives, 3)
        let second = try cacheEntries(scratch, of: "prune")
        XCTAssertEqual(second.count, 5, "the replaced decompose and chart entries are gone")
        XCTAssertEqual(first.intersection(second).count, 3)
    }

    func testPruningNeverTouchesAnotherNotebooksEntries() throws {
        let scratch = try ScratchFolder()
        let text = "\(Support.tinyImages)\n\n\(analysis)\n"
        let first = try scratch.write(text, to: "first.md")
        let second = try scratch.write(text, to: "second.md")
        _ = try renderer(scratch).render(notebook: first)
        _ = try renderer(scratch).render(notebook: second)
        // The same directives give the same keys; the first notebook now stops using two of them.
        try text.replacingOccurrences(of: "bootstrap: 10", with: "bootstrap: 12").write(to: first, atomically: true, encoding: .utf8)
        _ = try renderer(scratch).render(notebook: first)
        XCTAssertEqual(try renderer(scratch).render(notebook: second).cachedDirectives, 5)
        XCTAssertEqual(try cacheEntries(scratch, of: "second").count, 5)
    }

    func testRenderWithAFailedCellRemovesNothing() throws {
        let scratch = try ScratchFolder()
        let text = "\(Support.tinyImages)\n\n\(analysis)\n"
        let notebook = try scratch.write(text, to: "broken-for-now.md")
        _ = try renderer(scratch).render(notebook: notebook)
        try text.replacingOccurrences(of: "list: [", with: "lisst: [").write(to: notebook, atomically: true, encoding: .utf8)
        XCTAssertGreaterThan(try renderer(scratch).render(notebook: notebook).failures, 0)
        try text.write(to: notebook, atomically: true, encoding: .utf8)
        XCTAssertEqual(try renderer(scratch).render(notebook: notebook).cachedDirectives, 5, "the typo cost no cached result")
    }

    func testNoCacheRecomputesEverything() throws {
        let scratch = try ScratchFolder()
        let notebook = try scratch.write("\(Support.tinyImages)\n\n```finexl divergence\n```\n", to: "nocache.md")
        _ = try renderer(scratch).render(notebook: notebook)
        XCTAssertEqual(try renderer(scratch, useCache: false).render(notebook: notebook).cachedDirectives, 0)
    }

    func testFailureGivesExitCodeOneAndStillWritesTheReport() throws {
        let scratch = try ScratchFolder()
        let notebook = try scratch.write("# Broken\n\n```finexl imagez\n```\n\nStill here.\n", to: "broken.md")
        let result = try renderer(scratch).render(notebook: notebook)
        XCTAssertEqual(result.failures, 1)
        XCTAssertEqual(result.exitCode, 1)
        let html = try String(contentsOf: result.htmlFile, encoding: .utf8)
        XCTAssertTrue(html.contains("Still here."))
        XCTAssertTrue(html.contains("imagez"))
    }

    func testNotebookFileIsUnchangedByRendering() throws {
        let scratch = try ScratchFolder()
        let notebook = try scratch.write("# Unchanged\n\n\(Support.tinyImages)\n\n```finexl divergence\n```\n", to: "same.md")
        let before = try Data(contentsOf: notebook)
        let modified = try FileManager.default.attributesOfItem(atPath: notebook.path)[.modificationDate] as? Date
        _ = try renderer(scratch).render(notebook: notebook)
        XCTAssertEqual(try Data(contentsOf: notebook), before)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: notebook.path)[.modificationDate] as? Date, modified)
        let entries = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted()
        XCTAssertEqual(entries, ["out", "same.md"])
    }

    func testUnreadableNotebookThrowsNamingIt() throws {
        let scratch = try ScratchFolder()
        let missing = scratch.url.appendingPathComponent("absent.md")
        XCTAssertThrowsError(try renderer(scratch).render(notebook: missing)) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains("absent.md") ?? false, "\(error)")
        }
    }
}

private extension URL {
    /// Creates the parent folder and returns the URL, for writing fixtures.
    func creatingFolder() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
