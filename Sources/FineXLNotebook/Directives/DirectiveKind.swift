import FineXLCore

/// The directives a notebook can use (`finexl NAME` on a fence) and the options each accepts.
enum DirectiveKind: String, CaseIterable, Sendable {
    /// Loads base and personalized images (folders or a synthetic model).
    case images
    /// Embeds the pairs and computes V_div (Eq. 5).
    case divergence
    /// Gathers candidate concepts (vocabulary, VLM or a list) and maps them (Eq. 6).
    case concepts
    /// Filters (Eq. 9) and decomposes V_div (Eqs. 10–11) with uncertainty.
    case decompose
    /// The weights as a bar chart with interval whiskers.
    case chart
    /// Base and personalized thumbnails side by side.
    case samples
    /// The method taught step by step: cosines before and after the filter, residual per step.
    case steps
    /// Several personalized models against one base, for model selection.
    case compare
    /// images + divergence + concepts + decompose + chart in one directive.
    case explain

    var options: [OptionSpec] {
        switch self {
        case .images: return Self.imageOptions
        case .divergence: return [Self.bins]
        case .concepts: return Self.conceptOptions
        case .decompose: return Self.decompositionOptions
        case .chart: return [Self.title, Self.top]
        case .samples: return [Self.count, Self.size]
        case .steps: return [Self.top]
        case .compare:
            return [Self.base, Self.models, Self.target, Self.list, Self.top] + Self.decompositionOptions
        case .explain:
            return Self.imageOptions + [Self.bins] + Self.conceptOptions + Self.decompositionOptions + [Self.title]
        }
    }

    /// Whether the directive changes the state later directives read; those that only show
    /// it (chart, samples, steps) leave the state's cache key as it was.
    var changesState: Bool {
        switch self {
        case .images, .divergence, .concepts, .decompose, .compare, .explain: return true
        case .chart, .samples, .steps: return false
        }
    }

    func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }

    /// Every option name of every directive (front matter may set any of them as a default).
    static var allOptionNames: [String] {
        var seen: Set<String> = []
        return allCases.flatMap(\.options).map(\.name).filter { seen.insert($0).inserted }
    }

    /// The spec used for `name` by any directive; one name has one meaning everywhere.
    static func anyOption(named name: String) -> OptionSpec? {
        allCases.lazy.compactMap { $0.option(named: name) }.first
    }

    // MARK: - Option specs, shared so one name has one type everywhere

    static let base = OptionSpec(name: "base", type: .path, help: "folder of base-model images, relative to the notebook")
    static let personal = OptionSpec(name: "personal", type: .path,
                                     help: "folder of personalized-model images (same file names as base)")
    static let synthetic = OptionSpec(name: "synthetic", type: .mapping,
                                      help: "a synthetic model: aspects, count, seed, size, base")
    static let bins = OptionSpec(name: "bins", type: .integer(3...80), help: "histogram bins of the per-pair projections")
    static let from = OptionSpec(name: "from", type: .choice(["vocabulary", "vlm", "list"]),
                                 help: "where candidates come from")
    static let top = OptionSpec(name: "top", type: .integer(1...200), help: "how many candidates or concepts to keep or show")
    static let list = OptionSpec(name: "list", type: .textList, help: "explicit candidate concepts")
    static let endpoint = OptionSpec(name: "endpoint", type: .text,
                                     help: "VLM chat-completions URL (else FINEXL_VLM_ENDPOINT)")
    static let vlmModel = OptionSpec(name: "vlmModel", type: .text, help: "VLM model name (else FINEXL_VLM_MODEL)")
    static let rounds = OptionSpec(name: "rounds", type: .integer(1...50), help: "VLM proposal rounds")
    static let pairsPerRound = OptionSpec(name: "pairsPerRound", type: .integer(1...16), help: "pairs shown per VLM round")
    static let method = OptionSpec(name: "method", type: .choice(DecompositionMethod.allCases.map(\.rawValue)),
                                   help: "decomposition method")
    static let eOrtho = OptionSpec(name: "eOrtho", type: .number(ExplainOptions.eOrthoRange),
                                   help: "Eq. 9 threshold on the summed |cos| with kept concepts")
    static let eDecomp = OptionSpec(name: "eDecomp", type: .number(ExplainOptions.eDecompRange), help: "Eq. 11 relative-residual stop")
    static let bootstrap = OptionSpec(name: "bootstrap", type: .integer(ExplainOptions.bootstrapRange), help: "bootstrap resamples for intervals")
    static let seed = OptionSpec(name: "seed", type: .integer(0...Int.max), help: "seed of the bootstrap")
    static let title = OptionSpec(name: "title", type: .text, help: "figure caption")
    static let count = OptionSpec(name: "count", type: .integer(1...200), help: "pairs to show")
    static let size = OptionSpec(name: "size", type: .integer(32...512), help: "thumbnail side in pixels")
    static let models = OptionSpec(name: "models", type: .mapping,
                                   help: "name: folder of personalized images, or name: {synthetic spec}")
    static let target = OptionSpec(name: "target", type: .mapping,
                                   help: "concept: high | low | none | a number — the profile the choice should match")

    static let imageOptions = [base, personal, synthetic]
    static let conceptOptions = [from, top, list, endpoint, vlmModel, rounds, pairsPerRound]
    static let decompositionOptions = [method, eOrtho, eDecomp, bootstrap, seed]
}
