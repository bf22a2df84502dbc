import CJPEG
import FineXLSupport

/// The one place that talks to libjpeg (through the CJPEG shim, which catches libjpeg's fatal
/// errors with setjmp in C). No C pointer leaves this file.
enum JPEGCodec {
    /// Decodes baseline and progressive JPEGs, gray or colour; CMYK is converted without a profile.
    /// The corresponding C function is `cjpeg_decode`.
    static func decode(bytes: [UInt8], name: String) throws -> RGBImage {
        var decoded = cjpeg_decoded()
        var message = [CChar](repeating: 0, count: Int(CJPEG_MESSAGE_CAPACITY))
        let status = bytes.withUnsafeBufferPointer { data in
            message.withUnsafeMutableBufferPointer { text in
                cjpeg_decode(data.baseAddress, data.count, UInt64(ImageDecoder.maxPixels), &decoded, text.baseAddress)
            }
        }
        guard status == 0 else {
            throw FineXLError("\(name) is not a valid JPEG (\(text(message)))")
        }
        defer { cjpeg_decoded_free(&decoded) }

        let width = Int(decoded.width)
        let height = Int(decoded.height)
        let source = UnsafeBufferPointer(start: decoded.rgb8, count: width * height * 3)
        let scale: Float = 1 / 255
        let pixels = [Float](unsafeUninitializedCapacity: source.count) { out, initialized in
            for i in 0..<source.count { out[i] = Float(source[i]) * scale }
            initialized = source.count
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The NUL-terminated C message buffer as a Swift string.
    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
