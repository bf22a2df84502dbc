import FineXLCore
@testable import FineXLPipeline
import FineXLSupport
import Foundation
import XCTest

final class ShardTests: XCTestCase {
    func testShardsInterleaveBackIntoTheWholeList() throws {
        let items = Array(0..<11)
        let shards = try (1...3).map { try Shard(index: $0, count: 3).select(items) }
        XCTAssertEqual(shards, [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8]])
        var merged = [Int](repeating: -1, count: items.count)
        for (i, shard) in shards.enumerated() {
            for (j, item) in shard.enumerated() { merged[i + 3 * j] = item }
        }
        XCTAssertEqual(merged, items)
        XCTAssertEqual(try Shard(parsing: "1/1").select(items), items)
        XCTAssertTrue(try Shard(parsing: "2/3").contains(4))
        XCTAssertFalse(try Shard(parsing: "2/3").contains(5))
    }

    func testBadShardsAreNamed() {
        for text in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3"] {
            XCTAssertThrowsError(try Shard(parsing: text), text) { error in
                XCTAssertTrue((error as? FineXLError)?.message.contains("--shard") ?? false, "\(error)")
            }
        }
    }

    func testConcurrentWritersNeverLeaveAPartialEntry() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = EmbeddingCache(root: root, encoderIdentity: "test-encoder-identity")
        let dimension = 4096
        let embedding = (0..<dimension).map { Float($0) / 7 }
        let digests = (0..<8).map { SHA256.hex("image \($0)") }
        let partialReads = ManagedCounter()  // also counts failed writes
        // Writers rewrite the same entries while readers read them: a reader gets all or nothing.
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for round in 0..<20 {
                let digest = digests[(worker + round) % digests.count]
                if worker % 2 == 0 {
                    do { try cache.store(embedding, digest: digest) } catch { partialReads.increment() }
                } else if let read = cache.load(digest: digest, dimension: dimension),
                          read != embedding.map(Double.init) {
                    partialReads.increment()
                }
            }
        }
        XCTAssertEqual(partialReads.value, 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: cache.directory.path)
        XCTAssertEqual(Set(left), Set(digests.map { $0 + ".f32" }), "temporary files were left behind")
    }
}

private final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
