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

    @Option(help: "Output folder.") var out: String
    @Option(help: "Aspects and levels 0–1, e.g. \"warm tones=0.6,film grain=0.3\".") var aspects: String
    @Option(help: "Number of image pairs.") var count = 40
    @Option(help: "Seed of the first prompt.") var seed: UInt64 = 1
    @Option(help: "Image side in pixels.") var size = 256
    @Option(help: "Base images: scenes (procedural) or textures (natural statistics).") var base = "scenes"
    @Option(help: "Renderings: canonical (define f(C)) or alternate (implemented differently).") var variant = "canonical"

    func run() throws {
        guard (2...10_000).contains(count) else { throw FineXLError("--count must be between 2 and 10000") }
        guard (16...4096).contains(size) else { throw FineXLError("--size must be between 16 and 4096") }
        let spec = try SyntheticSpec(aspects: SyntheticSpec.parseAspects(aspects), count: count, seed: seed, size: size,
                                     baseKind: try SyntheticSpec.BaseKind(parsing: base),
                                     variant: try SyntheticSpec.Variant(parsing: variant))
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        try SyntheticPairs(spec: spec).write(to: directory)
        print("wrote \(count) pairs to \(directory.path)/base and \(directory.path)/personal, manifest \(directory.path)/manifest.json")
    }
}
