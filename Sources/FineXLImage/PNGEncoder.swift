import FineXLSupport

/// Writes 8-bit PNGs with no time or text chunks, so the same pixels always give the same bytes
/// (reports and caches compare them).
package enum PNGEncoder {
    /// Encodes an image as 8-bit RGB; values are clamped to `0...1` and rounded.
    package static func encode(_ image: RGBImage) throws -> [UInt8] {
        let samples = image.pixels.map { value -> UInt8 in
            guard value > 0 else { return 0 }  // also maps NaN to 0
            return value >= 1 ? 255 : UInt8((value * 255).rounded())
        }
        return try PNGCodec.encode(width: image.width, height: image.height, channels: 3, samples: samples)
    }

    /// Encodes interleaved 8-bit R, G, B, A rows, top to bottom.
    package static func encodeRGBA(width: Int, height: Int, rgba: [UInt8]) throws -> [UInt8] {
        try PNGCodec.encode(width: width, height: height, channels: 4, samples: rgba)
    }
}
