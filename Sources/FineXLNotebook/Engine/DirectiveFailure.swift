/// Why a directive could not produce its output; shown in place as an error box quoting `line`
/// (the directive's own line when nil).
struct DirectiveFailure: Error, Sendable {
    var message: String
    var line: Int?

    init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }
}

/// The notebook's encoder cannot be built on this machine (a CLIP model folder that is not
/// there). Directives that need it are skipped with a note instead of failing, because the
/// notebook itself is fine; the note says how to get the model.
struct EncoderUnavailable: Error, Sendable {
    var message: String
}
