import FineXLCore
import FineXLImage
import FineXLSupport
import Foundation

extension EmbeddingRun {
    /// Embeds one shard of a paired source's images into the cache (base images first, then
    /// personal, as `embed(_:)` orders them) and keeps nothing else: the step one machine of many
    /// runs before a single `explain` or `render` that finds every image cached.
    package func embedShard(_ source: any PairedImageSource, _ shard: Shard) throws -> (embedded: Int, cached: Int, total: Int) {
        guard hasCache else { throw FineXLError("--shard needs the embedding cache (drop --no-cache; set FINEXL_CACHE to share one)") }
        let count = source.names.count
        let jobs = shard.select(PairSide.allCases.flatMap { side in (0..<count).map { (side, $0) } })
        let before = (EmbeddingCounts.process.embedded, EmbeddingCounts.process.cached)
        _ = try embedItems(
            count: jobs.count,
            read: { try source.read(jobs[$0].0, at: jobs[$0].1) },
            image: { try source.image(jobs[$0].0, at: jobs[$0].1, reduction: $1) },
            describe: { "\(jobs[$0].0.rawValue) image \(source.names[jobs[$0].1])" })
        return (EmbeddingCounts.process.embedded - before.0, EmbeddingCounts.process.cached - before.1, jobs.count)
    }
}

extension EmbeddingRun {
    /// `FINEXL_CACHE` when set: the embedding cache shared by every process that names it.
    package static var sharedCacheDirectory: URL? { EmbeddingCache.sharedRoot }
}
