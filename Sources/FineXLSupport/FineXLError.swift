/// An error a user sees as one `error:` line; the message names the input at fault.
public struct FineXLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
