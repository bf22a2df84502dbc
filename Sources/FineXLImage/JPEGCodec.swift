import CJPEG
import FineXLCore

/// The one place that talks to libjpeg (through the CJPEG shim, which catches libjpeg's fatal
/// errors with setjmp in C). No C pointer leaves this file.
enum JPEGCodec {
    /// Decodes baseline and progressive JPEGs, gray or colour; CMYK is converted without a profile.
    /// The corresponding C function is `cjpeg_decode`.
    static func decode(bytes: [UInt8], name: String) throws -> RGBImage {
        var decoded = cjpeg_decoded()
        let (status, text) = bytes.withUnsafeBufferPointer { data in
            CMessage.call(capacity: CJPEG_MESSAGE_CAPACITY) { cjpeg_decode(data.baseAddress, data.count, sizeCheck, &decoded, $0) }
        }
        if status == CJPEG_OVER_LIMIT { throw FineXLError("\(name) is \(text)") }
        guard status == 0 else {
            throw FineXLError("\(name) is not a valid JPEG (\(text))")
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

    /// `ImageLimits`, asked by the C decoder with the size the frame header declares.
    private static let sizeCheck: cjpeg_size_check = { width, height, message in
        guard let problem = ImageLimits.problem(width: Int(width), height: Int(height)) else { return 0 }
        CMessage.write(problem, to: message!, capacity: CJPEG_MESSAGE_CAPACITY)
        return 1
    }
}
