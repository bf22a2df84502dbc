import FineXLCore
import Foundation

/// Each directive's output and state change on disk under `<output>/.cache/notebook/`,
/// one JSON file per key. A key is a SHA-256 over everything that determines the result
/// (see `NotebookEngine.cacheKey`), so an entry never needs invalidating: a change makes a new key.
struct DirectiveCache {
    struct Entry: Codable {
        /// Bumped when the stored layout changes, so old entries are ignored rather than misread.
        static let layout = 1
        var layout: Int
        var blocks: [ReportBlock]
        var change: StateChange
    }

    let directory: URL

    func load(key: String) -> Entry? {
        let file = directory.appendingPathComponent(key + ".json")
        guard let data = try? Data(contentsOf: file),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.layout == Entry.layout else { return nil }
        return entry
    }

    /// Writes atomically (temporary file, then rename) so an interrupted render never leaves a torn entry.
    func store(key: String, blocks: [ReportBlock], change: StateChange) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = try JSONEncoder().encode(Entry(layout: Entry.layout, blocks: blocks, change: change))
        let file = directory.appendingPathComponent(key + ".json")
        let temporary = directory.appendingPathComponent(".\(key).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try data.write(to: temporary)
        guard rename(temporary.path, file.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw FineXLError("cannot write cache entry \(file.path)")
        }
    }
}
