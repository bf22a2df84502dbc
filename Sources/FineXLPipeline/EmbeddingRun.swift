import FineXLCore
import FineXLImage
import FineXLSupport
import Foundation

/// Embeds both sides of a paired source on all cores, reusing cached embeddings.
package struct EmbeddingRun: Sendable {
    package let encoder: any ImageEncoder
    private let cache: EmbeddingCache?
    private let showProgress: Bool

    package init(encoder: any ImageEncoder, cacheDirectory: URL?, showProgress: Bool = true) {
        self.encoder = encoder
        cache = cacheDirectory.map { EmbeddingCache(root: $0, encoderIdentity: encoder.identity) }
        self.showProgress = showProgress
    }

    var hasCache: Bool { cache != nil }

    /// Embeds both sides of a paired source: rows of `base` and `personal` pair by index.
    package func embed(_ source: any PairedImageSource) throws -> EmbeddedPairs {
        let count = source.names.count
        let jobs = PairSide.allCases.flatMap { side in (0..<count).map { (side, $0) } }
        let values = try embedItems(
            count: jobs.count,
            read: { try source.read(jobs[$0].0, at: jobs[$0].1) },
            image: { try source.image(jobs[$0].0, at: jobs[$0].1, reduction: $1) },
            describe: { "\(jobs[$0].0.rawValue) image \(source.names[jobs[$0].1])" })
        return EmbeddedPairs(names: source.names, base: Array(values[0..<count]), personal: Array(values[count...]))
    }

    /// Embeds image files in order (what `finexl embed` writes).
    package func embed(files: [URL]) throws -> [[Double]] {
        try embedItems(
            count: files.count,
            read: { try ImageDecoder.read(files[$0]) },
            image: { try ImageDecoder.decode(contentsOf: files[$0], reduction: $1) },
            describe: { files[$0].path })
    }

    /// One item ready for the encoder, or already answered by the cache.
    private enum Prepared {
        case cached([Double])
        case decoded(ReducedImage, digest: String?)
    }

    /// With a cache each item is read once, hashed, and decoded from that same read only on a
    /// miss; without one it is only decoded. Either way it is decoded reduced as far as the
    /// encoder accepts. Items go one at a time to an encoder that runs on one core (all cores
    /// busy with items), in batches to one that parallelizes internally.
    func embedItems(count: Int, read: @escaping @Sendable (Int) throws -> ImageRead,
                            image: @escaping @Sendable (Int, BoxReduction) throws -> ReducedImage,
                            describe: @escaping @Sendable (Int) -> String) throws -> [[Double]] {
        let progress = ProgressLine(label: "embedding images", total: count, enabled: showProgress)
        defer { progress.finish() }
        let encoder = self.encoder
        let cache = self.cache
        let reduction = encoder.acceptedReduction

        @Sendable func prepare(_ i: Int) throws -> Prepared {
            guard let cache else { return .decoded(try image(i, reduction), digest: nil) }
            let item = try read(i)
            if let hit = cache.load(digest: item.digest, dimension: encoder.dimension) {
                EmbeddingCounts.process.record(cached: 1)
                return .cached(hit)
            }
            return .decoded(try item.decode(reduction: reduction), digest: item.digest)
        }
        @Sendable func accept(_ embedding: [Float], for i: Int, digest: String?) throws -> [Double] {
            guard embedding.count == encoder.dimension, embedding.allSatisfy(\.isFinite) else {
                throw FineXLError("the \(encoder.name) encoder returned an invalid embedding for \(describe(i))")
            }
            if let cache, let digest { try cache.store(embedding, digest: digest) }
            EmbeddingCounts.process.record(embedded: 1)
            return embedding.map(Double.init)
        }

        guard encoder.parallelizesInternally else {
            return try Parallel.map(count) { i -> [Double] in
                defer { progress.advance() }
                switch try prepare(i) {
                case .cached(let embedding):
                    return embedding
                case .decoded(let image, let digest):
                    let output = try encoder.embed(reduced: [image])
                    guard output.count == 1 else {
                        throw FineXLError("the \(encoder.name) encoder returned \(output.count) embeddings for one image")
                    }
                    return try accept(output[0], for: i, digest: digest)
                }
            }
        }

        var results: [[Double]] = []
        results.reserveCapacity(count)
        let batchSize = max(encoder.preferredBatchSize, 1)
        for start in stride(from: 0, to: count, by: batchSize) {
            let batch = Array(start..<min(start + batchSize, count))
            let prepared = try Parallel.map(batch.count) { try prepare(batch[$0]) }
            var misses: [(slot: Int, image: ReducedImage, digest: String?)] = []
            var values = [[Double]?](repeating: nil, count: batch.count)
            for (slot, item) in prepared.enumerated() {
                switch item {
                case .cached(let embedding): values[slot] = embedding
                case .decoded(let image, let digest): misses.append((slot, image, digest))
                }
            }
            if !misses.isEmpty {
                let embeddings = try encoder.embed(reduced: misses.map(\.image))
                guard embeddings.count == misses.count else {
                    throw FineXLError("the \(encoder.name) encoder returned \(embeddings.count) embeddings for \(misses.count) images")
                }
                for (miss, embedding) in zip(misses, embeddings) {
                    values[miss.slot] = try accept(embedding, for: batch[miss.slot], digest: miss.digest)
                }
            }
            results += values.map { $0! }
            progress.advance(by: batch.count)
        }
        return results
    }
}
