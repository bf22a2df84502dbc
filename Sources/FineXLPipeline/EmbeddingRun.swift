import FineXLCore
import FineXLImage
import Foundation

/// Embeds both sides of a paired source on all cores, reusing cached embeddings.
public struct EmbeddingRun: Sendable {
    public let encoder: any ImageEncoder
    private let cache: EmbeddingCache?
    private let showProgress: Bool

    public init(encoder: any ImageEncoder, cacheDirectory: URL?, showProgress: Bool = true) {
        self.encoder = encoder
        cache = cacheDirectory.map { EmbeddingCache(root: $0, encoderIdentity: encoder.identity) }
        self.showProgress = showProgress
    }

    /// Embeds both sides of a paired source: rows of `base` and `personal` pair by index.
    public func embed(_ source: any PairedImageSource) throws -> EmbeddedPairs {
        let count = source.names.count
        let jobs = PairSide.allCases.flatMap { side in (0..<count).map { (side, $0) } }
        let values = try embedItems(
            count: jobs.count,
            image: { try source.image(jobs[$0].0, at: jobs[$0].1) },
            digest: { try source.contentDigest(jobs[$0].0, at: jobs[$0].1) },
            describe: { "\(jobs[$0].0.rawValue) image \(source.names[jobs[$0].1])" })
        return EmbeddedPairs(names: source.names, base: Array(values[0..<count]), personal: Array(values[count...]))
    }

    /// Embeds image files in order (what `finexl embed` writes).
    public func embed(files: [URL]) throws -> [[Double]] {
        try embedItems(
            count: files.count,
            image: { try ImageDecoder.decode(contentsOf: files[$0]) },
            digest: { i in
                guard let data = FileManager.default.contents(atPath: files[i].path) else {
                    throw FineXLError("cannot read \(files[i].path)")
                }
                return SHA256.hex(bytes: data)
            },
            describe: { files[$0].path })
    }

    private func embedItems(count: Int, image: @escaping @Sendable (Int) throws -> RGBImage,
                            digest: @escaping @Sendable (Int) throws -> String,
                            describe: @escaping @Sendable (Int) -> String) throws -> [[Double]] {
        let progress = ProgressLine(label: "embedding images", total: count, enabled: showProgress)
        defer { progress.finish() }

        // Cached embeddings first; what is left is decoded and embedded.
        let digests: [String?] = cache == nil ? Array(repeating: nil, count: count) : try Parallel.map(count, digest)
        var results = [[Double]?](repeating: nil, count: count)
        var pending: [Int] = []
        for i in 0..<count {
            if let cache, let key = digests[i], let hit = cache.load(digest: key, dimension: encoder.dimension) {
                results[i] = hit
                progress.advance()
            } else {
                pending.append(i)
            }
        }

        let encoder = self.encoder
        var computed: [(Int, [Float])] = []
        if encoder.parallelizesInternally {
            let batchSize = max(encoder.preferredBatchSize, 1)
            for start in stride(from: 0, to: pending.count, by: batchSize) {
                let batch = Array(pending[start..<min(start + batchSize, pending.count)])
                let images = try Parallel.map(batch.count) { try image(batch[$0]) }
                let embeddings = try encoder.embed(images)
                guard embeddings.count == batch.count else {
                    throw FineXLError("the \(encoder.name) encoder returned \(embeddings.count) embeddings for \(batch.count) images")
                }
                computed += zip(batch, embeddings).map { ($0, $1) }
                progress.advance(by: batch.count)
            }
        } else {
            let todo = pending
            let embeddings = try Parallel.map(todo.count) { j -> [Float] in
                let output = try encoder.embed([try image(todo[j])])
                guard output.count == 1 else {
                    throw FineXLError("the \(encoder.name) encoder returned \(output.count) embeddings for one image")
                }
                progress.advance()
                return output[0]
            }
            computed = Array(zip(todo, embeddings))
        }
        for (i, embedding) in computed {
            guard embedding.count == encoder.dimension, embedding.allSatisfy(\.isFinite) else {
                throw FineXLError("the \(encoder.name) encoder returned an invalid embedding for \(describe(i))")
            }
            results[i] = embedding.map(Double.init)
            if let cache, let key = digests[i] { try cache.store(embedding, digest: key) }
        }
        return results.map { $0! }
    }
}
