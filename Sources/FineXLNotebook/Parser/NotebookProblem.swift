/// Something wrong with a notebook, kept as a value with the notebook line it concerns so
/// that all problems are reported in place rather than thrown one at a time.
public struct NotebookProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line in the notebook file.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
