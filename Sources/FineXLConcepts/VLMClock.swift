import Foundation

/// What the VLM client needs of time: the current date (a `Retry-After` may be a date) and a
/// wait between retries. Tests inject a clock that records the waits instead of sleeping.
package protocol VLMClock: Sendable {
    var now: Date { get }
    func sleep(seconds: Double)
}

/// The wall clock; waits block the calling thread (the VLM API is synchronous).
package struct SystemClock: VLMClock {
    package init() {}
    package var now: Date { Date() }
    package func sleep(seconds: Double) { Thread.sleep(forTimeInterval: seconds) }
}
