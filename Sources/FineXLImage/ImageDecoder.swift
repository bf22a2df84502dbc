import FineXLSupport
import Foundation

/// Reads PNG and JPEG files into `RGBImage`, choosing the codec by the file's first bytes
/// rather than its extension (generators and downloads often mislabel files).
public enum ImageDecoder {
    /// Larger pictures are refused before their pixels are allocated: 8192 x 8192.
    static let maxPixels = 1 << 26

    /// Decodes the PNG or JPEG file at `url`; errors name the file as the user gave it.
    public static func decode(contentsOf url: URL) throws -> RGBImage {
        try decode(contentsOf: url, reduction: .none).means
    }

    /// Decodes the PNG or JPEG file at `url` reduced as far as `reduction` allows.
    public static func decode(contentsOf url: URL, reduction: BoxReduction) throws -> ReducedImage {
        let name = displayName(of: url)
        return try decode(bytes: readBytes(of: url, name: name), name: name, reduction: reduction)
    }

    /// Reads the file at `url` once: its SHA-256 now, its pixels decoded from the same bytes when asked.
    public static func read(_ url: URL) throws -> ImageRead {
        let name = displayName(of: url)
        let bytes = try readBytes(of: url, name: name)
        return ImageRead(digest: SHA256.hex(bytes: bytes),
                         decodeAllowing: { try decode(bytes: bytes, name: name, reduction: $0) })
    }

    /// Decodes PNG or JPEG bytes; `name` is used in error messages.
    public static func decode(bytes: [UInt8], name: String) throws -> RGBImage {
        try decode(bytes: bytes, name: name, reduction: .none).means
    }

    /// Decodes PNG or JPEG bytes reduced as far as `reduction` allows (as `ReducedImage(_:by:)`
    /// would, bit for bit); PNG rows are reduced as they are decoded.
    public static func decode(bytes: [UInt8], name: String, reduction: BoxReduction) throws -> ReducedImage {
        switch ImageFormat.sniff(bytes) {
        case .png: return try PNGCodec.decode(bytes: bytes, name: name, reduction: reduction)
        case .jpeg:
            let image = try JPEGCodec.decode(bytes: bytes, name: name)
            return ReducedImage(image, by: reduction.factor(width: image.width, height: image.height))
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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw FineXLError("\(name) does not exist")
        }
        guard !isDirectory.boolValue else {
            throw FineXLError("\(name) is a folder, not an image file")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FineXLError("\(name) cannot be read")
        }
        return [UInt8](data)
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
