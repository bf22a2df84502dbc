import FineXLSupport
import Foundation

/// The run's own base images, for an encoder that measures concepts on images: paper Eq. 6
/// maps a concept with the run's prompts; for images the same idea is to render the concept
/// on the run's base images. Read on demand, so an encoder that maps concepts from text (or
/// finds its directions cached) never decodes them.
package struct ContextImages: Sendable {
    package let count: Int
    private let reader: @Sendable (Int) throws -> ImageRead

    package init(count: Int, read: @escaping @Sendable (Int) throws -> ImageRead) {
        self.count = count
        reader = read
    }

    /// The base images of a paired source, in pair order.
    package init(baseOf source: any PairedImageSource) {
        self.init(count: source.names.count, read: { try source.read(.base, at: $0) })
    }

    /// Images already in memory, with a digest of their pixels.
    package init(images: [RGBImage]) {
        self.init(count: images.count, read: { i in
            let image = images[i]
            var bytes = [UInt8]()
            bytes.reserveCapacity(image.pixels.count * 4 + 16)
            for value in [image.width, image.height] { withUnsafeBytes(of: UInt64(value).littleEndian) { bytes += $0 } }
            for value in image.pixels { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
            return ImageRead(digest: SHA256.hex(bytes: bytes), decode: { image })
        })
    }

    /// Image `index`: its digest, and its pixels when decoded.
    package func read(_ index: Int) throws -> ImageRead {
        try reader(index)
    }
}

/// What a concept mapping measured, beside the directions themselves.
package struct MeasuredConcepts: Sendable {
    package var mappings: [ConceptMapping]
    /// For each concept, f(C) on each image it was measured on (nil when not measured on images).
    package var perImage: [[[Double]]?]
    /// For each concept, the weights levels of its rendering produce, when measured.
    package var levelResponses: [LevelResponse?]
    /// Where the directions were measured; nil for encoders that map concepts from text.
    package var source: DirectionSource?
    /// For each concept, its other forms (empty when it has one direction).
    package var forms: [[ConceptForm]]
    /// For each concept, the levels its name stands for, when stated.
    package var levelRanges: [LevelRange?]
    /// For each concept, its look made by another rendering, when the encoder has one.
    package var alternates: [ConceptRendering?]
    /// For each concept, the look it names and its opposite, when the encoder knows them.
    package var oppositions: [Opposition?]

    package init(mappings: [ConceptMapping], perImage: [[[Double]]?]? = nil, levelResponses: [LevelResponse?]? = nil,
                source: DirectionSource? = nil, forms: [[ConceptForm]]? = nil, levelRanges: [LevelRange?]? = nil,
                alternates: [ConceptRendering?]? = nil, oppositions: [Opposition?]? = nil) {
        self.mappings = mappings
        self.perImage = perImage ?? mappings.map { _ in nil }
        self.levelResponses = levelResponses ?? mappings.map { _ in nil }
        self.source = source
        self.forms = forms ?? mappings.map { _ in [] }
        self.levelRanges = levelRanges ?? mappings.map { _ in nil }
        self.alternates = alternates ?? mappings.map { _ in nil }
        self.oppositions = oppositions ?? mappings.map { _ in nil }
    }

    /// The candidate concept the `i`-th name becomes, with everything measured of it.
    package func concept(at i: Int, name: String, direction: [Double], origin: ConceptOrigin) -> Concept {
        Concept(name: name, direction: direction, origin: origin, perImage: perImage[i], levelResponse: levelResponses[i],
                forms: forms[i].isEmpty ? nil : forms[i], levelRange: levelRanges[i], alternate: alternates[i],
                opposition: oppositions[i])
    }
}
