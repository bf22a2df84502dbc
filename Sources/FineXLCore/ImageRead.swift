/// One image as read from its source once: the digest of what was read, and its pixels
/// decoded from that same read only when asked for (a cache hit never decodes).
public struct ImageRead: Sendable {
    /// A hex digest of the image's bytes (or of what determines them), as `contentDigest` gives.
    public let digest: String
    private let decoder: @Sendable () throws -> RGBImage

    public init(digest: String, decode: @escaping @Sendable () throws -> RGBImage) {
        self.digest = digest
        decoder = decode
    }

    /// The pixels, decoded from the bytes already read.
    public func decode() throws -> RGBImage {
        try decoder()
    }
}
