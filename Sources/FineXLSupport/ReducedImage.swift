/// An image reduced by a whole factor k: the mean of each k×k box, and each box's top-left pixel
/// (a remainder narrower than k at the right or bottom is dropped). At factor 1 both are the
/// image itself. Decoders make it while decoding (`BoxReducer`), so the full-size image never
/// exists; `init(_:by:)` makes the same, bit for bit, from a whole image.
package struct ReducedImage: Sendable, Equatable {
    package let factor: Int
    /// The mean of each box: the image as seen at the smaller size.
    package let means: RGBImage
    /// The top-left pixel of each box, unaveraged: what the pixel values themselves were.
    package let samples: RGBImage

    init(factor: Int, means: RGBImage, samples: RGBImage) {
        self.factor = factor
        self.means = means
        self.samples = samples
    }

    /// `image` reduced by `factor`, from 1 (the image itself) up to its shorter side.
    package init(_ image: RGBImage, by factor: Int) {
        guard factor > 1 else {
            self.init(factor: 1, means: image, samples: image)
            return
        }
        var reducer = BoxReducer(width: image.width, height: image.height, factor: factor)
        let rowValues = image.width * 3
        image.pixels.withUnsafeBufferPointer { source in
            for y in 0..<(reducer.height * factor) {
                reducer.addRow { row in
                    _ = row.update(fromContentsOf: source[(y * rowValues)..<((y + 1) * rowValues)])
                }
            }
        }
        self = reducer.reduced()
    }
}
