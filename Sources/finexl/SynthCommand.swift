import ArgumentParser
import FineXLDescriptor
import FineXLSupport
import Foundation

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic base/personalized pair of folders with known aspects and levels.",
        discussion: """
            Writes OUT/base/, OUT/personal/ and OUT/manifest.json (prompts, seeds, the true aspects and levels). \
            Example: finexl synth --out samples --aspects "warm tones=0.6,film grain=0.3"
            """)

    @Option(help: "Output folder; it must be new or empty unless --force.") var out: String
    @Option(help: "Aspects and levels 0–1, e.g. \"warm tones=0.6,film grain=0.3\".") var aspects: String
    @Option(parsing: .unconditional, help: "Number of image pairs (\(Self.counts.lowerBound)–\(Self.counts.upperBound)).")
    var count = 40
    @Option(parsing: .unconditional, help: "Seed of the first prompt.", transform: Seeds.parse) var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Image side in pixels (\(SyntheticSpec.sizes.lowerBound)–\(SyntheticSpec.sizes.upperBound)).")
    var size = 256
    @Option(help: "Base images: scenes (procedural) or textures (natural statistics).") var base = SyntheticSpec.BaseKind.scenes
    @Option(help: "Renderings: canonical (define f(C)) or alternate (implemented differently).")
    var variant = SyntheticSpec.Variant.canonical
    @Flag(help: "Write into --out even when it holds files (those of an earlier model may be replaced).") var force = false

    static let counts = 2...10_000

    func validate() throws {
        guard Self.counts.contains(count) else {
            throw FineXLError("--count must be between \(Self.counts.lowerBound) and \(Self.counts.upperBound), got \(count)")
        }
        guard SyntheticSpec.sizes.contains(size) else {
            throw FineXLError("--size must be between \(SyntheticSpec.sizes.lowerBound) and \(SyntheticSpec.sizes.upperBound), got \(size)")
        }
    }

    func run() throws {
        let spec = try SyntheticSpec(aspects: SyntheticSpec.parseAspects(aspects), count: count, seed: seed, size: size,
                                     baseKind: base, variant: variant)
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        // Images of an earlier model left beside the new ones would be paired as if they were its.
        if !force, let contents = try? FileManager.default.contentsOfDirectory(atPath: directory.path), !contents.isEmpty {
            throw FineXLError("--out \(directory.path) is not empty; name a new folder, or pass --force to write into it")
        }
        try SyntheticPairs(spec: spec).write(to: directory)
        print("wrote \(count) pairs to \(directory.path)/base and \(directory.path)/personal, manifest \(directory.path)/manifest.json")
    }
}

extension SyntheticSpec.BaseKind: ExpressibleByArgument {}
extension SyntheticSpec.Variant: ExpressibleByArgument {}
