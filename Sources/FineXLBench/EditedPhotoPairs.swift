import FineXLCore
import FineXLSupport
import Foundation

/// One personalized model made from the photo set: each photo is a base image, and its
/// personalized partner is the same photo with `edits` applied in order, rounded to 8 bits as a
/// saved image would be. Images are made when the pipeline asks for them.
package struct EditedPhotoPairs: PairedImageSource {
    package let photos: PhotoSet
    package let edits: [(edit: PhotoEdit, level: Double)]

    package init(photos: PhotoSet, edits: [(edit: PhotoEdit, level: Double)]) {
        self.photos = photos
        self.edits = edits
    }

    package var names: [String] { photos.photos.map(\.name) }
    package var prompts: [String]? { nil }
    package var description: String {
        "\(PhotoSet.relativePath) ↔ " + edits.map { "\($0.edit.id) at \($0.level)" }.joined(separator: " + ")
    }

    package func image(_ side: PairSide, at index: Int) throws -> RGBImage {
        let base = photos.photos[index].image
        guard side == .personal else { return base }
        var image = base
        for (k, step) in edits.enumerated() {
            image = step.edit.apply(image, level: step.level, seed: Self.seed(photo: index, edit: step.edit, position: k))
        }
        return PixelMath.quantized8(image)
    }

    package func image(_ side: PairSide, at index: Int, reduction: BoxReduction) throws -> ReducedImage {
        let image = try self.image(side, at: index)
        return ReducedImage(image, by: reduction.factor(width: image.width, height: image.height))
    }

    /// The base file's SHA-256; for an edited image, a hash of that and the edits that made it.
    package func contentDigest(_ side: PairSide, at index: Int) throws -> String {
        let base = photos.photos[index].digest
        guard side == .personal else { return base }
        return SHA256.hex(base + "|" + edits.map { "\($0.edit.id)@\($0.level)" }.joined(separator: "|"))
    }

    /// Noise depends on the photo and the edit, not the level: a stronger level scales the same grain.
    static func seed(photo: Int, edit: PhotoEdit, position: Int) -> UInt64 {
        var hasher = SHA256()
        hasher.update("\(photo)|\(edit.id)|\(position)")
        let hex = hasher.finalizeHex()
        return UInt64(hex.prefix(16), radix: 16) ?? 0
    }
}
