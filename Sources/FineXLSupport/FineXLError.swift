/// The one error FineXL throws for what a user did or has: a kind, the message naming the input at
/// fault, and where there is one, the file and the line (a notebook line, a manifest). The command
/// line prints it as one `error:` line; a notebook shows it in place, quoting its line.
package struct FineXLError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// The input is wrong: a value out of range, a malformed file, a folder that is not there.
        case invalidInput
        /// A notebook directive needs what an earlier directive provides (images, a decomposition).
        case missingInput
        /// The encoder cannot be built on this machine (a model folder that is not downloaded):
        /// the notebook is fine, and what needs the encoder is skipped with a note.
        case encoderUnavailable
    }

    package var kind: Kind
    package var message: String
    /// The file at fault, when the message does not name it already.
    package var file: String?
    /// The line in `file` (or in the notebook being rendered).
    package var line: Int?

    package init(_ message: String, kind: Kind = .invalidInput, file: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
    }

    /// The same error placed at `line` unless it already has a line of its own.
    package func at(line fallback: Int?) -> FineXLError {
        var placed = self
        if placed.line == nil { placed.line = fallback }
        return placed
    }

    /// `FILE:LINE: message`, or the message alone when there is no file.
    package var description: String {
        guard let file else { return message }
        return "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
