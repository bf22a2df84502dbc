import FineXLCore
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

    public func embed(_ source: any PairedImageSource) throws -> EmbeddedPairs {
        let count = source.names.count
        let jobs = PairSide.allCases.flatMap { side in (0..<count).map { (side, $0) } }
        let progress = ProgressLine(label: "embedding images", total: jobs.count, enabled: showProgress)
        defer { progress.finish() }

        // Cached embeddings first; what is left is decoded and embedded.
        let digests: [String?] = cache == nil ? Array(repeating: nil, count: jobs.count)
            : try Parallel.map(jobs.count) { i in try source.contentDigest(jobs[i].0, at: jobs[i].1) }
        var results = [[Double]?](repeating: nil, count: jobs.count)
        var pending: [Int] = []
        for i in jobs.indices {
            if let cache, let digest = digests[i], let hit = cache.load(digest: digest, dimension: encoder.dimension) {
                results[i] = hit
                progress.advance()
            } else {
                pending.append(i)
            }
        }

        let encoder = self.encoder
        let validate: @Sendable (Int, [Float]) throws -> [Double] = { i, embedding in
            guard embedding.count == encoder.dimension, embedding.allSatisfy(\.isFinite) else {
                let (side, index) = jobs[i]
                throw FineXLError("the \(encoder.name) encoder returned an invalid embedding for \(side.rawValue) image \(source.names[index])")
            }
            return embedding.map(Double.init)
        }

        var computed: [(Int, [Float])] = []
        if encoder.parallelizesInternally {
            let batchSize = max(encoder.preferredBatchSize, 1)
            for start in stride(from: 0, to: pending.count, by: batchSize) {
                let batch = Array(pending[start..<min(start + batchSize, pending.count)])
                let images = try Parallel.map(batch.count) { j in try source.image(jobs[batch[j]].0, at: jobs[batch[j]].1) }
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
                let (side, index) = jobs[todo[j]]
                let output = try encoder.embed([try source.image(side, at: index)])
                guard output.count == 1 else {
                    throw FineXLError("the \(encoder.name) encoder returned \(output.count) embeddings for one image")
                }
                progress.advance()
                return output[0]
            }
            computed = Array(zip(todo, embeddings))
        }
        for (i, embedding) in computed {
            results[i] = try validate(i, embedding)
            if let cache, let digest = digests[i] { try cache.store(embedding, digest: digest) }
        }

        let values = results.map { $0! }
        return EmbeddedPairs(names: source.names, base: Array(values[0..<count]), personal: Array(values[count...]))
    }
}
