import FineXLCore
import Foundation

/// Embeddings on disk, one small file per image, keyed by the encoder's identity and
/// the image's content digest, so a re-render embeds nothing.
struct EmbeddingCache: Sendable {
    let directory: URL

    init(root: URL, encoderIdentity: String) {
        directory = root.appendingPathComponent("embeddings", isDirectory: true)
            .appendingPathComponent(String(encoderIdentity.prefix(16)), isDirectory: true)
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

    func store(_ embedding: [Float], digest: String) throws {
        var data = Data(capacity: embedding.count * 4)
        for value in embedding {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FineXLError("cannot create the embedding cache folder \(directory.path): " + Self.reason(directory, error))
        }
        try AtomicFile.write(data, to: file(for: digest))
    }

    /// Why a folder could not be made, naming the part of its path that is in the way.
    static func reason(_ folder: URL, _ error: Error) -> String {
        var part = folder
        while part.path != "/" {
            let kind = FileKind.at(part.path)
            if kind != .missing && kind != .directory { return "\(part.path) is \(kind.description), not a folder" }
            part = part.deletingLastPathComponent()
        }
        return (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
