import FineXLCore
import FineXLSupport
import Foundation

/// Each directive's output and state change on disk under `<output>/.cache/notebook/NAME/`,
/// one JSON file per key. A key is a SHA-256 over everything that determines the result
/// (see `NotebookEngine.cacheKey`), so an entry never needs invalidating: a change makes a new key.
///
/// NAME is the report's name, the one that owns `NAME.html` and `NAME_files/` in the same
/// folder, so every notebook rendering into that folder keeps its own entries (two notebooks
/// may compute the same key) and pruning one notebook's entries never touches another's.
struct DirectiveCache {
    struct Entry: Codable {
        /// Bumped when the stored layout changes, so old entries are ignored rather than misread.
        static let layout = 2
        var layout: Int
        var blocks: [ReportBlock]
        var change: StateChange
    }

    let directory: URL

    /// The entries of the report `owner` under the cache folder `root` (`<output>/.cache`).
    init(root: URL, owner: String) {
        directory = root.appendingPathComponent("notebook", isDirectory: true).appendingPathComponent(owner, isDirectory: true)
    }

    func load(key: String) -> Entry? {
        let file = directory.appendingPathComponent(key + ".json")
        guard let data = try? Data(contentsOf: file),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.layout == Entry.layout else { return nil }
        return entry
    }

    /// Writes atomically (temporary file, then rename) so an interrupted render never leaves a torn entry.
    func store(key: String, blocks: [ReportBlock], change: StateChange) throws {
        try Folder.create(directory, for: "notebook cache")
        let encoder = JSONEncoder()
        // `steps` draws the filter's run from the explanation, so the cache keeps it.
        encoder.userInfo[Explanation.includesFilterTrace] = true
        let data = try encoder.encode(Entry(layout: Entry.layout, blocks: blocks, change: change))
        let file = directory.appendingPathComponent(key + ".json")
        let temporary = directory.appendingPathComponent(".\(key).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try data.write(to: temporary)
        guard rename(temporary.path, file.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw FineXLError("cannot write cache entry \(file.path)")
        }
    }

    /// Removes this report's entries whose key is not in `used`. Every key depends on the
    /// FineXL build and on everything upstream, so without this each rebuild or edit would leave
    /// a render's worth of dead entries behind. Only files named as entries are touched; one that
    /// cannot be removed costs disk space, never a render.
    func prune(keeping used: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasSuffix(".json") {
            let key = String(name.dropLast(".json".count))
            guard Self.isKey(key), !used.contains(key) else { continue }
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// 64 lowercase hex digits, as `SHA256.finalizeHex` writes.
    private static func isKey(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
