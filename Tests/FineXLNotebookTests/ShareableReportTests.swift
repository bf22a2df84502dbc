import FineXLCore
import FineXLImage
@testable import FineXLNotebook
import FineXLSupport
import Foundation
import XCTest

/// Reports that can be shared as they are: no absolute paths of the rendering machine, and
/// notes that show their code spans as code.
final class ShareableReportTests: XCTestCase {
    func testANoteShowsItsCodeSpansAsCodeAndNothingElseAsMarkup() {
        XCTAssertEqual(ReportView.noteMarkup("add `model: x` to the front matter"),
                       "add <code>model: x</code> to the front matter")
        let hostile = ReportView.noteMarkup("`<script>alert(1)</script>` and <b>bold</b> & `a\"b`")
        XCTAssertEqual(hostile, "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code> and &lt;b&gt;bold&lt;/b&gt; &amp; "
                       + "<code>a&quot;b</code>")
        XCTAssertEqual(ReportView.noteMarkup("one `pair` and a lone ` backtick"),
                       "one <code>pair</code> and a lone ` backtick", "a backtick without its pair stays a backtick")
    }

    func testTheFooterNamesAnAbsoluteModelFolderFromTheNotebookFolder() {
        let folder = URL(fileURLWithPath: "/srv/study/notebooks")
        let lines = AnalysisBlocks.provenance(encoder: nil, encoderSetting: "clip", model: "/srv/study/notebooks/models/clip",
                                              folder: folder, decompositions: [])
        XCTAssertEqual(lines.first { $0.key == "Model folder" }?.value, "models/clip")
        let hub = AnalysisBlocks.provenance(encoder: nil, encoderSetting: "clip", model: "openai/clip-vit-base-patch32",
                                            folder: folder, decompositions: [])
        XCTAssertEqual(hub.first { $0.key == "Model folder" }?.value, "openai/clip-vit-base-patch32")
    }

    func testAReportRenderedFromATemporaryFolderHoldsNoAbsolutePathOfIt() throws {
        let scratch = try ScratchFolder()
        for side in ["base", "personal"] {
            try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("data/\(side)"),
                                                    withIntermediateDirectories: true)
        }
        for index in 0..<4 {
            let shade = Float(index) / 8
            try Data(PNGEncoder.encode(RGBImage(width: 32, height: 32, fill: (0.3 + shade, 0.4, 0.5))))
                .write(to: scratch.url.appendingPathComponent("data/base/\(index).png"))
            try Data(PNGEncoder.encode(RGBImage(width: 32, height: 32, fill: (0.5 + shade, 0.4, 0.3))))
                .write(to: scratch.url.appendingPathComponent("data/personal/\(index).png"))
        }
        let root = scratch.url.standardizedFileURL.path
        // Absolute image folders as the notebook's author wrote them, and a CLIP folder that is not there.
        let notebook = try scratch.write("""
            ---
            encoder: clip
            model: models/clip
            ---
            # Shared

            ```finexl images
            base: \(root)/data/base
            personal: \(root)/data/personal
            ```
            """, to: "shared.md")
        let renderer = NotebookRenderer(options: RenderOptions(outputDirectory: scratch.url.appendingPathComponent("out"),
                                                               selfContained: false, useCache: false, templates: nil))
        let result = try renderer.render(notebook: notebook)
        let html = try String(contentsOf: result.htmlFile, encoding: .utf8)
        XCTAssertTrue(html.contains("data/base ↔ data/personal"), "the images table names the folders from the notebook's")
        XCTAssertTrue(html.contains("<code>models/clip</code>"), "the note about the missing model shows its folder as code")
        XCTAssertFalse(html.contains(root), "the report names no absolute path of the machine that rendered it")
        XCTAssertFalse(html.contains("`models/clip`"), "backticks in notes are rendered, not shown")
    }

    func testImagesThatDoNotPairAreNamedFromTheNotebookFolder() throws {
        let scratch = try ScratchFolder()
        for side in ["base", "personal"] {
            try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("data/\(side)"),
                                                    withIntermediateDirectories: true)
        }
        let image = try Data(PNGEncoder.encode(RGBImage(width: 8, height: 8, fill: (0.3, 0.4, 0.5))))
        try image.write(to: scratch.url.appendingPathComponent("data/base/0.png"))
        try image.write(to: scratch.url.appendingPathComponent("data/base/1.png"))
        try image.write(to: scratch.url.appendingPathComponent("data/personal/0.png"))
        let (document, _) = NotebookTestSupport.run("```finexl images\nbase: data/base\npersonal: data/personal\n```\n",
                                                    in: scratch.url)
        let message = try XCTUnwrap(NotebookTestSupport.notes(document, level: .error).first?.message)
        XCTAssertTrue(message.contains("only in data/base"), message)
        XCTAssertFalse(message.contains(scratch.url.standardizedFileURL.path), message)
    }
}
