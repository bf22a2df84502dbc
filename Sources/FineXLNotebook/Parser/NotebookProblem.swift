/// Something wrong with a notebook, kept as a value with the notebook line it concerns so
/// that all problems are reported in place rather than thrown one at a time.
package struct NotebookProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line in the notebook file.
    package var line: Int
    package var message: String

    package init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    package var description: String { "line \(line): \(message)" }
}
