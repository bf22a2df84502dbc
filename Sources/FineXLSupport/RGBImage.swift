/// A decoded image held in one contiguous buffer: row-major, interleaved R, G, B,
/// sRGB-encoded values in `0...1` (alpha already composited on white).
package struct RGBImage: Sendable, Equatable {
    package let width: Int
    package let height: Int
    /// `width * height * 3` values, pixel (x, y) channel c at `(y * width + x) * 3 + c`.
    package var pixels: [Float]

    package init(width: Int, height: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3,
                     "RGBImage needs width * height * 3 values")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniformly filled image.
    package init(width: Int, height: Int, fill: (r: Float, g: Float, b: Float)) {
        var pixels = [Float](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = fill.r
            pixels[3 * i + 1] = fill.g
            pixels[3 * i + 2] = fill.b
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    @inlinable
    package subscript(x: Int, y: Int, channel: Int) -> Float {
        get { pixels[(y * width + x) * 3 + channel] }
        set { pixels[(y * width + x) * 3 + channel] = newValue }
    }
}
