import FineXLCore
import FineXLSupport
import Foundation

/// A one-line progress counter on stderr, shown only when stderr is a terminal
/// and the work is long enough to be worth watching.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDraw = Date.distantPast
    private let start = Date()

    init(label: String, total: Int, enabled: Bool) {
        self.label = label
        self.total = total
        self.enabled = enabled && total >= 16 && isatty(STDERR_FILENO) == 1
    }

    func advance(by count: Int = 1) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        done += count
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let rate = Double(done) / max(now.timeIntervalSince(start), 1e-6)
        FileHandle.standardError.write(Data(String(format: "\r%@ %d/%d (%.0f/s)", TerminalText.safe(label), done, total, rate).utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
