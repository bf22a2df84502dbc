import FineXLSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Base and personalized images from two folders, paired by file name stem
/// (`base/0007.png` ↔ `personal/0007.jpg`: same prompt, same seed).
/// Listing happens once at init; images are decoded only when asked for.
package struct ImageFolderPairs: PairedImageSource {
    package let base: URL
    package let personal: URL
    /// The shared stems, in natural order.
    package let names: [String]
    package let prompts: [String]?
    package var description: String {
        "\(ImageDecoder.displayName(of: base)) ↔ \(ImageDecoder.displayName(of: personal))"
    }
    package func description(relativeTo folder: URL) -> String {
        "\(DisplayPath.relative(base, to: folder)) ↔ \(DisplayPath.relative(personal, to: folder))"
    }
    private let baseFiles: [String]
    private let personalFiles: [String]

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]
    /// How many unpaired names an error lists per side before it only counts them.
    static let namesListedPerSide = 10

    package init(base: URL, personal: URL) throws {
        self.base = base
        self.personal = personal
        let (baseImages, baseSkipped) = try Self.listImages(in: base)
        let (personalImages, personalSkipped) = try Self.listImages(in: personal)

        let baseOnly = baseImages.keys.filter { personalImages[$0] == nil }
        let personalOnly = personalImages.keys.filter { baseImages[$0] == nil }
        if !baseOnly.isEmpty || !personalOnly.isEmpty {
            var parts: [String] = []
            if !baseOnly.isEmpty { parts.append(Self.unpairedList(baseOnly, folder: base)) }
            if !personalOnly.isEmpty { parts.append(Self.unpairedList(personalOnly, folder: personal)) }
            parts += [Self.skippedList(baseSkipped, folder: base), Self.skippedList(personalSkipped, folder: personal)].compactMap { $0 }
            throw FineXLError("images must pair by file name; " + parts.joined(separator: "; "))
        }

        let names = baseImages.keys.sorted(by: NaturalOrder.areInIncreasingOrder)
        self.names = names
        self.baseFiles = names.map { baseImages[$0]! }
        self.personalFiles = names.map { personalImages[$0]! }
        self.prompts = try PairPrompts.load(base: base, personal: personal, names: names)
    }

    package func image(_ side: PairSide, at index: Int) throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: url(side, at: index))
    }

    package func image(_ side: PairSide, at index: Int, reduction: BoxReduction) throws -> ReducedImage {
        try ImageDecoder.decode(contentsOf: url(side, at: index), reduction: reduction)
    }

    package func contentDigest(_ side: PairSide, at index: Int) throws -> String {
        try read(side, at: index).digest
    }

    package func read(_ side: PairSide, at index: Int) throws -> ImageRead {
        try ImageDecoder.read(url(side, at: index))
    }

    /// The file behind one side of one pair.
    package func url(_ side: PairSide, at index: Int) throws -> URL {
        guard names.indices.contains(index) else {
            throw FineXLError("pair index \(index) is out of range; \(description) has \(names.count) pairs")
        }
        switch side {
        case .base: return base.appendingPathComponent(baseFiles[index])
        case .personal: return personal.appendingPathComponent(personalFiles[index])
        }
    }

    /// Image files in `folder` keyed by stem, and the entries with an image name that are not
    /// readable images (a folder, a dangling link, a name that is not UTF-8), described for messages.
    /// Hidden files and other extensions are skipped.
    private static func listImages(in folder: URL) throws -> (images: [String: String], skipped: [String]) {
        let name = ImageDecoder.displayName(of: folder)
        switch FileKind.at(folder.path) {
        case .directory: break
        case .missing: throw FineXLError("image folder \(name) does not exist")
        case .regular: throw FineXLError("\(name) is a file, not a folder of images")
        case let kind: throw FineXLError("image folder \(name) is \(kind.description), not a folder of images")
        }
        let entries: [[UInt8]]
        do {
            entries = try rawEntries(of: folder)
        } catch {
            throw FineXLError("image folder \(name) cannot be listed: \(error.localizedDescription)")
        }
        var byStem: [String: String] = [:]
        var skipped: [String] = []
        for raw in entries.sorted(by: { $0.lexicographicallyPrecedes($1) }) where raw.first != UInt8(ascii: ".") {
            guard let entry = String(validating: raw, as: UTF8.self) else {
                // Not UTF-8: cannot be named in a notebook or paired by name; said so rather than dropped.
                if hasImageExtension(String(decoding: raw, as: UTF8.self)) {
                    skipped.append("\(TerminalText.escapedName(bytes: raw)) (its name is not UTF-8; rename it)")
                }
                continue
            }
            guard hasImageExtension(entry), let dot = entry.lastIndex(of: ".") else { continue }
            let kind = FileKind.at(folder.appendingPathComponent(entry).path)
            guard kind == .regular else {
                skipped.append("\(TerminalText.safe(entry)) (\(kind.description))")
                continue
            }
            let stem = String(entry[..<dot])
            if let other = byStem[stem] {
                throw FineXLError("\(name) holds both \(other) and \(entry); each pair name must appear once per folder")
            }
            byStem[stem] = entry
        }
        guard !byStem.isEmpty else {
            throw FineXLError("image folder \(name) has no .png, .jpg or .jpeg files"
                + (skippedList(skipped, folder: folder).map { "; " + $0 } ?? ""))
        }
        return (byStem, skipped)
    }

    private static func hasImageExtension(_ entry: String) -> Bool {
        guard let dot = entry.lastIndex(of: "."), dot != entry.startIndex else { return false }
        return imageExtensions.contains(entry[entry.index(after: dot)...].lowercased())
    }

    /// The names in `folder` as the file system stores them (bytes, which need not be UTF-8).
    /// The corresponding C functions are `opendir`, `readdir` and `closedir`.
    private static func rawEntries(of folder: URL) throws -> [[UInt8]] {
        guard let directory = opendir(folder.path) else {
            throw FineXLError(String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { buffer in Array(buffer.prefix { $0 != 0 }) }
            if bytes != [UInt8(ascii: ".")] && bytes != [UInt8(ascii: "."), UInt8(ascii: ".")] { names.append(bytes) }
        }
        return names
    }

    private static func skippedList(_ skipped: [String], folder: URL) -> String? {
        guard !skipped.isEmpty else { return nil }
        var listed = skipped.prefix(namesListedPerSide).joined(separator: ", ")
        if skipped.count > namesListedPerSide { listed += ", …" }
        return "not images in \(ImageDecoder.displayName(of: folder)): \(listed)"
    }

    private static func unpairedList(_ stems: [String], folder: URL) -> String {
        let sorted = stems.sorted(by: NaturalOrder.areInIncreasingOrder)
        var listed = sorted.prefix(namesListedPerSide).joined(separator: ", ")
        if sorted.count > namesListedPerSide { listed += ", …" }
        let count = sorted.count == 1 ? "1 name" : "\(sorted.count) names"
        return "\(count) only in \(ImageDecoder.displayName(of: folder)): \(listed)"
    }
}
