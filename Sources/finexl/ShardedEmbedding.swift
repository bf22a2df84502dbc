import FineXLCore
import FineXLImage
import FineXLPipeline
import FineXLSupport
import Foundation

/// `finexl explain --shard I/N`: one machine's part of the embedding, into the cache, and nothing more.
enum ShardedEmbedding {
    static func run(base: String?, personal: String?, encoder spec: EncoderSpec, shard: Shard, cacheDirectory: URL?) throws {
        if case .npy = spec { throw FineXLError("--shard embeds images; with --encoder npy there is nothing to embed") }
        guard let base, let personal else { throw FineXLError("--shard needs --base DIR and --personal DIR") }
        let pairs = try ImageFolderPairs(base: URL(fileURLWithPath: base), personal: URL(fileURLWithPath: personal))
        let run = EmbeddingRun(encoder: try Encoders.make(spec), cacheDirectory: cacheDirectory)
        let counts = try run.embedShard(pairs, shard)
        let folder = EmbeddingRun.sharedCacheDirectory ?? cacheDirectory
        FileHandle.standardError.write(Data(("shard \(shard): embedded \(counts.embedded), cached \(counts.cached) "
            + "(\(counts.total) of \(2 * pairs.names.count) images) into \(folder?.path ?? "the cache"); "
            + "when every shard is done, run explain without --shard (or finexl render) to use them\n").utf8))
    }
}
