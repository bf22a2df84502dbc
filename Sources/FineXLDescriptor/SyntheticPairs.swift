import FineXLCore
import FineXLImage
import FineXLSupport
import Foundation

/// The in-memory base and personalized images of a `SyntheticSpec`, rendered on demand.
package struct SyntheticPairs: PairedImageSource {
    package let spec: SyntheticSpec

    package var plantedAspects: [(name: String, level: Double)]? { spec.aspects.map { ($0.name, $0.level) } }

    package init(spec: SyntheticSpec) throws {
        try spec.validate()
        self.spec = spec
    }

    package var names: [String] { (0..<spec.count).map { Self.name($0) } }

    package var prompts: [String]? { (0..<spec.count).map { spec.prompt($0) } }

    package var description: String {
        let aspects = spec.aspects.map { "\($0.name)=\($0.level)" }.joined(separator: ", ")
        return "synthetic \(spec.baseKind.rawValue) (\(spec.count) pairs, \(spec.size) px), "
            + "\(aspects.isEmpty ? "no aspects" : aspects), \(spec.variant.rawValue) renderings"
    }

    /// "0001", "0002", …
    static func name(_ index: Int) -> String {
        let digits = String(index + 1)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    package func image(_ side: PairSide, at index: Int) throws -> RGBImage {
        guard names.indices.contains(index) else {
            throw FineXLError("synthetic pair index \(index) is outside 0..<\(spec.count)")
        }
        switch side {
        case .base: return spec.baseImage(index)
        case .personal: return spec.personalImage(index)
        }
    }

    package func contentDigest(_ side: PairSide, at index: Int) throws -> String {
        // The base side does not depend on the aspects, so base embeddings are shared
        // between synthetic models with the same generator settings.
        var text = spec.canonicalText
        if side == .base {
            text = "\(DescriptorEncoder.version);synth-base;seed=\(spec.seed);size=\(spec.size);base=\(spec.baseKind.rawValue)"
        }
        return SHA256.hex("\(text);side=\(side.rawValue);index=\(index)")
    }

    /// Writes `base/0001.png…`, `personal/0001.png…` and `manifest.json` into `directory`
    /// (created if needed), each file atomically; pairs are rendered in parallel.
    package func write(to directory: URL) throws {
        let fileManager = FileManager.default
        let baseFolder = directory.appendingPathComponent("base", isDirectory: true)
        let personalFolder = directory.appendingPathComponent("personal", isDirectory: true)
        for folder in [directory, baseFolder, personalFolder] {
            do {
                try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw FineXLError("cannot create folder \(folder.path): \(error.localizedDescription)")
            }
        }
        let spec = self.spec
        _ = try Parallel.map(spec.count) { index in
            let render = spec.render(index)
            let base = ImageFilters.quantized8(render)
            let personal = SyntheticSpec.personalize(render, aspects: spec.aspects.map { ($0.name, $0.level) },
                                                     variant: spec.variant, seed: spec.pairSeed(index))
            let file = Self.name(index) + ".png"
            try Self.writeAtomically(Data(try PNGEncoder.encode(base)), to: baseFolder.appendingPathComponent(file))
            try Self.writeAtomically(Data(try PNGEncoder.encode(personal)),
                                     to: personalFolder.appendingPathComponent(file))
        }
        try Self.writeAtomically(try manifest(), to: directory.appendingPathComponent("manifest.json"))
    }

    /// The `finexl.synth/1` manifest: the true aspects and levels, and each pair's prompt and seed.
    func manifest() throws -> Data {
        var aspects: [String: Double] = [:]
        for aspect in spec.aspects { aspects[aspect.name] = aspect.level }
        let pairs: [[String: Any]] = (0..<spec.count).map { index in
            ["name": Self.name(index), "prompt": spec.prompt(index), "seed": spec.pairSeed(index)]
        }
        let root: [String: Any] = [
            "schema": "finexl.synth/1", "aspects": aspects, "base": spec.baseKind.rawValue,
            "variant": spec.variant.rawValue, "size": spec.size, "seed": spec.seed, "pairs": pairs,
        ]
        return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    }

    private static func writeAtomically(_ data: Data, to url: URL) throws {
        try AtomicFile.write(data, to: url)
    }
}
