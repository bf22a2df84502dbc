import ArgumentParser
import FineXLConcepts
import FineXLCore
import FineXLPipeline
import FineXLSupport
import Foundation

struct VLMOptions: ParsableArguments {
    @Option(help: "OpenAI-compatible chat-completions endpoint (or FINEXL_VLM_ENDPOINT).") var vlmEndpoint: String?
    @Option(help: "VLM model name (or FINEXL_VLM_MODEL).") var vlmModel: String?
    @Option(parsing: .unconditional, help: "Proposal rounds over different sampled pairs.") var vlmRounds: Int?
    @Option(parsing: .unconditional, help: "Seconds to wait for one VLM answer.") var vlmTimeout: Double?
}

enum ConceptRequests {
    static func isVocabulary(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespaces).lowercased() == "vocabulary"
    }

    /// `vocabulary`, `vlm`, or a comma-separated list of names.
    static func parse(_ text: String, top: Int, vlm: VLMOptions, cacheDirectory: URL?) throws -> ConceptRequest {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "vocabulary":
            return .vocabulary(top: top)
        case "vlm":
            var settings = try VLMSettings.fromEnvironment(endpoint: vlm.vlmEndpoint, model: vlm.vlmModel)
            if let rounds = vlm.vlmRounds { settings.rounds = rounds }
            if let timeout = vlm.vlmTimeout { settings.timeout = timeout }
            settings.cacheDirectory = cacheDirectory?.appendingPathComponent("vlm", isDirectory: true)
            return .vlm(settings)
        default:
            return .list(try ConceptList.parse(text))
        }
    }
}
