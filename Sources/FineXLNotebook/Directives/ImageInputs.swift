import FineXLCore
import FineXLDescriptor
import FineXLImage
import FineXLSupport
import Foundation

/// Turns `base:`/`personal:` folders or a `synthetic:` mapping into a paired image source.
///
/// A synthetic mapping takes:
/// ```yaml
/// synthetic:
///   aspects: {warm tones: 0.6, film grain: 0.3}   # or "warm tones=0.6, film grain=0.3"
///   count: 24        # pairs
///   seed: 1
///   size: 128        # pixels
///   base: scenes     # or textures
///   variant: canonical   # or alternate
/// ```
enum ImageInputs {
    static let syntheticKeys = ["aspects", "count", "seed", "size", "base", "variant"]

    static func source(_ context: DirectiveContext) throws -> any PairedImageSource {
        let options = context.options
        let base = options.text("base"), personal = options.text("personal"), synthetic = options.mapping("synthetic")
        if let synthetic {
            if base != nil || personal != nil {
                throw FineXLError("give either `base:` and `personal:` folders or `synthetic:`, not both",
                                       line: context.line(of: "synthetic"))
            }
            return try SyntheticPairs(spec: try spec(synthetic))
        }
        guard let base, let personal else {
            let missing = base == nil ? "base" : "personal"
            throw FineXLError("needs `base:` and `personal:` folders (relative to the notebook) or a `synthetic:` model; "
                                   + "`\(missing):` is missing")
        }
        let baseFolder = try context.folder("base", path: base)
        let personalFolder = try context.folder("personal", path: personal)
        do {
            return try ImageFolderPairs(base: context.relativeURL(baseFolder), personal: context.relativeURL(personalFolder))
        } catch let error as FineXLError {
            throw error.at(line: context.line(of: "base"))
        }
    }

    /// A synthetic model's spec from its mapping; problems name the key's line.
    static func spec(_ mapping: YAMLValue) throws -> SyntheticSpec {
        guard let entries = mapping.entries else {
            throw FineXLError("`synthetic` must be a mapping of " + syntheticKeys.joined(separator: ", "), line: mapping.line)
        }
        var spec = SyntheticSpec(aspects: [])
        var sawAspects = false
        for entry in entries {
            let value = entry.value
            func integer(_ range: ClosedRange<Int>) throws -> Int {
                guard let number = value.integer, range.contains(number) else {
                    throw FineXLError("synthetic `\(entry.key)` wants a whole number in \(range.lowerBound)…\(range.upperBound), "
                                           + "got `\(value.shortDescription)`", line: value.line)
                }
                return number
            }
            switch entry.key {
            case "aspects":
                sawAspects = true
                spec.aspects = try aspects(value).map { SyntheticSpec.AspectLevel(name: $0.name, level: $0.level) }
            case "count": spec.count = try integer(2...2000)
            case "seed": spec.seed = UInt64(try integer(0...Int.max))
            case "size": spec.size = try integer(32...1024)
            case "base":
                guard let text = value.scalarText, let kind = SyntheticSpec.BaseKind(rawValue: text) else {
                    throw FineXLError("synthetic `base` is one of " + SyntheticSpec.BaseKind.allCases.map(\.rawValue).joined(separator: ", ")
                                           + ", got `\(value.shortDescription)`", line: value.line)
                }
                spec.baseKind = kind
            case "variant":
                guard let text = value.scalarText, let variant = Aspect.Variant(rawValue: text) else {
                    throw FineXLError("synthetic `variant` is one of " + Aspect.Variant.allCases.map(\.rawValue).joined(separator: ", ")
                                           + ", got `\(value.shortDescription)`", line: value.line)
                }
                spec.variant = variant
            default:
                let hint = NearestName.suggestion(for: entry.key, among: syntheticKeys).map { " (did you mean `\($0)`?)" } ?? ""
                throw FineXLError("unknown synthetic key `\(entry.key)`\(hint); valid keys: " + syntheticKeys.joined(separator: ", "),
                                       line: value.line)
            }
        }
        guard sawAspects else {
            throw FineXLError("`synthetic` needs `aspects:`, e.g. `aspects: {warm tones: 0.6, film grain: 0.3}`", line: mapping.line)
        }
        do {
            try spec.validate()
        } catch let error as FineXLError {
            throw error.at(line: mapping.line)
        }
        return spec
    }

    private static func aspects(_ value: YAMLValue) throws -> [(name: String, level: Double)] {
        let text: String
        if let entries = value.entries {
            var parts: [String] = []
            for entry in entries {
                guard let level = entry.value.number else {
                    throw FineXLError("level of aspect `\(entry.key)` must be a number in 0…1, got `\(entry.value.shortDescription)`",
                                           line: entry.value.line)
                }
                parts.append("\(entry.key)=\(level)")
            }
            text = parts.joined(separator: ",")
        } else if let items = value.items {
            text = items.compactMap(\.scalarText).joined(separator: ",")
        } else if let scalar = value.scalarText {
            text = scalar
        } else {
            throw FineXLError("`aspects` must map aspect names to levels, e.g. `{warm tones: 0.6}`", line: value.line)
        }
        // An empty mapping is a model with no aspects: the base itself, a useful control.
        guard !text.isEmpty else { return [] }
        do {
            return try SyntheticSpec.parseAspects(text)
        } catch let error as FineXLError {
            throw error.at(line: value.line)
        }
    }

    /// The personalized models of a `compare` directive: `name: folder` (paired with `base:`)
    /// or `name: {synthetic spec}`.
    static func comparedModels(_ context: DirectiveContext) throws -> [(name: String, source: any PairedImageSource, line: Int)] {
        guard let models = context.options.mapping("models"), let entries = models.entries, !entries.isEmpty else {
            throw FineXLError("needs `models:` mapping each model's name to a folder of its images or to a synthetic spec")
        }
        guard entries.count >= 2 else {
            throw FineXLError("compares at least two models; `models:` names one", line: context.line(of: "models"))
        }
        var result: [(name: String, source: any PairedImageSource, line: Int)] = []
        var baseFolder: URL?
        for entry in entries {
            if entry.value.entries != nil {
                result.append((entry.key, try SyntheticPairs(spec: try spec(entry.value)), entry.value.line))
            } else if let path = entry.value.scalarText {
                if baseFolder == nil {
                    guard let base = context.options.text("base") else {
                        throw FineXLError("model `\(entry.key)` is a folder, so `compare` needs `base:` with the base model's images",
                                               line: entry.value.line)
                    }
                    baseFolder = try context.folder("base", path: base)
                }
                let folder = context.url(path)
                if let problem = FileKind.folderProblem(folder) {
                    throw FineXLError("folder `\(path)` of model `\(entry.key)` \(problem) (looked in \(DisplayPath.relative(folder, to: context.directory)))",
                                           line: entry.value.line)
                }
                do {
                    result.append((entry.key, try ImageFolderPairs(base: context.relativeURL(baseFolder!), personal: context.relativeURL(folder)), entry.value.line))
                } catch let error as FineXLError {
                    throw error.at(line: entry.value.line)
                }
            } else {
                throw FineXLError("model `\(entry.key)` must be a folder path or a synthetic spec", line: entry.value.line)
            }
        }
        return result
    }

    static func hasImageOptions(_ context: DirectiveContext) -> Bool {
        ["base", "personal", "synthetic"].contains { context.options.has($0) }
    }

    /// A digest of the contents of every file directly in a folder (precomputed embeddings).
    /// - Parameter notebookFolder: where the notebook is, to name `folder` in a message.
    static func digest(ofFilesIn folder: URL, notebookFolder: URL) throws -> String {
        if let problem = FileKind.folderProblem(folder) {
            throw FineXLError("the npy model folder \(DisplayPath.relative(folder, to: notebookFolder)) \(problem); `model:` names the folder with base.npy, "
                + "personal.npy, concepts.npy and concepts.txt")
        }
        var hasher = SHA256()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        for name in names {
            let file = folder.appendingPathComponent(name)
            guard FileKind.at(file.path) == .regular else { continue }
            hasher.update(name)
            hasher.update(SHA256.hex(bytes: try Data(contentsOf: file)))
        }
        return hasher.finalizeHex()
    }

    /// A digest of every image (and prompt) a source provides, for cache keys.
    static func digest(of source: any PairedImageSource) throws -> String {
        var hasher = SHA256()
        hasher.update(source.description)
        for (index, name) in source.names.enumerated() {
            hasher.update(name)
            hasher.update(try source.contentDigest(.base, at: index))
            hasher.update(try source.contentDigest(.personal, at: index))
        }
        for prompt in source.prompts ?? [] { hasher.update(prompt) }
        return hasher.finalizeHex()
    }
}
