import ArgumentParser
import FineXLCore
import FineXLImage
import FineXLNotebook
import FineXLPipeline
import Foundation

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one personalized model against its base.",
        discussion: """
            Images pair by file name (same prompt and seed). With --encoder npy, --model names a folder \
            holding base.npy, personal.npy and, for concepts, concepts.npy with concepts.txt (one name a line); \
            --base and --personal are then not needed.
            """)

    @Option(help: "Folder of base-model images.") var base: String?
    @Option(help: "Folder of personalized-model images.") var personal: String?
    @OptionGroup var encoderOptions: EncoderOptions
    @Option(help: "Where concepts come from: vocabulary, vlm, or a list \"a, b, c\".") var concepts = "vocabulary"
    @Option(help: "How many vocabulary concepts go on to the filter.") var top = 20
    @OptionGroup var methodOptions: MethodOptions
    @OptionGroup var vlmOptions: VLMOptions
    @Option(help: "Cache folder for embeddings and VLM answers (default: ~/.cache/finexl).") var cacheDir: String?
    @Flag(help: "Recompute everything, read and write no cache.") var noCache = false
    @Flag(help: "Print the explanation as JSON (schema finexl.explanation/2).") var json = false
    @Option(help: "Also write an HTML report to this file.") var output: String?

    func run() throws {
        let outputFile = output.map { URL(fileURLWithPath: $0) }
        if let outputFile {
            guard base != nil, personal != nil else {
                throw FineXLError("--output needs --base and --personal (reports show the images)")
            }
            try ExplanationReport.check(outputFile)
        }
        let spec = try encoderOptions.spec()
        let cache = noCache ? nil : CachePaths.directory(cacheDir)
        let request = try ConceptRequests.parse(concepts, top: top, vlm: vlmOptions, cacheDirectory: cache)
        let run = try ModelExplanation.run(
            base: base, personal: personal, encoder: spec, concepts: request,
            options: methodOptions.options(), cacheDirectory: cache)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(run.explanation), as: UTF8.self))
        } else {
            print(ExplanationTable.render(run.explanation, notes: run.candidates.notes))
        }
        for warning in run.explanation.warnings where json {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        if let outputFile {
            // From this run's results: the images are embedded once, and the page matches what was printed.
            let url = try ExplanationReport.write(run, modelFolder: encoderOptions.model, to: outputFile)
            FileHandle.standardError.write(Data("wrote \(url.path)\n".utf8))
        }
    }
}

struct EncoderOptions: ParsableArguments {
    @Option(help: "Encoder: descriptor (built in), clip (needs --model), npy (precomputed).") var encoder = "descriptor"
    @Option(help: "CLIP model folder (transformers layout), or the npy folder.") var model: String?

    func spec() throws -> EncoderSpec {
        switch encoder {
        case "descriptor":
            return .descriptor
        case "clip":
            guard let model else { throw FineXLError("--encoder clip needs --model DIR (a transformers CLIP model folder)") }
            return .clip(model: URL(fileURLWithPath: model))
        case "npy":
            guard let model else { throw FineXLError("--encoder npy needs --model DIR holding base.npy and personal.npy") }
            return .npy(directory: URL(fileURLWithPath: model))
        default:
            throw FineXLError("unknown encoder \"\(encoder)\"; use descriptor, clip or npy")
        }
    }
}

struct MethodOptions: ParsableArguments {
    @Option(help: "Decomposition: \(DecompositionMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method = ExplainOptions().method.rawValue
    @Option(name: .customLong("e-ortho"), help: "Orthogonality threshold of Eq. 9.") var eOrtho = ExplainOptions().eOrtho
    @Option(name: .customLong("e-decomp"), help: "Residual threshold of Eq. 11 (paper method).") var eDecomp = ExplainOptions().eDecomp
    @Option(help: "Bootstrap resamples for the 95 % intervals.") var bootstrap = ExplainOptions().bootstrapResamples
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 0

    func options() throws -> ExplainOptions {
        guard let m = DecompositionMethod(rawValue: method) else {
            throw FineXLError("unknown method \"\(method)\"; use \(DecompositionMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard eOrtho > 0, eDecomp > 0, eDecomp < 1 else {
            throw FineXLError("--e-ortho must be > 0 and --e-decomp between 0 and 1")
        }
        guard bootstrap >= 0 else { throw FineXLError("--bootstrap must be ≥ 0") }
        return ExplainOptions(method: m, eOrtho: eOrtho, eDecomp: eDecomp, bootstrapResamples: bootstrap, seed: seed)
    }
}

enum CachePaths {
    /// `--cache-dir`, else $XDG_CACHE_HOME/finexl, else ~/.cache/finexl.
    static func directory(_ explicit: String?) -> URL {
        if let explicit { return URL(fileURLWithPath: explicit, isDirectory: true) }
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("finexl")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/finexl")
    }
}
