import FineXLConcepts
import FineXLCore
import FineXLPipeline
import FineXLSupport
import Foundation

/// Runs a parsed notebook top to bottom, sharing state between directives, and builds the
/// report document. Every failure is shown in place with its notebook line; nothing is thrown
/// past `run()`, so one broken cell never hides the rest.
final class NotebookEngine {
    let notebook: Notebook
    /// Folder the notebook's relative paths are resolved against.
    let directory: URL
    /// `<output>/.cache`: embeddings and VLM answers, shared by the notebooks rendering there.
    let cacheDirectory: URL
    /// This notebook's own directive results.
    let directiveCache: DirectiveCache
    let useCache: Bool
    /// Notes listed for failed inline values in one block; the rest are counted in one note.
    static let inlineFailureNotesPerBlock = 10
    /// Where a `from: vlm` directive may send images and the key: the user's choice, passed through.
    var vlmPolicy = VLMEndpointPolicy()

    private(set) var state = NotebookState(key: SHA256.hex("finexl-notebook-state"))
    private(set) var failures = 0
    private(set) var directivesRun = 0
    private(set) var cachedDirectives = 0
    /// Keys of the directive cache entries this run read or wrote: the ones a prune keeps.
    private(set) var usedCacheKeys: Set<String> = []

    private var blocks: [ReportBlock] = []
    private var timings: [(directive: String, line: Int, seconds: Double, cached: Bool)] = []
    private var encoder: (any ImageEncoder)?
    /// The front matter's encoder as resolved once at the start (a hub id is looked up once).
    private var spec: EncoderSpec?
    /// Why the notebook's encoder cannot be built here (kind `.encoderUnavailable`), when it cannot.
    private var encoderUnavailable: FineXLError?
    /// Options of each decomposition run, for the provenance footer.
    private var decompositions: [(line: Int, options: ExplainOptions)] = []

    /// `owner` is the report's name; its directive results are kept apart from other notebooks'.
    init(notebook: Notebook, directory: URL, cacheDirectory: URL, owner: String, useCache: Bool) {
        self.notebook = notebook
        self.directory = directory
        self.cacheDirectory = cacheDirectory
        directiveCache = DirectiveCache(root: cacheDirectory, owner: owner)
        self.useCache = useCache
    }


    /// Size and modification time of the running executable: results cached by one build are
    /// not reused by another, even when a change to the method did not bump the version.
    static let buildIdentity: String = {
        guard let path = Bundle.main.executablePath,
              let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "unknown build" }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size)-\(modified)"
    }()

    func run(title fallbackTitle: String) -> ReportDocument {
        for problem in notebook.frontMatterProblems {
            fail(problem.message, line: problem.line)
        }
        checkEncoder()
        for cell in notebook.cells {
            switch cell {
            case .markdown(let block): render(block)
            case .directive(let directive): run(directive)
            }
        }
        return ReportDocument(title: notebook.frontMatter.title ?? firstHeading ?? fallbackTitle,
                              author: notebook.frontMatter.author, blocks: blocks,
                              provenance: provenance(), timings: timings)
    }

    // MARK: - Markdown

    private var firstHeading: String? {
        for case .heading(_, let text, _) in blocks { return text }
        return nil
    }

    private func render(_ block: MarkdownBlock) {
        var errors: [(message: String, line: Int)] = []
        switch block.kind {
        case .heading(let level, let pieces):
            let text = pieces.map { piece -> String in
                switch piece {
                case .text(let text): return text
                case .inlineValue(let expression, let line):
                    switch inlineValue(expression) {
                    case .success(let value): return value
                    case .failure(let failure):
                        errors.append((failure.message, line))
                        return "⚠ \(expression)"
                    }
                }
            }.joined()
            blocks.append(.heading(level: level, text: text, anchor: ""))
        case .codeBlock, .prose:
            blocks.append(.markdown(block.segments.map { segment -> ReportInline in
                switch segment {
                case .html(let html): return .markup(html)
                case .tooDeep(let source, let limit): return .sourceText(source, reason: "This block nests more than \(limit) levels deep, so it is shown as written, not rendered.")
                case .inlineValue(let expression, let line):
                    switch inlineValue(expression) {
                    case .success(let value): return .value(value)
                    case .failure(let failure):
                        errors.append((failure.message, line))
                        return .inlineError(expression: expression, message: failure.message)
                    }
                }
            }))
        }
        // Every failure counts, but a block lists only the first few: thousands of broken values
        // in one paragraph must not make thousands of notes.
        for error in errors.prefix(Self.inlineFailureNotesPerBlock) { fail(error.message, line: error.line) }
        if errors.count > Self.inlineFailureNotesPerBlock {
            let more = errors.count - Self.inlineFailureNotesPerBlock
            failures += more
            note(.error, "\(more) more inline values in this block failed (marked ⚠ in place)",
                 line: errors[Self.inlineFailureNotesPerBlock].line)
        }
        for line in block.nestedDirectiveLines {
            note(.warning, "this `finexl` block is inside a list or a quote, so it was not run; "
                 + "directives run only at the top level of the notebook", line: line)
        }
    }

    private func inlineValue(_ expression: String) -> Result<String, FineXLError> {
        let parsed: InlineExpression
        do {
            parsed = try InlineExpression.parse(expression)
        } catch {
            return .failure(FineXLError("inline value: \(error.message)"))
        }
        do {
            return .success(try InlineEvaluator(state: state).evaluate(parsed))
        } catch let error as FineXLError where error.kind == .missingInput && encoderUnavailable != nil {
            // The notebook is fine; the values are missing only because the model is not installed.
            return .success("n/a")
        } catch let error as FineXLError {
            return .failure(error)
        } catch {
            return .failure(FineXLError("inline value `\(expression)`: \(error)"))
        }
    }

    // MARK: - Directives

    private func run(_ directive: Notebook.Directive) {
        directivesRun += 1
        let start = Date()
        var cached = false
        defer {
            timings.append((directive.name.isEmpty ? "finexl" : directive.name, directive.line,
                            Date().timeIntervalSince(start), cached))
        }
        guard directive.problems.isEmpty, let kind = directive.kind else {
            for problem in directive.problems { note(.error, problem.message, line: problem.line) }
            failures += 1
            if let kind = directive.kind { state.discard(from: kind) }
            return
        }
        var succeeded = false
        defer { if !succeeded { state.discard(from: kind) } }
        do {
            let outcome = try execute(kind, directive)
            cached = outcome.cached
            if cached { cachedDirectives += 1 }
            blocks += outcome.blocks
            succeeded = true
        } catch let error as FineXLError {
            switch error.kind {
            case .missingInput where encoderUnavailable != nil, .encoderUnavailable:
                note(.info, "`\(kind.rawValue)` was not run: \(error.message)", line: directive.line)
            case .missingInput:
                fail("`\(kind.rawValue)` \(error.message)", line: error.line ?? directive.line)
            case .invalidInput:
                fail("`\(kind.rawValue)`: \(error.message)", line: error.line ?? directive.line)
            }
        } catch {
            fail("`\(kind.rawValue)`: \(error)", line: directive.line)
        }
    }

    /// What a directive produced, whether from the cache or computed now.
    private struct Outcome {
        var blocks: [ReportBlock]
        var cached: Bool
    }

    private func execute(_ kind: DirectiveKind, _ directive: Notebook.Directive) throws -> Outcome {
        let context = DirectiveContext(directive: directive, directory: directory)
        try checkRequirements(of: kind)
        let inputs = try prepareInputs(kind, context)
        let usesEncoder = [.divergence, .concepts, .compare, .explain].contains(kind)
        let key = try cacheKey(kind, directive, inputs: inputs, usesEncoder: usesEncoder)
        if [.decompose, .explain, .compare].contains(kind) {
            decompositions.append((directive.line, directive.options.explainOptions))
        }

        if useCache, let entry = directiveCache.load(key: key) {
            usedCacheKeys.insert(key)
            try commit(entry.change, source: inputs.source, key: key, kind: kind)
            return Outcome(blocks: entry.blocks, cached: true)
        }
        let (produced, change) = try compute(kind, context, inputs: inputs)
        try commit(change, source: inputs.source, key: key, kind: kind)
        // A cache that cannot be written costs time on the next render, never this render's output.
        if (try? directiveCache.store(key: key, blocks: produced, change: change)) != nil { usedCacheKeys.insert(key) }
        return Outcome(blocks: produced, cached: false)
    }

    private func commit(_ change: StateChange, source: (any PairedImageSource)?, key: String, kind: DirectiveKind) throws {
        if let source, kind == .images || kind == .explain { state.load(source) }
        try state.apply(change)
        if kind.changesState { state.key = key }
    }

    private func compute(_ kind: DirectiveKind, _ context: DirectiveContext,
                         inputs: PreparedInputs) throws -> ([ReportBlock], StateChange) {
        switch kind {
        case .images: return try runImages(context, source: inputs.source!)
        case .divergence: return try runDivergence(context)
        case .concepts: return try runConcepts(context)
        case .decompose: return try runDecompose(context)
        case .chart: return try runChart(context)
        case .samples: return try runSamples(context)
        case .steps: return try runSteps(context)
        case .compare: return try runCompare(context, inputs: inputs)
        case .explain: return try runExplain(context, source: inputs.source)
        }
    }

    /// Says which state a directive is missing, naming the directive that provides it.
    private func checkRequirements(of kind: DirectiveKind) throws {
        func need(_ present: Bool, _ what: String, _ provider: String) throws {
            guard present else {
                throw FineXLError("needs \(what): add a `finexl \(provider)` block above it (or fix the one that failed)", kind: .missingInput)
            }
        }
        switch kind {
        case .images, .compare, .explain: return
        case .divergence: try need(state.source != nil || precomputedFolder != nil, "images", "images")
        case .samples: try need(state.source != nil, "images", "images")
        case .concepts: try need(state.divergence != nil, "a divergence", "divergence")
        case .decompose:
            try need(state.divergence != nil, "a divergence", "divergence")
            try need(state.candidates != nil, "candidate concepts", "concepts")
        case .chart: try need(state.explanation != nil, "a decomposition", "decompose")
        case .steps:
            try need(state.candidates != nil, "candidate concepts", "concepts")
            try need(state.explanation != nil, "a decomposition", "decompose")
        }
    }

    /// Inputs read from disk before the cache is consulted, so their contents can be part of the key.
    struct PreparedInputs {
        var source: (any PairedImageSource)?
        var models: [(name: String, source: any PairedImageSource, line: Int)] = []
        /// Digest of the contents of every file the directive reads.
        var digest = ""
    }

    private func prepareInputs(_ kind: DirectiveKind, _ context: DirectiveContext) throws -> PreparedInputs {
        switch kind {
        case .images, .explain:
            if kind == .explain, let folder = precomputedFolder, !ImageInputs.hasImageOptions(context) {
                return PreparedInputs(digest: try ImageInputs.digest(ofFilesIn: folder, notebookFolder: directory))
            }
            let source = try ImageInputs.source(context)
            return PreparedInputs(source: source, digest: try ImageInputs.digest(of: source))
        case .divergence:
            guard state.source == nil, let folder = precomputedFolder else { return PreparedInputs() }
            return PreparedInputs(digest: try ImageInputs.digest(ofFilesIn: folder, notebookFolder: directory))
        case .compare:
            let models = try ImageInputs.comparedModels(context)
            var hasher = SHA256()
            for model in models {
                hasher.update(model.name)
                hasher.update(try ImageInputs.digest(of: model.source))
            }
            return PreparedInputs(models: models, digest: hasher.finalizeHex())
        default:
            return PreparedInputs()
        }
    }

    /// SHA-256 over everything that determines a directive's result: the directive's text and
    /// options after defaults, the upstream state's key, the encoder's identity when it embeds,
    /// the contents of the files it reads, and the FineXL build.
    private func cacheKey(_ kind: DirectiveKind, _ directive: Notebook.Directive, inputs: PreparedInputs,
                          usesEncoder: Bool) throws -> String {
        var hasher = SHA256()
        for part in ["finexl-notebook-directive", FineXLVersion.current, Self.buildIdentity, "layout \(DirectiveCache.Entry.layout)", kind.rawValue,
                     directive.body, directive.options.canonical, state.key, inputs.digest] {
            hasher.update(part)
            hasher.update([0])
        }
        if usesEncoder { hasher.update(try currentEncoder().identity) }
        return hasher.finalizeHex()
    }

    // MARK: - Encoder

    private func checkEncoder() {
        do {
            spec = try encoderSpec()
        } catch let unavailable as FineXLError where unavailable.kind == .encoderUnavailable {
            encoderUnavailable = unavailable
            note(.info, unavailable.message, line: notebook.frontMatter.modelLine)
        } catch let failure as FineXLError where notebook.frontMatter.encoder == .clip {
            // A `model:` that is there but is not a model: one failure here; the steps that need it are skipped.
            failures += 1
            note(.error, failure.message, line: failure.line ?? 1)
            encoderUnavailable = FineXLError(failure.message, kind: .encoderUnavailable)
        } catch {
            // Other problems surface on the first directive that needs the encoder, with its line.
        }
    }

    func currentEncoder() throws -> any ImageEncoder {
        if let encoder { return encoder }
        if let encoderUnavailable { throw encoderUnavailable }
        let made = try Encoders.make(try spec ?? encoderSpec())
        encoder = made
        return made
    }

    private func encoderSpec() throws -> EncoderSpec {
        let frontMatter = notebook.frontMatter
        do {
            return try EncoderSpec.parse(EncoderKind(rawValue: frontMatter.encoder.rawValue)!, model: frontMatter.model,
                                         from: .notebook, relativeTo: directory)
        } catch let error as FineXLError {
            throw error.at(line: frontMatter.modelLine)
        }
    }

    /// The folder of precomputed embeddings under `encoder: npy`, which stands in for images.
    var precomputedFolder: URL? {
        guard notebook.frontMatter.encoder == .npy, let model = notebook.frontMatter.model else { return nil }
        return resolve(model)
    }

    func resolve(_ path: String) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return directory.appendingPathComponent(expanded).standardizedFileURL
    }

    // MARK: - Output helpers

    func note(_ level: ReportNote.Level, _ message: String, line: Int?) {
        blocks.append(.note(ReportNote(level: level, message: message, line: line, quote: line.flatMap(notebook.quote(line:)))))
    }

    private func fail(_ message: String, line: Int) {
        failures += 1
        note(.error, message, line: line)
    }

    private func provenance() -> [(key: String, value: String)] {
        let frontMatter = notebook.frontMatter
        return AnalysisBlocks.provenance(
            encoder: encoder.map(Explanation.EncoderInfo.init),
            encoderSetting: frontMatter.encoder.rawValue + (encoderUnavailable != nil ? " (not available)" : ""),
            model: frontMatter.model, folder: directory,
            decompositions: decompositions.map { run in
                let o = run.options
                return (label: "Decomposition (line \(run.line))", method: o.method,
                        thresholds: Explanation.Thresholds(eOrtho: o.eOrtho, eDecomp: o.eDecomp,
                                                           bootstrapResamples: o.bootstrapResamples, seed: o.seed))
            })
    }
}
