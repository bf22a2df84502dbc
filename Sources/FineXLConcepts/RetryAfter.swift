import Foundation

/// The `Retry-After` header of a 429 or 503 answer (RFC 9110 §10.2.3): seconds to wait, or
/// the HTTP-date to wait until.
enum RetryAfter {
    /// Seconds to wait from `now`; 0 for a date already past; nil for a value of neither form.
    static func delay(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text) {
            return seconds.isFinite && seconds >= 0 ? seconds : nil
        }
        return HTTPDate.parse(text, now: now).map { max(0, $0.timeIntervalSince(now)) }
    }
}
