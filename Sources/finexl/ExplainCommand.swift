import ArgumentParser
import FineXLCore
import FineXLImage
import FineXLNotebook
import FineXLPipeline
import FineXLSupport
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
    @Option(parsing: .unconditional, help: "How many vocabulary concepts go on to the filter.") var top = 20
    @OptionGroup var methodOptions: MethodOptions
    @OptionGroup var vlmOptions: VLMOptions
    @Option(help: "Cache folder for embeddings and VLM answers (default: ~/.cache/finexl).") var cacheDir: String?
    @Flag(help: "Recompute everything, read and write no cache.") var noCache = false
    @Flag(help: "Print the explanation as JSON (schema finexl.explanation/2).") var json = false
    @Option(help: "Also write the report to this file: FILE.html, or FILE.pdf (printed by headless Chromium).") var output: String?
    @Option(help: "PDF page size.") var pageSize = PageSize.a4
    @Option(help: "Only embed shard I of N of the images into the cache, then stop (share it with FINEXL_CACHE).")
    var shard: String?

    func validate() throws {
        if let output {
            guard base != nil, personal != nil else {
                throw FineXLError("--output needs --base and --personal (reports show the images)")
            }
            try ExplanationReport.checkOutput(URL(fileURLWithPath: output))
        }
        if ConceptRequests.isVocabulary(concepts) {
            guard top > 0 else { throw FineXLError("--top must be at least 1, got \(top)") }
        }
    }

    func run() throws {
        let outputFile = output.map { URL(fileURLWithPath: $0) }
        // Before any work: a missing Chromium is a setup problem, found in a second.
        let printer = try outputFile.flatMap { ExplanationReport.isPDF($0) ? try PDFPrinter(pageSize: pageSize) : nil }
        let spec = try encoderOptions.spec()
        let cache = noCache ? nil : CachePaths.directory(cacheDir)
        if let shard {
            return try ShardedEmbedding.run(base: base, personal: personal, encoder: spec, shard: try Shard(parsing: shard),
                                            cacheDirectory: cache)
        }
        let request = try ConceptRequests.parse(concepts, top: top, vlm: vlmOptions, cacheDirectory: cache)
        let run = try Analysis.explain(
            base: base, personal: personal, encoder: spec, concepts: request,
            options: methodOptions.options, cacheDirectory: cache)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(run.explanation), as: UTF8.self))
        } else {
            print(ExplanationTable.render(run.explanation, notes: run.candidates.notes))
        }
        if cache != nil {
            let counts = EmbeddingCounts.process
            FileHandle.standardError.write(Data("embedded \(counts.embedded), cached \(counts.cached)\n".utf8))
        }
        for warning in run.explanation.warnings where json {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        if let outputFile {
            // From this run's results: the images are embedded once, and the page matches what was printed.
            let url = try printer.map { try ExplanationReport.writePDF(run, modelFolder: encoderOptions.model, to: outputFile, printer: $0) }
                ?? ExplanationReport.write(run, modelFolder: encoderOptions.model, to: outputFile)
            FileHandle.standardError.write(Data("wrote \(url.path)\n".utf8))
        }
    }
}

extension EncoderKind: ExpressibleByArgument {}
extension DecompositionMethod: ExpressibleByArgument {}
extension PageSize: ExpressibleByArgument {}

struct EncoderOptions: ParsableArguments {
    @Option(help: "Encoder: descriptor (built in), clip (needs --model), npy (precomputed).") var encoder = EncoderKind.descriptor
    @Option(help: "CLIP model folder (transformers layout) or Hugging Face id ORG/NAME[@REVISION], or the npy folder.")
    var model: String?

    /// Checked before any work; a Hugging Face id is resolved (and downloaded) only in `run`.
    func validate() throws {
        if encoder != .descriptor, model == nil {
            _ = try spec()
        }
    }

    func spec() throws -> EncoderSpec {
        try EncoderSpec.parse(encoder, model: model, from: .commandLine,
                              relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }
}

struct MethodOptions: ParsableArguments {
    @Option(help: "Decomposition method.") var method = ExplainOptions().method
    @Option(name: .customLong("e-ortho"), parsing: .unconditional,
            help: "Orthogonality threshold of Eq. 9 (above 0, at most \(Int(ExplainOptions.eOrthoRange.upperBound))).")
    var eOrtho = ExplainOptions().eOrtho
    @Option(name: .customLong("e-decomp"), parsing: .unconditional,
            help: "Residual threshold of Eq. 11 (paper method; between 0 and 1).") var eDecomp = ExplainOptions().eDecomp
    @Option(parsing: .unconditional,
            help: "Bootstrap resamples for the 95 % intervals (1–\(ExplainOptions.bootstrapRange.upperBound)).")
    var bootstrap = ExplainOptions().bootstrapResamples
    @Option(parsing: .unconditional, help: "Seed of the bootstrap.", transform: Seeds.parse) var seed: UInt64 = 0

    func validate() throws {
        guard eOrtho.isFinite, eOrtho > 0, eOrtho <= ExplainOptions.eOrthoRange.upperBound else {
            throw FineXLError("--e-ortho must be a number above 0 and at most \(Int(ExplainOptions.eOrthoRange.upperBound)), got \(eOrtho)")
        }
        guard eDecomp.isFinite, eDecomp > 0, eDecomp < 1 else {
            throw FineXLError("--e-decomp must be a number between 0 and 1 (both excluded), got \(eDecomp)")
        }
        // No resamples would leave every weight without its interval ("ci": [] in the JSON).
        guard bootstrap >= 1, bootstrap <= ExplainOptions.bootstrapRange.upperBound else {
            throw FineXLError("--bootstrap must be 1–\(ExplainOptions.bootstrapRange.upperBound) resamples, got \(bootstrap)")
        }
    }

    var options: ExplainOptions {
        ExplainOptions(method: method, eOrtho: eOrtho, eDecomp: eDecomp, bootstrapResamples: bootstrap, seed: seed)
    }
}

enum Seeds {
    /// A seed is a whole number 0…2^64−1; a negative one is refused rather than read as an option.
    static func parse(_ text: String) throws -> UInt64 {
        guard let seed = UInt64(text) else {
            throw FineXLError("not a whole number from 0 to \(UInt64.max)")
        }
        return seed
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
