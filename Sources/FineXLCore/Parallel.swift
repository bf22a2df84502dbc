import Dispatch
import Foundation

/// Data-parallel loops over all cores (Dispatch's concurrentPerform) that keep
/// results in order and rethrow the first error.
public enum Parallel {
    /// `body(i)` for every i in 0..<count, results in index order. Throws what `body` throws
    /// (typed, so a non-throwing body needs no `try`).
    public static func map<T: Sendable, Failure: Error>(
        _ count: Int, _ body: @Sendable (Int) throws(Failure) -> T
    ) throws(Failure) -> [T] {
        guard count > 0 else { return [] }
        let slots = Slots<T, Failure>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            guard !slots.failed else { return }
            do throws(Failure) {
                slots.set(i, try body(i))
            } catch {
                slots.fail(error)
            }
        }
        if let error = slots.error { throw error }
        return slots.values
    }

    private final class Slots<T: Sendable, Failure: Error>: @unchecked Sendable {
        private var storage: [T?]
        private var firstError: Failure?
        private let lock = NSLock()

        init(count: Int) { storage = Array(repeating: nil, count: count) }

        func set(_ i: Int, _ value: T) { lock.withLock { storage[i] = value } }
        func fail(_ error: Failure) { lock.withLock { if firstError == nil { firstError = error } } }
        var failed: Bool { lock.withLock { firstError != nil } }
        var error: Failure? { lock.withLock { firstError } }
        var values: [T] { lock.withLock { storage.map { $0! } } }
    }
}
