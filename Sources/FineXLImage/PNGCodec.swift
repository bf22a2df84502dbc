import CPNG
import FineXLCore

/// The one place that talks to libpng (through the CPNG shim, which keeps libpng's
/// setjmp/longjmp error handling in C). No C pointer leaves this file.
enum PNGCodec {
    /// Decodes any PNG kind; alpha (channel or tRNS) is composited on white.
    /// The corresponding C function is `cpng_decode`.
    static func decode(bytes: [UInt8], name: String) throws -> RGBImage {
        var decoded = cpng_decoded()
        var message = [CChar](repeating: 0, count: Int(CPNG_MESSAGE_CAPACITY))
        let status = bytes.withUnsafeBufferPointer { data in
            message.withUnsafeMutableBufferPointer { text in
                cpng_decode(data.baseAddress, data.count, UInt64(ImageDecoder.maxPixels), &decoded, text.baseAddress)
            }
        }
        guard status == 0 else {
            throw FineXLError("\(name) is not a valid PNG (\(text(message)))")
        }
        defer { cpng_decoded_free(&decoded) }

        let width = Int(decoded.width)
        let height = Int(decoded.height)
        let count = width * height
        var pixels = [Float](repeating: 0, count: count * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            if let wide = decoded.rgba16 {
                composite(UnsafeBufferPointer(start: wide, count: count * 4), scale: 1 / 65535, into: out)
            } else {
                composite(UnsafeBufferPointer(start: decoded.rgba8, count: count * 4), scale: 1 / 255, into: out)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// RGBA samples to RGB floats with alpha composited on white.
    private static func composite<Sample: BinaryInteger>(_ source: UnsafeBufferPointer<Sample>, scale: Float,
                                                         into out: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<(source.count / 4) {
            let alpha = Float(source[4 * i + 3]) * scale
            let white = 1 - alpha
            out[3 * i] = Float(source[4 * i]) * scale * alpha + white
            out[3 * i + 1] = Float(source[4 * i + 1]) * scale * alpha + white
            out[3 * i + 2] = Float(source[4 * i + 2]) * scale * alpha + white
        }
    }

    /// Encodes 8-bit RGB (3 channels) or RGBA (4 channels) rows.
    /// The corresponding C function is `cpng_encode`.
    static func encode(width: Int, height: Int, channels: Int, samples: [UInt8]) throws -> [UInt8] {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw FineXLError("cannot write a PNG of \(width) x \(height) pixels")
        }
        guard samples.count == width * height * channels else {
            throw FineXLError("cannot write a PNG of \(width) x \(height) pixels from \(samples.count) values; "
                + "expected \(width * height * channels)")
        }
        var encoded = cpng_encoded()
        var message = [CChar](repeating: 0, count: Int(CPNG_MESSAGE_CAPACITY))
        let status = samples.withUnsafeBufferPointer { data in
            message.withUnsafeMutableBufferPointer { text in
                cpng_encode(data.baseAddress, UInt32(width), UInt32(height), Int32(channels), &encoded, text.baseAddress)
            }
        }
        guard status == 0 else {
            throw FineXLError("cannot write a PNG: \(text(message))")
        }
        defer { cpng_encoded_free(&encoded) }
        return Array(UnsafeBufferPointer(start: encoded.bytes, count: encoded.count))
    }

    /// The NUL-terminated C message buffer as a Swift string.
    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
