import Foundation

/// Order-preserving parallel map over a small collection (images), on all cores.
enum ParallelMap {
    static func map<T: Sendable>(_ indices: Range<Int>, _ body: @Sendable (Int) -> T) -> [T] {
        let results = ResultBox<T>(count: indices.count)
        DispatchQueue.concurrentPerform(iterations: indices.count) { k in
            results.set(k, body(indices.lowerBound + k))
        }
        return results.values()
    }

    /// Slots written once each from different threads, read after all writers finished.
    private final class ResultBox<T>: @unchecked Sendable {
        private var slots: [T?]
        private let lock = NSLock()

        init(count: Int) {
            slots = Array(repeating: nil, count: count)
        }

        func set(_ index: Int, _ value: T) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }

        func values() -> [T] { slots.map { $0! } }
    }
}
