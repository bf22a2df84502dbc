import Foundation

/// Which side of a pair an image belongs to.
package enum PairSide: String, Sendable, CaseIterable {
    case base
    case personal
}

/// Base and personalized images paired one to one (same prompt and seed at the same index).
/// Folders on disk and in-memory synthetic models both provide images through this protocol.
package protocol PairedImageSource: Sendable {
    /// One name per pair, sorted deterministically.
    var names: [String] { get }
    /// The generation prompt of each pair when known (manifest or prompts.txt), else nil.
    var prompts: [String]? { get }
    /// Where the images come from, for reports ("samples/base ↔ samples/personal").
    var description: String { get }
    /// `description` for a report about `base` (the notebook's folder, or the working folder):
    /// folders named as `DisplayPath` names them, never with the rendering machine's absolute paths.
    func description(relativeTo base: URL) -> String
    /// Decodes one image.
    func image(_ side: PairSide, at index: Int) throws -> RGBImage
    /// Decodes one image for an encoder that accepts `reduction`: reduced while decoding where
    /// the source can do that, else by 1.
    func image(_ side: PairSide, at index: Int, reduction: BoxReduction) throws -> ReducedImage
    /// A hex digest of the image's bytes (or of what determines them), for on-disk caches.
    func contentDigest(_ side: PairSide, at index: Int) throws -> String
    /// The digest and, on demand, the pixels from one read of the image, so a cached run reads
    /// each file once: to hash it, and on a cache miss to decode the same bytes.
    func read(_ side: PairSide, at index: Int) throws -> ImageRead
    /// The aspects planted in the personalized images and their levels, when they are known
    /// (synthetic models): the truth an explanation can be checked against.
    var plantedAspects: [(name: String, level: Double)]? { get }
}

extension PairedImageSource {
    package var plantedAspects: [(name: String, level: Double)]? { nil }

    /// For sources that name no files (generated images).
    package func description(relativeTo base: URL) -> String { description }

    /// For sources that only make full-size images.
    package func image(_ side: PairSide, at index: Int, reduction: BoxReduction) throws -> ReducedImage {
        ReducedImage(try image(side, at: index), by: 1)
    }

    /// For sources with nothing to read (generated images): the digest of what determines the
    /// image, and the image made when asked for.
    package func read(_ side: PairSide, at index: Int) throws -> ImageRead {
        ImageRead(digest: try contentDigest(side, at: index),
                  decodeAllowing: { try self.image(side, at: index, reduction: $0) })
    }
}
