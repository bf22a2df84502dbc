import ArgumentParser
import FineXLCLIP
import FineXLCore
import FineXLImage
import FineXLPipeline
import FineXLSupport
import Foundation

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write L2-normalized projected CLIP embeddings, float32 [N, D], as NumPy .npy.")

    @Option(help: "Encoder (clip only).") var encoder = EncoderKind.clip
    @Option(help: "CLIP model folder (transformers layout) or Hugging Face id ORG/NAME[@REVISION].") var model: String
    @Option(help: "Output .npy file.") var out: String
    @Flag(help: "Inputs are texts, not image paths.") var text = false
    @Option(help: "Embed only shard I of N: the inputs at 0-based positions p with p mod N = I - 1, in order.")
    var shard: String?
    @Argument(help: "Image paths, or strings with --text.") var inputs: [String]

    func validate() throws {
        guard encoder == .clip else { throw FineXLError("finexl embed supports --encoder clip only (got \"\(encoder.rawValue)\")") }
        guard !inputs.isEmpty else { throw FineXLError("no inputs given") }
        if let shard {
            let selected = try Shard(parsing: shard).select(inputs)
            guard !selected.isEmpty else {
                throw FineXLError("--shard \(shard): this shard of \(inputs.count) inputs is empty; use at most \(inputs.count) shards")
            }
        }
    }

    func run() throws {
        let inputs = try shard.map { try Shard(parsing: $0).select(self.inputs) } ?? self.inputs
        let clip = try CLIPModel.load(from: try ModelFolder.resolve(model))
        let rows: [[Float]]
        if text {
            rows = try clip.embedTexts(inputs)
        } else {
            // Images go through the shared cache when FINEXL_CACHE names one, so a later explain or render reuses them.
            let run = EmbeddingRun(encoder: CLIPEncoder(model: clip), cacheDirectory: EmbeddingRun.sharedCacheDirectory)
            rows = try run.embed(files: inputs.map { URL(fileURLWithPath: $0) }).map { $0.map(Float.init) }
        }
        try NPY.write(rows, to: URL(fileURLWithPath: out))
        FileHandle.standardError.write(Data("wrote \(rows.count) × \(rows.first?.count ?? 0) embeddings to \(out)\n".utf8))
    }
}
