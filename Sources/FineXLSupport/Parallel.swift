import Dispatch
import Foundation

/// Data-parallel loops over all cores (Dispatch's concurrentPerform).
package enum Parallel {
    package static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` on contiguous slices of `0..<count`, one slice per core (fewer when a slice
    /// would hold under `minimumPerTask` items). Each call gets a disjoint range, so a body that
    /// writes only the rows of its range needs no locking.
    package static func slices(_ count: Int, minimumPerTask: Int = 1, _ body: (Range<Int>) -> Void) {
        let tasks = max(1, min(cores, count / max(1, minimumPerTask)))
        if tasks == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = SharedBody(run: body)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let begin = count * task / tasks
                let end = count * (task + 1) / tasks
                if begin < end { shared.run(begin..<end) }
            }
        }
    }

    private struct SharedBody: @unchecked Sendable {
        let run: (Range<Int>) -> Void
    }

    /// `body(i)` for every i in 0..<count, results in index order, rethrowing the first error.
    /// Throws what `body` throws (typed, so a non-throwing body needs no `try`).
    package static func map<T: Sendable, Failure: Error>(
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
