import FineXLCore
import FineXLImage
import FineXLPipeline
import FineXLSupport
import Foundation
import XCTest

/// Images whose pixels encode their index, so embeddings can be checked for order.
private struct CountingSource: PairedImageSource {
    let names: [String]
    var prompts: [String]? { nil }
    var description: String { "counting source" }

    init(count: Int) { names = (0..<count).map { String(format: "%03d", $0) } }

    func image(_ side: PairSide, at index: Int) throws -> RGBImage {
        let value = Float(index) / 100 + (side == .personal ? 0.5 : 0)
        return RGBImage(width: 2, height: 2, fill: (value, 0, 0))
    }

    func contentDigest(_ side: PairSide, at index: Int) throws -> String {
        SHA256.hex("\(side.rawValue)-\(index)")
    }
}

/// Stands for files on disk: counts every read of an image's bytes, whichever way it is asked for.
private final class ReadCountingSource: PairedImageSource, @unchecked Sendable {
    let names = ["a", "b", "c"]
    var prompts: [String]? { nil }
    var description: String { "read-counting source" }
    private let lock = NSLock()
    private var readCount = 0

    var reads: Int { lock.withLock { readCount } }

    private func readBytes(_ side: PairSide, at index: Int) -> RGBImage {
        lock.withLock { readCount += 1 }
        return RGBImage(width: 2, height: 2, fill: (Float(index) / 10 + (side == .personal ? 0.5 : 0), 0, 0))
    }

    func image(_ side: PairSide, at index: Int) throws -> RGBImage {
        readBytes(side, at: index)
    }

    func contentDigest(_ side: PairSide, at index: Int) throws -> String {
        _ = readBytes(side, at: index)
        return SHA256.hex("\(side.rawValue)-\(index)")
    }

    func read(_ side: PairSide, at index: Int) throws -> ImageRead {
        let image = readBytes(side, at: index)
        return ImageRead(digest: SHA256.hex("\(side.rawValue)-\(index)")) { image }
    }
}

/// Embeds an image as its mean red value and counts how often it was asked to.
private final class MeanRedEncoder: ImageEncoder, @unchecked Sendable {
    let name = "mean-red"
    let dimension = 2
    let identity = "mean-red-v1"
    let preferredBatchSize: Int
    let parallelizesInternally: Bool
    let conceptMappingDescription = "test encoder"
    private let lock = NSLock()
    private var embedded = 0

    init(batch: Int, threaded: Bool) {
        preferredBatchSize = batch
        parallelizesInternally = threaded
    }

    var calls: Int { lock.withLock { embedded } }

    func embed(_ images: [RGBImage]) throws -> [[Float]] {
        lock.withLock { embedded += images.count }
        return images.map { [$0.pixels[0], 1] }
    }

    func mapConcepts(_ names: [String], context: ConceptContext) throws -> [ConceptMapping] {
        names.map { _ in .vector([1, 0]) }
    }
}

/// Accepts images box-averaged down to a 4 px shortest side and embeds each as its size.
private struct SizeEncoder: ImageEncoder {
    let name = "size"
    let dimension = 2
    let identity = "size-v1"
    let preferredBatchSize = 1
    let parallelizesInternally = false
    let conceptMappingDescription = "test encoder"
    var acceptedReduction: BoxReduction { BoxReduction(shortestSide: 4) }

    func embed(_ images: [RGBImage]) throws -> [[Float]] {
        images.map { [Float($0.width), Float($0.height)] }
    }

    func mapConcepts(_ names: [String], context: ConceptContext) throws -> [ConceptMapping] {
        names.map { _ in .vector([1, 0]) }
    }
}

final class EmbeddingRunTests: XCTestCase {
    func testEmbeddingsKeepPairOrderWhetherBatchedOrNot() throws {
        for encoder in [MeanRedEncoder(batch: 1, threaded: false), MeanRedEncoder(batch: 7, threaded: true)] {
            let pairs = try EmbeddingRun(encoder: encoder, cacheDirectory: nil, showProgress: false)
                .embed(CountingSource(count: 23))
            XCTAssertEqual(pairs.base.map { $0[0] }, (0..<23).map { Double(Float($0) / 100) })
            XCTAssertEqual(pairs.personal.map { $0[0] }, (0..<23).map { Double(Float($0) / 100 + 0.5) })
            XCTAssertEqual(try pairs.divergence().vector[0], 0.5, accuracy: 1e-6)
        }
    }

    func testSecondRunIsServedFromTheCache() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-cache-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let encoder = MeanRedEncoder(batch: 1, threaded: false)
        let first = try EmbeddingRun(encoder: encoder, cacheDirectory: cache, showProgress: false).embed(CountingSource(count: 5))
        XCTAssertEqual(encoder.calls, 10)
        let second = try EmbeddingRun(encoder: encoder, cacheDirectory: cache, showProgress: false).embed(CountingSource(count: 5))
        XCTAssertEqual(encoder.calls, 10, "nothing embedded again")
        XCTAssertEqual(first, second)
    }

    func testCachedRunsReadEachImageOnceWhetherItHitsOrMisses() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-cache-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        for encoder in [MeanRedEncoder(batch: 1, threaded: false), MeanRedEncoder(batch: 2, threaded: true)] {
            try? FileManager.default.removeItem(at: cache)
            let source = ReadCountingSource()
            let run = EmbeddingRun(encoder: encoder, cacheDirectory: cache, showProgress: false)
            let cold = try run.embed(source)
            XCTAssertEqual(source.reads, 6, "a miss decodes the bytes read to hash it")
            XCTAssertEqual(encoder.calls, 6)
            let warm = try run.embed(source)
            XCTAssertEqual(source.reads, 12, "a hit reads once, to hash")
            XCTAssertEqual(encoder.calls, 6)
            XCTAssertEqual(cold, warm)
            XCTAssertEqual(cold.personal.map { $0[0] }, [0.5, 0.6, 0.7].map { Double(Float($0)) })
        }
    }

    func testUncachedRunsDecodeWithoutHashing() throws {
        let source = ReadCountingSource()
        let encoder = MeanRedEncoder(batch: 4, threaded: true)
        _ = try EmbeddingRun(encoder: encoder, cacheDirectory: nil, showProgress: false).embed(source)
        XCTAssertEqual(source.reads, 6)
        XCTAssertEqual(encoder.calls, 6)
    }

    func testImagesAreDecodedAsSmallAsTheEncoderAccepts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-reduce-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [URL] = []
        for side in ["base", "personal"] {
            let sideFolder = folder.appendingPathComponent(side)
            try FileManager.default.createDirectory(at: sideFolder, withIntermediateDirectories: true)
            let file = sideFolder.appendingPathComponent("a.png")
            try Data(PNGEncoder.encode(RGBImage(width: 18, height: 13, fill: (0.2, 0.4, 0.6)))).write(to: file)
            files.append(file)
        }
        let pairs = try ImageFolderPairs(base: folder.appendingPathComponent("base"),
                                         personal: folder.appendingPathComponent("personal"))
        let cache = folder.appendingPathComponent("cache")
        for directory in [nil, cache, cache] {  // uncached, cache miss, cache hit
            let embedded = try EmbeddingRun(encoder: SizeEncoder(), cacheDirectory: directory, showProgress: false).embed(pairs)
            XCTAssertEqual(embedded.base, [[6, 4]], "18×13 averaged by 3")
            XCTAssertEqual(embedded.personal, [[6, 4]])
        }
        XCTAssertEqual(try EmbeddingRun(encoder: SizeEncoder(), cacheDirectory: nil, showProgress: false).embed(files: files),
                       [[6, 4], [6, 4]])
    }

    func testEncoderErrorsReachTheCaller() {
        struct Broken: PairedImageSource {
            var names: [String] { ["a", "b"] }
            var prompts: [String]? { nil }
            var description: String { "broken" }
            func image(_ side: PairSide, at index: Int) throws -> RGBImage { throw FineXLError("b.png is truncated") }
            func contentDigest(_ side: PairSide, at index: Int) throws -> String { "x" }
        }
        XCTAssertThrowsError(try EmbeddingRun(encoder: MeanRedEncoder(batch: 1, threaded: false), cacheDirectory: nil,
                                              showProgress: false).embed(Broken())) { error in
            XCTAssertEqual("\(error)", "b.png is truncated")
        }
    }
}
