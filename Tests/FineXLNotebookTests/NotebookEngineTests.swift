@testable import FineXLNotebook
import Foundation
import XCTest

final class NotebookEngineTests: XCTestCase {
    private typealias Support = NotebookTestSupport

    func testExplainsASyntheticModelTopToBottom() throws {
        let scratch = try ScratchFolder()
        let (document, engine) = Support.run("""
            # Study

            \(Support.tinyImages)

            ```finexl divergence
            bins: 6
            ```

            ```finexl concepts
            list: [warm tones, film grain, vignette, blurry]
            ```

            ```finexl decompose
            method: nnls
            bootstrap: 20
            ```

            ```finexl chart
            ```

            Top: `finexl top.name` at `finexl top.weight`; warm `finexl weight("warm tones")`; pairs `finexl pairs`.
            """, in: scratch.url)
        XCTAssertEqual(engine.failures, 0, "\(Support.notes(document, level: .error).map(\.message))")
        XCTAssertEqual(engine.directivesRun, 5)
        let explanation = try XCTUnwrap(engine.state.explanation)
        XCTAssertEqual(explanation.pairs, 8)
        // Both planted aspects are found, with positive weights.
        XCTAssertGreaterThan(explanation.weight(of: "warm tones") ?? 0, 0)
        XCTAssertGreaterThan(explanation.weight(of: "film grain") ?? 0, 0)
        let top = try XCTUnwrap(explanation.concepts.first)
        let weightsTable = try XCTUnwrap(Support.tables(document).first { $0.headers.contains("95 % interval") })
        XCTAssertEqual(weightsTable.rows.first?.first, top.name)
        XCTAssertEqual(weightsTable.rows.first?[1], NotebookFormat.number(top.weight))
        // Directions measured in context come with how far implementations differ: the interval
        // that includes it, then the sampling interval without it.
        XCTAssertEqual(Array(weightsTable.headers[2...3]), ["95 % interval", "Sampling interval"])
        XCTAssertEqual(weightsTable.rows.first?[2], NotebookFormat.interval(top.ci))
        XCTAssertEqual(weightsTable.rows.first?[3], NotebookFormat.interval(try XCTUnwrap(top.ciSampling)))
        // The histogram of the divergence and the weights chart.
        XCTAssertEqual(Support.figures(document).count, 2)
        XCTAssertTrue(Support.figures(document).allSatisfy { $0.png.starts(with: [0x89, 0x50, 0x4E, 0x47]) })
        let prose = Support.prose(document)
        XCTAssertTrue(prose.contains("Top: <span class=\"finexl-value\">\(top.name)</span>"), prose)
        XCTAssertTrue(prose.contains("pairs <span class=\"finexl-value\">8</span>"), prose)
        let warm = try XCTUnwrap(explanation.weight(of: "warm tones"))
        XCTAssertTrue(prose.contains("warm <span class=\"finexl-value\">\(NotebookFormat.number(warm))</span>"), prose)
    }

    func testFailingDirectivesShowErrorsInPlaceAndTheRestRenders() throws {
        let scratch = try ScratchFolder()
        let text = try String(contentsOf: Support.fixtures.appendingPathComponent("broken.md"), encoding: .utf8)
        let (document, engine) = Support.run(text, in: scratch.url)
        let errors = Support.notes(document, level: .error)
        // Unknown directive (line 11), unknown inline value (line 19), missing folder (line 22),
        // and concepts after it, which has no divergence for the new (failed) images.
        XCTAssertEqual(errors.map(\.line), [11, 19, 22, 26], errors.map(\.message).joined(separator: "\n"))
        XCTAssertEqual(engine.failures, 4)
        XCTAssertTrue(errors[0].message.contains("did you mean `decompose`?"))
        XCTAssertEqual(errors[0].quote, "```finexl decompse")
        XCTAssertTrue(errors[1].message.contains("nonsense.value"))
        XCTAssertTrue(errors[2].message.contains("no/such/folder"), errors[2].message)
        XCTAssertEqual(errors[2].quote, "base: no/such/folder")
        XCTAssertTrue(errors[3].message.contains("needs a divergence"), errors[3].message)
        // The divergence after the broken directive still ran, and its inline value rendered.
        XCTAssertTrue(Support.tables(document).contains { $0.caption?.hasPrefix("V_div = mean") ?? false })
        // The failed images directive discarded the images, so nothing stale is left for later directives.
        XCTAssertNil(engine.state.source)
        XCTAssertNil(engine.state.divergence)
        XCTAssertTrue(Support.prose(document).contains("The divergence norm is <span class=\"finexl-value\">"))
        XCTAssertTrue(Support.prose(document).contains("finexl-inline-error"))
    }

    func testDirectiveNeedingMissingStateSaysWhichDirectiveProvidesIt() throws {
        let scratch = try ScratchFolder()
        let (document, engine) = Support.run("```finexl decompose\n```\n", in: scratch.url)
        XCTAssertEqual(engine.failures, 1)
        let error = try XCTUnwrap(Support.notes(document, level: .error).first)
        XCTAssertEqual(error.line, 1)
        XCTAssertTrue(error.message.contains("`finexl divergence`"), error.message)
    }

    func testUnknownInlineValueIsAFailureWithItsLine() throws {
        let scratch = try ScratchFolder()
        let (document, engine) = Support.run("# T\n\nFirst line.\nValue: `finexl top.colour`.\n", in: scratch.url)
        XCTAssertEqual(engine.failures, 1)
        let error = try XCTUnwrap(Support.notes(document, level: .error).first)
        XCTAssertTrue((3...4).contains(error.line ?? 0), "line \(String(describing: error.line))")
        XCTAssertTrue(error.message.contains("top.colour"))
    }

    func testSyntheticSpecProblemsPointAtTheirKey() throws {
        let scratch = try ScratchFolder()
        let (document, _) = Support.run("""
            ```finexl images
            synthetic:
              aspects: {warm tones: 0.5}
              cont: 8
            ```
            """, in: scratch.url)
        let error = try XCTUnwrap(Support.notes(document, level: .error).first)
        XCTAssertEqual(error.line, 4)
        XCTAssertTrue(error.message.contains("did you mean `count`?"), error.message)
    }

    func testClipWithoutModelFolderRendersANoteAndSucceeds() throws {
        let scratch = try ScratchFolder()
        let (document, engine) = Support.run("""
            ---
            encoder: clip
            model: ./models/not-downloaded
            ---
            \(Support.tinyImages)

            ```finexl divergence
            ```

            ```finexl chart
            ```

            Top: `finexl top.name`.
            """, in: scratch.url)
        XCTAssertEqual(engine.failures, 0, Support.notes(document, level: .error).map(\.message).joined(separator: "\n"))
        let info = Support.notes(document, level: .info)
        XCTAssertTrue(info.first?.message.contains("huggingface-cli download openai/clip-vit-base-patch32") ?? false)
        XCTAssertEqual(info.first?.line, 3)
        XCTAssertTrue(Support.prose(document).contains("n/a"))
    }

    func testHeadingsGetUniqueAnchorsAndTheTitleFallsBackToTheFirstHeading() throws {
        let scratch = try ScratchFolder()
        let (document, _) = Support.run("# Results & notes\n\n## Results & notes\n\n## V_div\n\n## !!!\n", in: scratch.url)
        // The engine asks for no id; the report makes every one with its one slug rule.
        let anchors = document.blocks.compactMap { block -> String? in
            if case .heading(_, _, let anchor) = block { return anchor }
            return nil
        }
        XCTAssertEqual(anchors, ["", "", "", ""])
        let (view, _) = try ReportView.make(from: document, name: "n", css: "", figureDirectoryURL: nil)
        XCTAssertEqual(view.blocks.compactMap(\.heading?.anchor), ["results-notes", "results-notes-2", "v-div", "section"])
        XCTAssertEqual(document.title, "Results & notes")
    }

    func testStepsShowTheFilterRunTheDecompositionRecordedAlsoFromTheCache() throws {
        let scratch = try ScratchFolder()
        let text = """
            \(Support.tinyImages)

            ```finexl divergence
            ```

            ```finexl concepts
            list: [warm tones, film grain, sepia, muted colors, vignette]
            ```

            ```finexl decompose
            method: paper
            eOrtho: 0.3
            bootstrap: 10
            ```

            ```finexl steps
            ```
            """
        for useCache in [true, true] {
            let (document, engine) = Support.run(text, in: scratch.url, useCache: useCache)
            XCTAssertEqual(engine.failures, 0, "\(Support.notes(document, level: .error).map(\.message))")
            let explanation = try XCTUnwrap(engine.state.explanation)
            let trace = try XCTUnwrap(explanation.filter, "the cached explanation keeps the filter's trace")
            XCTAssertEqual(explanation.method, .paper)
            XCTAssertEqual(trace.visits.count, 5)
            // The filter's rejections are the steps table, in the order the filter visited them.
            let rejectedTable = Support.tables(document).first { $0.caption == "Rejected by the filter" }
            XCTAssertEqual(rejectedTable?.rows ?? [], trace.rejected.map { [$0.name, $0.reason] })
            XCTAssertTrue(Support.prose(document).contains("\(trace.kept.count) of 5 candidates are kept"))
            // The cosine table after the filter lists the kept concepts in the order they were kept.
            let candidates = try XCTUnwrap(engine.state.candidates).concepts
            let afterTable = try XCTUnwrap(Support.tables(document).first { $0.caption?.hasPrefix("cos between kept") ?? false })
            XCTAssertEqual(afterTable.rows.map(\.first), trace.kept.enumerated().map { "\($0.offset + 1). \(candidates[$0.element].name)" })
        }
    }
}
