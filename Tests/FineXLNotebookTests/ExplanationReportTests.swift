import FineXLCore
import FineXLDescriptor
@testable import FineXLNotebook
import FineXLPipeline
import FineXLSupport
import Foundation
import XCTest

/// The descriptor encoder, counting the images it is given.
private final class CountingEncoder: ImageEncoder, @unchecked Sendable {
    private let wrapped = DescriptorEncoder()
    private let lock = NSLock()
    private var count = 0

    var imagesEmbedded: Int { lock.withLock { count } }
    var name: String { wrapped.name }
    var dimension: Int { wrapped.dimension }
    var identity: String { wrapped.identity }
    var preferredBatchSize: Int { wrapped.preferredBatchSize }
    var parallelizesInternally: Bool { wrapped.parallelizesInternally }
    var conceptMappingDescription: String { wrapped.conceptMappingDescription }

    func embed(_ images: [RGBImage]) throws -> [[Float]] {
        lock.withLock { count += images.count }
        return try wrapped.embed(images)
    }

    func mapConcepts(_ names: [String], context: ConceptContext) throws -> [ConceptMapping] {
        try wrapped.mapConcepts(names, context: context)
    }
}

final class ExplanationReportTests: XCTestCase {
    func testReportOfAnExplainRunEmbedsNothingAgainAndShowsItsNumbers() throws {
        let scratch = try ScratchFolder()
        let source = try SyntheticPairs(spec: SyntheticSpec(aspects: [("warm tones", 0.7), ("film grain", 0.4)],
                                                            count: 8, seed: 2, size: 48))
        let encoder = CountingEncoder()
        let run = try Analysis.explain(source, encoder: encoder, concepts: .list(["warm tones", "film grain", "vignette"]),
                                           options: ExplainOptions(bootstrapResamples: 10), cacheDirectory: nil)
        XCTAssertEqual(encoder.imagesEmbedded, 16, "each of the 8 pairs' two images once")

        let url = try ExplanationReport.write(run, modelFolder: nil, to: scratch.url.appendingPathComponent("model.html"))
        XCTAssertEqual(encoder.imagesEmbedded, 16, "writing the report embeds nothing again")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted(),
                       ["model.html", "model_files"], "and keeps no embedding cache of its own beside it")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.url.appendingPathComponent("model_files").path)
                        .filter { !$0.hasPrefix(".") }.count, 2,
                       "the projection histogram and the weights chart")

        let html = try String(contentsOf: url, encoding: .utf8)
        XCTAssertFalse(run.explanation.concepts.isEmpty)
        for concept in run.explanation.concepts {
            XCTAssertTrue(html.contains("<td>\(concept.name)</td><td class=\"num\">\(NotebookFormat.number(concept.weight))</td>"),
                          "\(concept.name) with the weight the command printed")
        }
        XCTAssertTrue(html.contains("FineXL explanation: model"))
        XCTAssertTrue(html.contains("method \(run.explanation.method), eOrtho 0.2"))
    }

    func testOutputMustBeAnHTMLFile() throws {
        XCTAssertThrowsError(try ExplanationReport.check(URL(fileURLWithPath: "/tmp/report.md"))) { error in
            XCTAssertEqual((error as? FineXLError)?.message, "--output must name an .html file (got /tmp/report.md)")
        }
        XCTAssertNoThrow(try ExplanationReport.check(URL(fileURLWithPath: "/tmp/Report.HTML")))
    }
}
