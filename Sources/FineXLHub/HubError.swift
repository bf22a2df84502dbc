/// Why a hub model could not be had; the message names the id, the file and the cause.
package struct HubError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// Not in the cache and `HF_HUB_OFFLINE` is set.
        case offlineMissing
        /// Not in the cache and the hub could not be reached.
        case unreachable
        /// The hub has no such repository, revision or file.
        case notFound
        /// The repository is gated or private and the token (or its absence) does not open it.
        case accessDenied
        /// The bytes received are not the ones the hub stated.
        case checksumMismatch
        /// The cache could not be written (disk full, permissions).
        case writeFailed
        /// The connection broke and resuming did not finish the file, or the hub answered oddly.
        case transferFailed
    }

    package var kind: Kind
    package var message: String
    /// For `unreachable`: what went wrong with the connection, in a few words.
    package var cause: String?

    package init(_ kind: Kind, _ message: String, cause: String? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    package var description: String { message }

    /// True when the model may simply not be downloaded yet (as opposed to a wrong id or a broken hub).
    package var isUnavailable: Bool { kind == .offlineMissing || kind == .unreachable }
}
