import FineXLCore
import FineXLDescriptor
import FineXLPipeline
import FineXLSupport
import Foundation

/// Scores what `finexl explain` tells a user about real pictures edited by common tools: every
/// built-in aspect applied to the photo set by at least two implementations that are not
/// FineXL's renderings, at ten levels, and pairs of aspects at 3 × 3 levels. Each model goes
/// through `Analysis.explain` with the defaults of `finexl explain` (descriptor encoder,
/// vocabulary concepts, top 20, default method and bootstrap), so the numbers are what users get.
package enum PhotoBenchmark {
    package struct Options: Sendable {
        /// Levels of the single-aspect models (paper: 10 levels).
        package var levels: [Double] = (1...10).map { Double($0) / 10 }
        /// Levels below this are too faint to require identification.
        package var identificationFloor = 0.3
        /// Each aspect of a pair takes each of these levels (paper: 3 × 3 models per pair).
        package var multiLevels: [Double] = [0.3, 0.6, 0.9]
        /// Pairs of aspects, the known hard ones first.
        package var aspectPairs: [[String]] = [
            ["warm tones", "blurry"], ["muted colors", "sharp"], ["bright", "film grain"], ["cool tones", "low contrast"],
            ["sepia", "sharp"], ["high contrast", "blurry"], ["black and white", "dark"], ["vivid colors", "vignette"],
            ["warm tones", "film grain"], ["cool tones", "posterized"], ["muted colors", "vignette"], ["dark", "film grain"],
        ]
        /// Which implementation sets the two aspects of a pair use: (first aspect's set, second's).
        package var pairSets: [(Int, Int)] = [(1, 2), (2, 1)]
        /// Only edits whose id contains one of these (all when empty).
        package var only: [String] = []
        /// `finexl explain`'s default `--top`.
        package var top = 20
        package var explainOptions = ExplainOptions()

        package init() {}
    }

    package static func run(_ options: Options = Options(), photos: PhotoSet,
                           progress: ((String) -> Void)? = nil) throws -> PhotoBenchReport {
        let start = Date()
        let edits = PhotoEdits.all.filter { edit in
            options.only.isEmpty || options.only.contains { edit.id.localizedCaseInsensitiveContains($0) }
        }
        guard !edits.isEmpty else {
            throw FineXLError("no benchmark edit matches \(options.only.joined(separator: ", "))")
        }
        let known = Set(DescriptorEncoder.representableConcepts)
        for edit in PhotoEdits.all where !known.contains(edit.aspect) {
            throw FineXLError("benchmark edit \"\(edit.id)\" applies \"\(edit.aspect)\", which is no built-in concept")
        }
        let encoder = DescriptorEncoder()
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-bench-photos-\(getpid())")
        defer { try? FileManager.default.removeItem(at: cache) }

        var models: [PhotoBenchReport.Model] = []
        func explain(_ planted: [(edit: PhotoEdit, level: Double)]) throws -> PhotoBenchReport.Model {
            let source = EditedPhotoPairs(photos: photos, edits: planted)
            let modelStart = Date()
            // As `finexl explain` runs with its default cache: each base photo is embedded once.
            let run = try Analysis.explain(source, encoder: encoder, concepts: .vocabulary(top: options.top),
                                               options: options.explainOptions, cacheDirectory: cache)
            return PhotoBenchReport.Model(
                planted: planted.map { .init(aspect: $0.edit.aspect, implementation: $0.edit.implementation,
                                             set: $0.edit.set, level: $0.level) },
                concepts: run.explanation.concepts.map {
                    .init(name: $0.name, weight: $0.weight, ci: $0.ci,
                          alternatives: $0.alternatives?.map { .init(name: $0.name, weight: $0.weight, ci: $0.ci, ciSampling: $0.ciSampling) }, ciSampling: $0.ciSampling)
                },
                residual: run.explanation.residual.relative,
                seconds: Date().timeIntervalSince(modelStart))
        }

        for edit in edits {
            progress?("\(edit.id)")
            for level in options.levels { models.append(try explain([(edit, level)])) }
        }
        for pair in options.aspectPairs {
            for sets in options.pairSets {
                guard let first = edits.first(where: { $0.aspect == pair[0] && $0.set == sets.0 }),
                      let second = edits.first(where: { $0.aspect == pair[1] && $0.set == sets.1 }) else { continue }
                progress?("\(first.id) + \(second.id)")
                for a in options.multiLevels {
                    for b in options.multiLevels { models.append(try explain([(first, a), (second, b)])) }
                }
            }
        }
        // The control: FineXL's own renderings of the same aspects on the same photos, kept out
        // of every score above (a self-consistency check: the directions come from these renderings).
        var control: [PhotoBenchReport.Model] = []
        let aspects = Set(edits.map(\.aspect))
        for edit in PhotoEdits.control where aspects.contains(edit.aspect) {
            progress?("control: \(edit.id)")
            for level in options.levels { control.append(try explain([(edit, level)])) }
        }
        progress?("matched levels")
        let matchedStart = Date()
        let matched = MatchedLevels.measure(edits, levels: options.levels, photos: photos)
        let matchedSeconds = Date().timeIntervalSince(matchedStart)
        return PhotoBenchReport(models: models, edits: edits, options: options, photoCount: photos.photos.count,
                                matchedLevels: matched, matchedSeconds: matchedSeconds, controlModels: control,
                                elapsedSeconds: Date().timeIntervalSince(start) - matchedSeconds)
    }
}

/// Every implementation of every built-in aspect the benchmark applies.
package enum PhotoEdits {
    package static var all: [PhotoEdit] { ColorEdits.all + ToneEdits.all + DetailEdits.all }

    /// The control, not an implementation: each built-in concept's own canonical rendering
    /// (`Aspect.canonicalRendering`, set 0), which FineXL should read at its level on any photos.
    package static var control: [PhotoEdit] {
        Aspect.all.map { aspect in
            PhotoEdit(aspect.name, "FineXL's rendering", set: 0, "Aspect.canonicalRendering at level t") { image, t, seed in
                aspect.canonicalRendering(of: image, level: Double(t), seed: seed)
            }
        }
    }
}
