import ArgumentParser
import FineXLCLIP
import FineXLCore
import FineXLImage
import FineXLPipeline
import Foundation

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write L2-normalized projected CLIP embeddings, float32 [N, D], as NumPy .npy.")

    @Option(help: "Encoder (clip only).") var encoder = EncoderKind.clip
    @Option(help: "CLIP model folder (transformers layout).") var model: String
    @Option(help: "Output .npy file.") var out: String
    @Flag(help: "Inputs are texts, not image paths.") var text = false
    @Argument(help: "Image paths, or strings with --text.") var inputs: [String]

    func validate() throws {
        guard encoder == .clip else { throw FineXLError("finexl embed supports --encoder clip only (got \"\(encoder.rawValue)\")") }
        guard !inputs.isEmpty else { throw FineXLError("no inputs given") }
    }

    func run() throws {
        let clip = try CLIPModel.load(from: URL(fileURLWithPath: model))
        let rows: [[Float]]
        if text {
            rows = try clip.embedTexts(inputs)
        } else {
            let run = EmbeddingRun(encoder: CLIPEncoder(model: clip), cacheDirectory: nil)
            rows = try run.embed(files: inputs.map { URL(fileURLWithPath: $0) }).map { $0.map(Float.init) }
        }
        try NPY.write(rows, to: URL(fileURLWithPath: out))
        FileHandle.standardError.write(Data("wrote \(rows.count) × \(rows.first?.count ?? 0) embeddings to \(out)\n".utf8))
    }
}
