import FineXLCore
import FineXLSupport
import Foundation

/// Embeddings on disk, one small file per image, keyed by the encoder's identity and
/// the image's content digest (SHA-256 of its bytes), so a re-render embeds nothing.
/// `FINEXL_CACHE`, when set, holds them instead of the caller's cache folder: one folder
/// (on a shared file system) that many processes and machines fill at once.
struct EmbeddingCache: Sendable {
    let directory: URL

    init(root: URL, encoderIdentity: String) {
        directory = (Self.sharedRoot ?? root).appendingPathComponent("embeddings", isDirectory: true)
            .appendingPathComponent(String(encoderIdentity.prefix(16)), isDirectory: true)
    }

    /// `FINEXL_CACHE`, when set and not empty.
    static var sharedRoot: URL? {
        guard let path = ProcessInfo.processInfo.environment["FINEXL_CACHE"], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: (path as NSString).expandingTildeInPath, isDirectory: true)
    }

    private func file(for digest: String) -> URL {
        directory.appendingPathComponent(digest + ".f32")
    }

    func load(digest: String, dimension: Int) -> [Double]? {
        guard let data = try? Data(contentsOf: file(for: digest)), data.count == dimension * 4 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<dimension).map { Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))) }
        }
    }

    /// Written under a name of this process's own in the same folder, then renamed over the entry:
    /// a reader sees the whole entry or none, and two writers of one entry write the same bytes.
    func store(_ embedding: [Float], digest: String) throws {
        var data = Data(capacity: embedding.count * 4)
        for value in embedding {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        try Folder.create(directory, for: "embedding cache")
        try AtomicFile.write(data, to: file(for: digest))
    }
}
