import FineXLSupport
import Foundation

/// Base and personalized images from two folders, paired by file name stem
/// (`base/0007.png` ↔ `personal/0007.jpg`: same prompt, same seed).
/// Listing happens once at init; images are decoded only when asked for.
public struct ImageFolderPairs: PairedImageSource {
    public let base: URL
    public let personal: URL
    /// The shared stems, in natural order.
    public let names: [String]
    public let prompts: [String]?
    public var description: String {
        "\(ImageDecoder.displayName(of: base)) ↔ \(ImageDecoder.displayName(of: personal))"
    }
    private let baseFiles: [String]
    private let personalFiles: [String]

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]
    /// How many unpaired names an error lists per side before it only counts them.
    static let namesListedPerSide = 10

    public init(base: URL, personal: URL) throws {
        self.base = base
        self.personal = personal
        let baseImages = try Self.listImages(in: base)
        let personalImages = try Self.listImages(in: personal)

        let baseOnly = baseImages.keys.filter { personalImages[$0] == nil }
        let personalOnly = personalImages.keys.filter { baseImages[$0] == nil }
        if !baseOnly.isEmpty || !personalOnly.isEmpty {
            var parts: [String] = []
            if !baseOnly.isEmpty { parts.append(Self.unpairedList(baseOnly, folder: base)) }
            if !personalOnly.isEmpty { parts.append(Self.unpairedList(personalOnly, folder: personal)) }
            throw FineXLError("images must pair by file name; " + parts.joined(separator: "; "))
        }

        let names = baseImages.keys.sorted(by: NaturalOrder.areInIncreasingOrder)
        self.names = names
        self.baseFiles = names.map { baseImages[$0]! }
        self.personalFiles = names.map { personalImages[$0]! }
        self.prompts = try PairPrompts.load(base: base, personal: personal, names: names)
    }

    public func image(_ side: PairSide, at index: Int) throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: url(side, at: index))
    }

    public func image(_ side: PairSide, at index: Int, reduction: BoxReduction) throws -> ReducedImage {
        try ImageDecoder.decode(contentsOf: url(side, at: index), reduction: reduction)
    }

    public func contentDigest(_ side: PairSide, at index: Int) throws -> String {
        try read(side, at: index).digest
    }

    public func read(_ side: PairSide, at index: Int) throws -> ImageRead {
        try ImageDecoder.read(url(side, at: index))
    }

    /// The file behind one side of one pair.
    public func url(_ side: PairSide, at index: Int) throws -> URL {
        guard names.indices.contains(index) else {
            throw FineXLError("pair index \(index) is out of range; \(description) has \(names.count) pairs")
        }
        switch side {
        case .base: return base.appendingPathComponent(baseFiles[index])
        case .personal: return personal.appendingPathComponent(personalFiles[index])
        }
    }

    /// Image files in `folder` keyed by stem. Hidden files and other extensions are skipped.
    private static func listImages(in folder: URL) throws -> [String: String] {
        let name = ImageDecoder.displayName(of: folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            throw FineXLError("image folder \(name) does not exist")
        }
        guard isDirectory.boolValue else {
            throw FineXLError("\(name) is a file, not a folder of images")
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw FineXLError("image folder \(name) cannot be listed")
        }
        var byStem: [String: String] = [:]
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let dot = entry.lastIndex(of: ".")
            guard let dot, dot != entry.startIndex,
                  imageExtensions.contains(entry[entry.index(after: dot)...].lowercased()) else { continue }
            var entryIsDirectory: ObjCBool = false
            let path = folder.appendingPathComponent(entry).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory),
                  !entryIsDirectory.boolValue else { continue }
            let stem = String(entry[..<dot])
            if let other = byStem[stem] {
                throw FineXLError("\(name) holds both \(other) and \(entry); each pair name must appear once per folder")
            }
            byStem[stem] = entry
        }
        guard !byStem.isEmpty else {
            throw FineXLError("image folder \(name) has no .png, .jpg or .jpeg files")
        }
        return byStem
    }

    private static func unpairedList(_ stems: [String], folder: URL) -> String {
        let sorted = stems.sorted(by: NaturalOrder.areInIncreasingOrder)
        var listed = sorted.prefix(namesListedPerSide).joined(separator: ", ")
        if sorted.count > namesListedPerSide { listed += ", …" }
        let count = sorted.count == 1 ? "1 name" : "\(sorted.count) names"
        return "\(count) only in \(ImageDecoder.displayName(of: folder)): \(listed)"
    }
}
