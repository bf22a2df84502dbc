/// Which side of a pair an image belongs to.
public enum PairSide: String, Sendable, CaseIterable {
    case base
    case personal
}

/// Base and personalized images paired one to one (same prompt and seed at the same index).
/// Folders on disk and in-memory synthetic models both provide images through this protocol.
public protocol PairedImageSource: Sendable {
    /// One name per pair, sorted deterministically.
    var names: [String] { get }
    /// The generation prompt of each pair when known (manifest or prompts.txt), else nil.
    var prompts: [String]? { get }
    /// Where the images come from, for reports ("samples/base ↔ samples/personal").
    var description: String { get }
    /// Decodes one image.
    func image(_ side: PairSide, at index: Int) throws -> RGBImage
    /// A hex digest of the image's bytes (or of what determines them), for on-disk caches.
    func contentDigest(_ side: PairSide, at index: Int) throws -> String
}
