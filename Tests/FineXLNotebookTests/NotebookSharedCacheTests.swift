@testable import FineXLNotebook
import FineXLDescriptor
import FineXLImage
import FineXLPipeline
import Foundation
import XCTest

/// The last step of embedding on many machines: shards fill `FINEXL_CACHE`, then one render embeds nothing.
final class NotebookSharedCacheTests: XCTestCase {
    override func tearDown() {
        unsetenv("FINEXL_CACHE")
    }

    func testARenderAfterShardedEmbeddingEmbedsNothing() throws {
        let scratch = try ScratchFolder()
        try SyntheticPairs(spec: SyntheticSpec(aspects: [(name: "warm tones", level: 0.6)], count: 5, seed: 3, size: 48))
            .write(to: scratch.url.appendingPathComponent("samples"))
        setenv("FINEXL_CACHE", scratch.url.appendingPathComponent("shared").path, 1)
        let pairs = try ImageFolderPairs(base: scratch.url.appendingPathComponent("samples/base"),
                                         personal: scratch.url.appendingPathComponent("samples/personal"))
        // Three machines, each with its own cache folder argument; FINEXL_CACHE puts them all in one place.
        // The tiny CLIP fixture: quick to load and run even in a debug build (the descriptor's first use is not).
        let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/clip/quickgelu-fp32")
        let encoder = try Encoders.make(.clip(model: model))
        let totals = try (1...3).map { index in
            try EmbeddingRun(encoder: encoder, cacheDirectory: scratch.url.appendingPathComponent("machine\(index)"),
                             showProgress: false).embedShard(pairs, try Shard(index: index, count: 3))
        }
        XCTAssertEqual(totals.map(\.embedded), [4, 3, 3])

        let embeddedBefore = EmbeddingCounts.process.embedded
        let cachedBefore = EmbeddingCounts.process.cached
        let (document, engine) = NotebookTestSupport.run("""
            ---
            encoder: clip
            model: \(model.path)
            ---
            ```finexl images
            base: samples/base
            personal: samples/personal
            ```

            ```finexl divergence
            ```
            """, in: scratch.url, useCache: true)
        XCTAssertEqual(engine.failures, 0, NotebookTestSupport.notes(document, level: .error).map(\.message).joined(separator: "\n"))
        XCTAssertEqual(EmbeddingCounts.process.embedded, embeddedBefore, "the render embedded images the shards had cached")
        XCTAssertEqual(EmbeddingCounts.process.cached - cachedBefore, 10)
    }
}
