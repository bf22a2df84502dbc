/// One image as read from its source once: the digest of what was read, and its pixels
/// decoded from that same read only when asked for (a cache hit never decodes).
package struct ImageRead: Sendable {
    /// A hex digest of the image's bytes (or of what determines them), as `contentDigest` gives.
    package let digest: String
    private let decoder: @Sendable (BoxReduction) throws -> ReducedImage

    /// For images that are always made at full size.
    package init(digest: String, decode: @escaping @Sendable () throws -> RGBImage) {
        self.digest = digest
        decoder = { _ in ReducedImage(try decode(), by: 1) }
    }

    /// For images that can be reduced while they are decoded (`decode` may still reduce by 1).
    package init(digest: String, decodeAllowing: @escaping @Sendable (BoxReduction) throws -> ReducedImage) {
        self.digest = digest
        decoder = decodeAllowing
    }

    /// The pixels at full size, decoded from the bytes already read.
    package func decode() throws -> RGBImage {
        try decoder(.none).means
    }

    /// The pixels decoded from the bytes already read, reduced as far as `reduction` allows when
    /// the source can do that while decoding, else by 1.
    package func decode(reduction: BoxReduction) throws -> ReducedImage {
        try decoder(reduction)
    }
}
