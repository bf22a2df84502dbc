import ArgumentParser
import FineXLBench
import FineXLCLIP
import FineXLCore
import FineXLDescriptor
import FineXLImage
import FineXLNotebook
import FineXLPipeline
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the method and the program on synthetic models.",
        discussion: """
            Suites: methods (the paper's rank-MAE, identification and multi-aspect metrics per decomposition \
            method and baseline), photos (the same metrics plus interval coverage on real pictures edited by common \
            tools' methods, explained as `finexl explain` does), throughput (descriptor embedding of 512×512 PNGs, parallel against one core), \
            clip (CLIP images/s and texts/s, GFLOP/s against sgemm), render (quickstart cold against cached).
            """)

    @Argument(help: "Suites to run: methods, photos, throughput, clip, render, or all.") var suites: [String] = ["methods"]
    @Option(help: "Images for the throughput and clip suites.") var images = 128
    @Option(help: "CLIP model folder for the clip suite (default: random weights at ViT-B/32 size).") var model: String?
    @Option(help: "Image side in pixels for the methods suite (default 256).") var size: Int?
    @Option(help: "Folder of the photos suite's base images (default: BenchData/photos of the checkout).") var photos: String?
    @Option(help: "Photos suite: only the edits whose \"aspect / implementation\" contains this (repeatable).") var only: [String] = []
    @Option(help: "Photos suite: also write every model's raw readings as JSON to this file.") var json: String?

    func run() throws {
        let known = ["methods", "photos", "throughput", "clip", "render"]
        let chosen = suites.contains("all") ? known : suites
        for suite in chosen where !known.contains(suite) {
            throw FineXLError("unknown bench suite \"\(suite)\"; use \(known.joined(separator: ", ")) or all")
        }
        for suite in chosen {
            switch suite {
            case "methods": try methods()
            case "photos": try photoSuite()
            case "throughput": try throughput()
            case "clip": try clip()
            default: try render()
            }
            print("")
        }
    }

    private func methods() throws {
        var options = DescriptorBenchmark.Options()
        if let size {
            guard (16...4096).contains(size) else { throw FineXLError("--size must be 16…4096 pixels, got \(size)") }
            options.size = size
        }
        print(try DescriptorBenchmark.run(options).renderTable())
    }

    private func photoSuite() throws {
        let jsonURL = json.map { URL(fileURLWithPath: $0) }
        if let jsonURL {  // checked before the minutes of work, not after
            var isDirectory: ObjCBool = false
            let folder = jsonURL.deletingLastPathComponent()
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw FineXLError("--json \(jsonURL.path): the folder \(folder.path) does not exist")
            }
        }
        let set = try PhotoSet(directory: try PhotoSet.locate(explicit: photos))
        var options = PhotoBenchmark.Options()
        options.only = only
        let report = try PhotoBenchmark.run(options, photos: set) { step in
            FileHandle.standardError.write(Data("bench photos: \(step)\n".utf8))
        }
        print(report.renderTable())
        if let jsonURL {
            do {
                try report.json().write(to: jsonURL, options: .atomic)
            } catch {
                throw FineXLError("--json \(jsonURL.path): cannot write (\(error.localizedDescription))")
            }
            FileHandle.standardError.write(Data("wrote \(jsonURL.path)\n".utf8))
        }
    }

    /// Descriptor embedding including PNG decode, all cores against one, in the same process.
    private func throughput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = max(images / 2, 2)
        let spec = SyntheticSpec(aspects: [(name: "warm tones", level: 0.5)], count: count, seed: 1, size: 512)
        try SyntheticPairs(spec: spec).write(to: directory)
        let pairs = try ImageFolderPairs(base: directory.appendingPathComponent("base"),
                                         personal: directory.appendingPathComponent("personal"))
        let encoder = DescriptorEncoder()
        let reduction = encoder.acceptedReduction  // as EmbeddingRun decodes
        _ = try encoder.embed([try pairs.image(.base, at: 0)])  // concept directions and tables built once

        let oneCoreStart = Date()
        for side in PairSide.allCases {
            for i in 0..<count { _ = try encoder.embed(reduced: [try pairs.image(side, at: i, reduction: reduction)]) }
        }
        let oneCore = Double(2 * count) / Date().timeIntervalSince(oneCoreStart)

        let start = Date()
        _ = try EmbeddingRun(encoder: encoder, cacheDirectory: nil, showProgress: false).embed(pairs)
        let allCores = Double(2 * count) / Date().timeIntervalSince(start)
        print("descriptor throughput, 512×512 PNG decode + embed, \(2 * count) images")
        print(String(format: "  one core      %7.1f images/s", oneCore))
        print(String(format: "  %d cores       %7.1f images/s   (×%.2f one core; goal 300 images/s: ×%.2f)",
                     ProcessInfo.processInfo.activeProcessorCount, allCores, allCores / oneCore, allCores / 300))
    }

    private func clip() throws {
        let report = try CLIPBenchmark.run(modelDirectory: model.map { URL(fileURLWithPath: $0) },
                                           images: images, texts: images)
        print(report)
    }

    /// The quickstart notebook rendered cold, then again from the cache.
    private func render() throws {
        let notebook = URL(fileURLWithPath: "Notebooks/quickstart.md")
        guard FileManager.default.fileExists(atPath: notebook.path) else {
            throw FineXLError("run the render suite from the repository root (Notebooks/quickstart.md not found)")
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-bench-render-\(getpid())")
        defer { try? FileManager.default.removeItem(at: output) }
        let renderer = NotebookRenderer(options: RenderOptions(outputDirectory: output, selfContained: false,
                                                               useCache: true, templates: nil))
        let coldStart = Date()
        _ = try renderer.render(notebook: notebook)
        let cold = Date().timeIntervalSince(coldStart)
        let warmStart = Date()
        let warm = try renderer.render(notebook: notebook)
        let cached = Date().timeIntervalSince(warmStart)
        print("quickstart render")
        print(String(format: "  cold     %6.2f s   (goal ≤ 10 s)", cold))
        print(String(format: "  cached   %6.2f s   (goal ≤ 1 s; %d of %d directives from cache; ×%.0f faster)",
                     cached, warm.cachedDirectives, warm.directives, cold / max(cached, 1e-6)))
    }
}
