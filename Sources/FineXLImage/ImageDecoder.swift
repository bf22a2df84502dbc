import FineXLSupport
import Foundation

/// Reads PNG and JPEG files into `RGBImage`, choosing the codec by the file's first bytes
/// rather than its extension (generators and downloads often mislabel files).
package enum ImageDecoder {
    /// Decodes the PNG or JPEG file at `url`; errors name the file as the user gave it.
    package static func decode(contentsOf url: URL) throws -> RGBImage {
        try decode(contentsOf: url, reduction: .none).means
    }

    /// Decodes the PNG or JPEG file at `url` reduced as far as `reduction` allows.
    package static func decode(contentsOf url: URL, reduction: BoxReduction) throws -> ReducedImage {
        let name = displayName(of: url)
        return try decode(bytes: readBytes(of: url, name: name), name: name, reduction: reduction)
    }

    /// Reads the file at `url` once: its SHA-256 now, its pixels decoded from the same bytes when asked.
    package static func read(_ url: URL) throws -> ImageRead {
        let name = displayName(of: url)
        let bytes = try readBytes(of: url, name: name)
        return ImageRead(digest: SHA256.hex(bytes: bytes),
                         decodeAllowing: { try decode(bytes: bytes, name: name, reduction: $0) })
    }

    /// Decodes PNG or JPEG bytes; `name` is used in error messages.
    package static func decode(bytes: [UInt8], name: String) throws -> RGBImage {
        try decode(bytes: bytes, name: name, reduction: .none).means
    }

    /// Decodes PNG or JPEG bytes reduced as far as `reduction` allows (as `ReducedImage(_:by:)`
    /// would, bit for bit); PNG and JPEG rows are reduced as they are decoded.
    package static func decode(bytes: [UInt8], name: String, reduction: BoxReduction) throws -> ReducedImage {
        switch ImageFormat.sniff(bytes) {
        case .png: return try PNGCodec.decode(bytes: bytes, name: name, reduction: reduction)
        case .jpeg: return try JPEGCodec.decode(bytes: bytes, name: name, reduction: reduction)
        case .empty:
            throw FineXLError("\(name) is empty, not an image")
        case .other(let kind):
            throw FineXLError("\(name) is \(kind); only PNG and JPEG images can be read")
        case .unknown:
            let head = bytes.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw FineXLError("\(name) is not a PNG or JPEG image (it starts with bytes \(head))")
        }
    }

    /// The path as the user wrote it (relative stays relative), for messages.
    static func displayName(of url: URL) -> String {
        url.isFileURL ? url.relativePath : url.absoluteString
    }

    static func readBytes(of url: URL, name: String) throws -> [UInt8] {
        switch FileKind.at(url.path) {
        case .missing: throw FineXLError("\(name) does not exist")
        case .directory: throw FineXLError("\(name) is a folder, not an image file")
        default: break
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FineXLError("\(name) cannot be read")
        }
        return [UInt8](data)
    }
}

/// What an image may declare, checked from its header before any pixel memory is allocated, so
/// memory follows what a file holds rather than what it claims. Documented in the README's Limits.
enum ImageLimits {
    /// 8192 x 8192: decoded whole as float RGB that is 805 MB.
    static let maxPixels = 1 << 26
    /// Either side (JPEG's own maximum).
    static let maxSide = 65_535
    /// Longer side over shorter side. Encoders enlarge short sides (the descriptor to 16 px, CLIP
    /// to its input size), so a 1 x 1,000,000 strip would cost gigabytes for 4 KB of file.
    static let maxAspectRatio = 100
    /// Interlaced PNGs are held whole while their seven passes arrive (up to 8 bytes a pixel).
    static let maxInterlacedPixels = 1 << 24

    /// Why an image of this size is not decoded ("W x H pixels: reason"), or nil when it may be.
    static func problem(width: Int, height: Int, interlaced: Bool = false) -> String? {
        let reason: String
        if width * height > maxPixels {
            reason = "more than the limit of \(maxPixels) pixels"
        } else if max(width, height) > maxSide {
            reason = "a side is longer than the limit of \(maxSide) pixels"
        } else if max(width, height) > min(width, height) * maxAspectRatio {
            reason = "one side is more than \(maxAspectRatio) times the other, the limit"
        } else if interlaced && width * height > maxInterlacedPixels {
            reason = "interlaced, and interlaced PNGs are held whole while decoding: "
                + "the limit for them is \(maxInterlacedPixels) pixels (save it non-interlaced)"
        } else {
            return nil
        }
        return "\(width) x \(height) pixels: \(reason)"
    }
}

/// Calls into the C shims, whose errors come back as text in a buffer the caller provides.
enum CMessage {
    /// Runs `body` with a zeroed message buffer of `capacity` bytes; its status and the text.
    static func call(capacity: Int32, _ body: (UnsafeMutablePointer<CChar>) -> Int32) -> (status: Int32, text: String) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(capacity)) { buffer in
            buffer.initialize(repeating: 0)
            let status = body(buffer.baseAddress!)
            buffer[buffer.count - 1] = 0
            return (status, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// Writes `text` into a C message buffer of `capacity` bytes, cut to fit, NUL-terminated.
    static func write(_ text: String, to buffer: UnsafeMutablePointer<CChar>, capacity: Int32) {
        let bytes = Array(text.utf8.prefix(Int(capacity) - 1))
        for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
        buffer[bytes.count] = 0
    }
}

/// What a file's first bytes say it is.
enum ImageFormat: Equatable {
    case png
    case jpeg
    case empty
    /// A known format that is not read, described for a message ("a WebP image").
    case other(String)
    case unknown

    static func sniff(_ bytes: [UInt8]) -> ImageFormat {
        func starts(with prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.isEmpty { return .empty }
        if starts(with: Array("GIF8".utf8)) { return .other("a GIF image") }
        if starts(with: Array("BM".utf8)) { return .other("a BMP image") }
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return .other("a TIFF image")
        }
        if bytes.count >= 12, starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return .other("a WebP image")
        }
        if bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) {
            return .other("an ISO media file (HEIC/AVIF or video)")
        }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return .other("a damaged PNG (bad signature)") }
        return .unknown
    }
}
