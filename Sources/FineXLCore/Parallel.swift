import Dispatch
import Foundation

/// Data-parallel loops over all cores (Dispatch's concurrentPerform) that keep
/// results in order and rethrow the first error.
public enum Parallel {
    /// `body(i)` for every i in 0..<count, results in index order.
    public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        guard count > 0 else { return [] }
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            guard !slots.failed else { return }
            do {
                slots.set(i, try body(i))
            } catch {
                slots.fail(error)
            }
        }
        if let error = slots.error { throw error }
        return slots.values
    }

    private final class Slots<T: Sendable>: @unchecked Sendable {
        private var storage: [T?]
        private var firstError: Error?
        private let lock = NSLock()

        init(count: Int) { storage = Array(repeating: nil, count: count) }

        func set(_ i: Int, _ value: T) { lock.withLock { storage[i] = value } }
        func fail(_ error: Error) { lock.withLock { if firstError == nil { firstError = error } } }
        var failed: Bool { lock.withLock { firstError != nil } }
        var error: Error? { lock.withLock { firstError } }
        var values: [T] { lock.withLock { storage.map { $0! } } }
    }
}
