import FineXLCore
import FineXLSupport
import Foundation

/// `--shard I/N`: the I-th of N interleaved parts of a list (1 ≤ I ≤ N), the items at 0-based
/// positions p with p mod N = I − 1, in order; N shards interleave back into the whole list.
package struct Shard: Sendable, Equatable, CustomStringConvertible {
    package let index: Int
    package let count: Int

    package init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw FineXLError("--shard \(index)/\(count): need I/N with 1 ≤ I ≤ N")
        }
        self.index = index
        self.count = count
    }

    package init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw FineXLError("--shard \"\(text)\": expected I/N, e.g. 2/8 for the second of eight shards")
        }
        try self.init(index: index, count: count)
    }

    package func contains(_ position: Int) -> Bool { position % count == index - 1 }

    /// This shard's part of `items`, in order.
    package func select<T>(_ items: [T]) -> [T] {
        stride(from: index - 1, to: items.count, by: count).map { items[$0] }
    }

    package var description: String { "\(index)/\(count)" }
}

/// How many images a run embedded and how many it took from the embedding cache, for the whole
/// process (what `finexl explain` reports, and what proves a sharded pre-embedding left nothing to do).
package final class EmbeddingCounts: @unchecked Sendable {
    package static let process = EmbeddingCounts()
    private let lock = NSLock()
    private var embeddedCount = 0
    private var cachedCount = 0

    package var embedded: Int { lock.withLock { embeddedCount } }
    package var cached: Int { lock.withLock { cachedCount } }

    func record(embedded: Int = 0, cached: Int = 0) {
        lock.withLock {
            embeddedCount += embedded
            cachedCount += cached
        }
    }
}
