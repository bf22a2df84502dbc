import FineXLCore
import FineXLSupport

/// One implementation of one built-in aspect: how a common tool would apply it, with a level in
/// 0…1 mapped to a strength (level 1 ≈ a strong but common setting of that tool).
package struct PhotoEdit: Sendable {
    /// The built-in concept this edit applies ("warm tones").
    package let aspect: String
    /// What the edit does, short ("channel gains").
    package let implementation: String
    /// Which set of implementations it belongs to: 1 = the pixel arithmetic of Pillow's
    /// `ImageEnhance`/`ImageFilter` and ImageMagick, 2 = other colour spaces, curves and kernels
    /// (Lab, HSV, sigmoid, lens-like kernels, clumped grain), 3 = further variants.
    package let set: Int
    /// The level → strength mapping, for the README and the JSON.
    package let mapping: String
    let body: @Sendable (RGBImage, Float, UInt64) -> RGBImage

    init(_ aspect: String, _ implementation: String, set: Int, _ mapping: String,
         _ body: @escaping @Sendable (RGBImage, Float, UInt64) -> RGBImage) {
        self.aspect = aspect
        self.implementation = implementation
        self.set = set
        self.mapping = mapping
        self.body = body
    }

    /// "aspect / implementation", unique among `PhotoEdits.all`.
    package var id: String { "\(aspect) / \(implementation)" }

    /// The edited image at `level` (0…1), not yet rounded to 8 bits; `seed` fixes the noise of
    /// edits that have any (the same seed at every level, so only the strength changes).
    package func apply(_ image: RGBImage, level: Double, seed: UInt64) -> RGBImage {
        body(image, Float(min(max(level, 0), 1)), seed)
    }
}
