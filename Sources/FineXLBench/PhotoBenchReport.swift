import FineXLCore
import FineXLDescriptor
import Foundation

/// What `PhotoBenchmark.run` measured: the raw readings of every model, and the scores
/// computed from them.
package struct PhotoBenchReport: Sendable {
    /// One explained model: what was planted and what FineXL read.
    package struct Model: Sendable, Codable, Equatable {
        package struct Planted: Sendable, Codable, Equatable {
            package var aspect: String
            package var implementation: String
            package var set: Int
            package var level: Double
        }

        package struct Reading: Sendable, Codable, Equatable {
            package var name: String
            package var weight: Double
            /// The reported 95 % interval ([] when not computed).
            package var ci: [Double]
            /// Concepts the explanation said could not be told apart from this one, with their levels.
            package var alternatives: [Alternative]?
            /// The sampling interval, without how far implementations differ (`Explanation.Weighted.ciSampling`).
            package var ciSampling: [Double]?

            package init(name: String, weight: Double, ci: [Double], alternatives: [Alternative]? = nil,
                         ciSampling: [Double]? = nil) {
                self.name = name
                self.weight = weight
                self.ci = ci
                self.alternatives = alternatives
                self.ciSampling = ciSampling
            }
        }

        package struct Alternative: Sendable, Codable, Equatable {
            package var name: String
            package var weight: Double
            /// Its reported 95 % interval and sampling interval, when the explanation gave them.
            package var ci: [Double]?
            package var ciSampling: [Double]?

            package init(name: String, weight: Double, ci: [Double]? = nil, ciSampling: [Double]? = nil) {
                self.name = name
                self.weight = weight
                self.ci = ci
                self.ciSampling = ciSampling
            }
        }

        package var planted: [Planted]
        /// The kept concepts, largest weight first, as the explanation lists them.
        package var concepts: [Reading]
        package var residual: Double
        package var seconds: Double

        /// The level read for `name`: its weight when kept, else the level stated for it as an
        /// alternative that fits as well (a concept could not be told apart from it), else 0.
        package func weight(of name: String) -> Double {
            concepts.first { $0.name == name }?.weight
                ?? concepts.lazy.compactMap { $0.alternatives?.first { $0.name == name }?.weight }.first ?? 0
        }

        /// The concept with the largest positive weight.
        package var top: String? {
            concepts.filter { $0.weight > 0 }.max { $0.weight < $1.weight || ($0.weight == $1.weight && $0.name > $1.name) }?.name
        }

        /// Whether the largest weight names `aspect`, or names a concept the explanation said
        /// could not be told apart from `aspect`.
        package func namesOrStates(_ aspect: String) -> Bool {
            guard let top else { return false }
            return top == aspect || concepts.first { $0.name == top }?.alternatives?.contains { $0.name == aspect } == true
        }

        /// Whether the reported interval of `name` (its sampling interval, given `sampling`, where
        /// there is one) contains `level`: the interval of its reading when kept, else (given
        /// `alternatives`) of the alternative reading stated for it, as `weight(of:)` reads its
        /// level; false when neither.
        package func covers(_ name: String, _ level: Double, sampling: Bool = false, alternatives: Bool = true) -> Bool {
            let interval: [Double]?
            if let reading = concepts.first(where: { $0.name == name }) {
                interval = sampling ? reading.ciSampling ?? reading.ci : reading.ci
            } else if alternatives, let stated = concepts.lazy.compactMap({ $0.alternatives?.first { $0.name == name } }).first {
                interval = sampling ? stated.ciSampling ?? stated.ci : stated.ci
            } else {
                interval = nil
            }
            guard let ci = interval, ci.count == 2 else { return false }
            return ci[0] <= level + 1e-12 && level <= ci[1] + 1e-12
        }

        /// "name 0.52, name 0.31, name 0.10": the largest weights.
        package func describeTop(_ count: Int = 3) -> String {
            let shown = concepts.filter { $0.weight > 0 }.sorted { $0.weight > $1.weight }.prefix(count)
            return shown.isEmpty ? "nothing" : shown.map { String(format: "%@ %.2f", $0.name, $0.weight) }.joined(separator: ", ")
        }
    }

    /// The scores of one implementation of one aspect over its ten levels.
    package struct EditScore: Sendable, Equatable {
        package var aspect: String
        package var implementation: String
        package var set: Int
        package var rankMAE: Double
        package var identified: Int
        package var identifiable: Int
        /// Identified, or the largest weight's concept stated as not told apart from the aspect.
        package var identifiedOrStated: Int
        /// Least-squares slope of the read weight on the planted level (through 0): how the
        /// implementation's strength scale compares with the concept's.
        package var scale: Double
        /// Share of levels inside the reported interval.
        package var coverage: Double
        /// Share of `scale × level` inside the reported interval: whether the intervals are
        /// honest about the spread once the scales are matched.
        package var scaledCoverage: Double
        /// Share of levels inside the sampling interval (without how far implementations differ).
        package var samplingCoverage: Double
        /// Share of levels inside the interval of the aspect's reading when it was kept, not
        /// counting an alternative reading's interval.
        package var keptCoverage: Double
        /// The weights read at each level.
        package var weights: [Double]
        /// The edit's strength at each level as a level of the concept (`MatchedLevels`), [] when not measured.
        package var matched: [Double]
        /// Least-squares slope of the matched level on the planted level (through 0): the tool's
        /// strength scale measured on the pixels, where `scale` is FineXL's reading of it.
        package var matchedScale: Double
        /// Share of matched levels inside the reported interval.
        package var matchedCoverage: Double
        /// How many matched levels sit at the rendering's ceiling (`MatchedLevels.ceiling`): lower bounds.
        package var matchedAtCeiling: Int
        /// Least-squares slope of the read weight on the matched level (through 0): 1 when FineXL
        /// reads the strength the pixels show.
        package var readOnMatched: Double
        /// For each level at or above the identification floor that was not identified: what was named.
        package var misses: [String]

        /// Levels compare only when the implementation's level 1 reads as the concept's level 1
        /// within 20 %.
        package var comparable: Bool { scale >= 0.8 && scale <= 1.25 }

        /// The same test on the pixels: the tool's level 1 is the concept's level 1 within 20 % by
        /// its matched level (`matchedScale`), whatever FineXL reads. `comparable` picks
        /// implementations by FineXL's own reading, so its coverage is selected on the outcome;
        /// this one is not.
        package var comparableByPixels: Bool { matchedScale >= 0.8 && matchedScale <= 1.25 }
    }

    /// The scores of one pair of implementations over its 3 × 3 levels.
    package struct PairScore: Sendable, Equatable {
        package var first: String
        package var second: String
        package var models: Int
        package var byLevel: Int
        package var byRank: Int
        /// Both read levels nearest the matched level (`MatchedLevels`) of their true tier among
        /// the matched levels of the pair's three tiers; nil when not measured.
        package var byMatchedLevel: Int?
        /// Both read levels nearest the level the same implementation reads alone at their true
        /// tier, among its readings alone at the pair's three tiers: whether a second aspect
        /// leaves the first's reading where it was (the separation the decomposition owes),
        /// whatever the tool's scale; nil when a tier was not explained alone. It also counts the
        /// change one edit makes to the other's look (a contrast cut after a cast shrinks the cast).
        package var byAloneLevel: Int?
        /// By level for a reader of the pixels: both aspects read exactly at their matched levels
        /// (`MatchedLevels`, each measured alone), on the concepts' own scale; nil when not
        /// measured. What any method that reads each edit's strength off the pixels would score
        /// by level: the part of `byLevel` that is the tools' dials, not FineXL's reading.
        package var pixelReaderByLevel: Int?
        /// The same reader with each aspect's matched levels divided by the matched scale of the
        /// aspect's other implementations (their geometric mean): a concept scale calibrated to
        /// the common tools' dials and held out from the tool it reads; nil when there is none.
        package var calibratedPixelReaderByLevel: Int?
        /// Whether both implementations are comparable by their pixels (`EditScore.comparableByPixels`).
        package var comparableByPixels: Bool
        /// Whether both implementations are comparable (`EditScore.comparable`): only then can a
        /// level read be expected near the planted one.
        package var comparable: Bool
        /// "a/b → read a, read b" for models not recovered by rank.
        package var misses: [String]
    }

    package var models: [Model]
    package var edits: [PhotoEdit]
    package var options: PhotoBenchmark.Options
    package var photoCount: Int
    /// Each edit's matched level (`MatchedLevels`) at each of `options.levels`, by edit id.
    package var matchedLevels: [String: [Double]] = [:]
    /// How long measuring them took.
    package var matchedSeconds: Double = 0
    /// The control (`PhotoEdits.control`): FineXL's own renderings on the same photos, kept out
    /// of every score but `controlScores`.
    package var controlModels: [Model] = []
    package var elapsedSeconds: Double

    package var singleModels: [Model] { models.filter { $0.planted.count == 1 } }

    package var editScores: [EditScore] {
        edits.compactMap { edit in
            let runs = singleModels.filter { $0.planted[0].aspect == edit.aspect && $0.planted[0].implementation == edit.implementation }
                .sorted { $0.planted[0].level < $1.planted[0].level }
            guard !runs.isEmpty else { return nil }
            let levels = runs.map { $0.planted[0].level }
            let weights = runs.map { $0.weight(of: edit.aspect) }
            var identified = 0, identifiable = 0, stated = 0
            var misses: [String] = []
            for run in runs where run.planted[0].level >= options.identificationFloor - 1e-9 {
                identifiable += 1
                if run.namesOrStates(edit.aspect) { stated += 1 }
                if run.top == edit.aspect {
                    identified += 1
                } else {
                    misses.append(String(format: "%.1f → %@", run.planted[0].level, run.describeTop()))
                }
            }
            let scale = Self.slope(weights, on: levels)
            let matched = matchedLevels[edit.id] == nil ? [] : runs.map { matchedLevel(edit.id, at: $0.planted[0].level) ?? .nan }
            let matchedCovered = zip(runs, matched).filter { $0.covers(edit.aspect, $1) }.count
            let ceiling = Aspect.named(edit.aspect).map(MatchedLevels.ceiling) ?? .infinity
            let covered = runs.filter { $0.covers(edit.aspect, $0.planted[0].level) }.count
            let scaledCovered = runs.filter { $0.covers(edit.aspect, scale * $0.planted[0].level) }.count
            let samplingCovered = runs.filter { $0.covers(edit.aspect, $0.planted[0].level, sampling: true) }.count
            let keptCovered = runs.filter { $0.covers(edit.aspect, $0.planted[0].level, alternatives: false) }.count
            return EditScore(aspect: edit.aspect, implementation: edit.implementation, set: edit.set,
                             rankMAE: DescriptorBenchmark.rankMAE(truth: levels, predicted: weights),
                             identified: identified, identifiable: identifiable, identifiedOrStated: stated, scale: scale,
                             coverage: Double(covered) / Double(runs.count),
                             scaledCoverage: Double(scaledCovered) / Double(runs.count),
                             samplingCoverage: Double(samplingCovered) / Double(runs.count),
                             keptCoverage: Double(keptCovered) / Double(runs.count),
                             weights: weights,
                             matched: matched, matchedScale: matched.isEmpty ? .nan : Self.slope(matched, on: levels),
                             matchedCoverage: matched.isEmpty ? .nan : Double(matchedCovered) / Double(runs.count),
                             matchedAtCeiling: matched.filter { $0 >= ceiling - 1e-9 }.count,
                             readOnMatched: matched.isEmpty ? .nan : Self.slope(weights, on: matched),
                             misses: misses)
        }
    }

    /// The control's scores, each concept's own rendering scored as an implementation: a
    /// self-consistency check (the in-context directions are measured from these renderings on
    /// these photos), that the fit, the response and the intervals give a rendering back at its level.
    package var controlScores: [EditScore] {
        let aspects = Set(controlModels.flatMap { $0.planted.map(\.aspect) })
        return PhotoBenchReport(models: controlModels, edits: PhotoEdits.control.filter { aspects.contains($0.aspect) },
                                options: options, photoCount: photoCount, elapsedSeconds: 0).editScores
    }

    /// Least-squares slope of `y` on `x` through 0.
    static func slope(_ y: [Double], on x: [Double]) -> Double {
        Vector.dot(x, y) / max(Vector.dot(x, x), 1e-12)
    }

    /// `edit`'s matched level at `level`, when measured there.
    func matchedLevel(_ edit: String, at level: Double) -> Double? {
        guard let all = matchedLevels[edit], let i = options.levels.firstIndex(where: { abs($0 - level) < 1e-9 }) else { return nil }
        return all[i]
    }

    /// What FineXL reads for `aspect` in the single-aspect model of `implementation` at `level`, if explained.
    func aloneReading(_ aspect: String, _ implementation: String, at level: Double) -> Double? {
        singleModels.first {
            $0.planted[0].aspect == aspect && $0.planted[0].implementation == implementation && abs($0.planted[0].level - level) < 1e-9
        }?.weight(of: aspect)
    }

    package var pairScores: [PairScore] {
        var groups: [String: [Model]] = [:]
        var order: [String] = []
        for model in models where model.planted.count == 2 {
            let key = model.planted.map { "\($0.aspect) / \($0.implementation)" }.joined(separator: " + ")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(model)
        }
        let levels = options.multiLevels
        let scores = editScores
        let comparable = Set(scores.filter(\.comparable).map { "\($0.aspect) / \($0.implementation)" })
        let comparableByPixels = Set(scores.filter(\.comparableByPixels).map { "\($0.aspect) / \($0.implementation)" })
        func nearest(_ w: Double) -> Double { levels.min { abs($0 - w) < abs($1 - w) }! }
        // The concept scale the aspect's other implementations calibrate (the geometric mean of their matched scales).
        func heldOutScale(_ aspect: String, besides implementation: String) -> Double? {
            let others = scores.filter { $0.aspect == aspect && $0.implementation != implementation && $0.matchedScale > 0 }
            guard !others.isEmpty else { return nil }
            return exp(others.map { log($0.matchedScale) }.reduce(0, +) / Double(others.count))
        }
        return order.map { key in
            let runs = groups[key]!
            let a = runs[0].planted[0], b = runs[0].planted[1]
            let readA = runs.map { $0.weight(of: a.aspect) }, readB = runs.map { $0.weight(of: b.aspect) }
            let tierA = DescriptorBenchmark.tiers(readA, levels: levels)
            let tierB = DescriptorBenchmark.tiers(readB, levels: levels)
            var byRank = 0
            let idA = "\(a.aspect) / \(a.implementation)", idB = "\(b.aspect) / \(b.implementation)"
            // How many models read both aspects nearest the reference level of their true tier,
            // among each implementation's references at the pair's levels; nil when one is missing.
            func bothNearest(_ referenceA: [Double?], _ referenceB: [Double?]) -> Int? {
                let refA = referenceA.compactMap { $0 }, refB = referenceB.compactMap { $0 }
                guard refA.count == levels.count, refB.count == levels.count else { return nil }
                func nearestTier(_ w: Double, _ refs: [Double]) -> Int { refs.indices.min { abs(refs[$0] - w) < abs(refs[$1] - w) }! }
                return runs.indices.filter { k in
                    guard let tierA = levels.firstIndex(of: runs[k].planted[0].level),
                          let tierB = levels.firstIndex(of: runs[k].planted[1].level) else { return false }
                    return nearestTier(readA[k], refA) == tierA && nearestTier(readB[k], refB) == tierB
                }.count
            }
            // How many models read both aspects nearest their planted level among the pair's levels.
            func atPlantedLevel(_ levelA: [Double], _ levelB: [Double]) -> Int {
                runs.indices.filter { nearest(levelA[$0]) == runs[$0].planted[0].level && nearest(levelB[$0]) == runs[$0].planted[1].level }.count
            }
            // Against each implementation's matched levels, and against what it reads alone.
            let byMatchedLevel = bothNearest(levels.map { matchedLevel(idA, at: $0) }, levels.map { matchedLevel(idB, at: $0) })
            let byAloneLevel = bothNearest(levels.map { aloneReading(a.aspect, a.implementation, at: $0) },
                                           levels.map { aloneReading(b.aspect, b.implementation, at: $0) })
            // A reader of the pixels, as is and calibrated on the aspect's other implementations.
            func pixelReader(scaleA: Double?, scaleB: Double?) -> Int? {
                guard let scaleA, let scaleB else { return nil }
                let matchedA = runs.compactMap { matchedLevel(idA, at: $0.planted[0].level) }.filter(\.isFinite)
                let matchedB = runs.compactMap { matchedLevel(idB, at: $0.planted[1].level) }.filter(\.isFinite)
                guard matchedA.count == runs.count, matchedB.count == runs.count else { return nil }
                return atPlantedLevel(matchedA.map { $0 / scaleA }, matchedB.map { $0 / scaleB })
            }
            let pixelReaderByLevel = pixelReader(scaleA: 1, scaleB: 1)
            let calibratedPixelReaderByLevel = pixelReader(scaleA: heldOutScale(a.aspect, besides: a.implementation),
                                                           scaleB: heldOutScale(b.aspect, besides: b.implementation))
            var misses: [String] = []
            for (k, run) in runs.enumerated() {
                let truthA = run.planted[0].level, truthB = run.planted[1].level
                if tierA[k] == truthA && tierB[k] == truthB {
                    byRank += 1
                } else {
                    misses.append(String(format: "%.1f/%.1f → %.2f, %.2f (%@)", truthA, truthB, readA[k], readB[k], run.describeTop()))
                }
            }
            return PairScore(first: idA, second: idB, models: runs.count, byLevel: atPlantedLevel(readA, readB), byRank: byRank,
                             byMatchedLevel: byMatchedLevel, byAloneLevel: byAloneLevel,
                             pixelReaderByLevel: pixelReaderByLevel, calibratedPixelReaderByLevel: calibratedPixelReaderByLevel,
                             comparableByPixels: comparableByPixels.contains(idA) && comparableByPixels.contains(idB),
                             comparable: comparable.contains(idA) && comparable.contains(idB),
                             misses: misses)
        }
    }

    package struct Summary: Sendable, Equatable {
        package var identification: Double
        /// Identification counting a stated alternative (`Model.namesOrStates`).
        package var identificationStated: Double
        package var rankMAE: Double
        package var pairByRank: Double
        package var pairByLevel: Double
        /// By level over the pairs whose two implementations are both comparable, and how many models that is.
        package var pairByLevelComparable: Double
        package var comparablePairModels: Int
        /// Coverage of the planted level over the comparable implementations.
        package var coverageComparable: Double
        package var comparableEdits: Int
        /// Coverage of `scale × level` over all implementations.
        package var scaledCoverage: Double
        /// Coverage of the planted level by the sampling intervals, over the comparable implementations.
        package var samplingCoverageComparable: Double
        /// Coverage of the planted level over every implementation, comparable or not.
        package var coverageAll: Double
        /// Coverage over the comparable implementations by kept readings' intervals alone.
        package var keptCoverageComparable: Double
        /// Two aspects by matched level (`PairScore.byMatchedLevel`), NaN when not measured.
        package var pairByMatchedLevel: Double = .nan
        /// Two aspects by the levels each implementation reads alone (`PairScore.byAloneLevel`), NaN when not explained.
        package var pairByAloneLevel: Double = .nan
        /// Two aspects by level for a reader of the pixels (`PairScore.pixelReaderByLevel`), and
        /// calibrated on each aspect's other implementations (`calibratedPixelReaderByLevel`), NaN when not measured.
        package var pairByLevelPixelReader: Double = .nan
        package var pairByLevelCalibratedPixelReader: Double = .nan
        /// Coverage of the matched level over every implementation, NaN when not measured.
        package var matchedCoverage: Double = .nan
        /// Coverage of the planted level over the implementations comparable by their pixels, and how many.
        package var coverageComparableByPixels: Double = .nan
        package var comparableByPixelsEdits = 0
        /// By level over the pairs of implementations comparable by their pixels, and how many models.
        package var pairByLevelComparableByPixels: Double = .nan
        package var comparableByPixelsPairModels = 0
        /// How many implementations had matched levels, and for how many FineXL's read level is
        /// within 0.8–1.25× of the matched one (`EditScore.readOnMatched`).
        package var matchedEdits = 0
        package var readsNearMatched = 0
    }

    package var summary: Summary {
        let scores = editScores, pairs = pairScores
        let comparable = scores.filter(\.comparable)
        let byPixels = scores.filter(\.comparableByPixels), pairsByPixels = pairs.filter(\.comparableByPixels)
        func share(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : .nan }
        func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
        // A pair count that may be missing, over the models of the pairs that have it.
        func measuredShare(_ count: KeyPath<PairScore, Int?>) -> Double {
            share(pairs.compactMap { $0[keyPath: count] }.reduce(0, +), pairs.filter { $0[keyPath: count] != nil }.map(\.models).reduce(0, +))
        }
        return Summary(
            identification: scores.identification,
            identificationStated: share(scores.map(\.identifiedOrStated).reduce(0, +), scores.map(\.identifiable).reduce(0, +)),
            rankMAE: mean(scores.map(\.rankMAE)),
            pairByRank: share(pairs.map(\.byRank).reduce(0, +), pairs.map(\.models).reduce(0, +)),
            pairByLevel: share(pairs.map(\.byLevel).reduce(0, +), pairs.map(\.models).reduce(0, +)),
            pairByLevelComparable: share(pairs.filter(\.comparable).map(\.byLevel).reduce(0, +),
                                         pairs.filter(\.comparable).map(\.models).reduce(0, +)),
            comparablePairModels: pairs.filter(\.comparable).map(\.models).reduce(0, +),
            coverageComparable: comparable.meanCoverage, comparableEdits: comparable.count,
            scaledCoverage: mean(scores.map(\.scaledCoverage)),
            samplingCoverageComparable: mean(comparable.map(\.samplingCoverage)),
            coverageAll: scores.meanCoverage,
            keptCoverageComparable: mean(comparable.map(\.keptCoverage)),
            pairByMatchedLevel: measuredShare(\.byMatchedLevel),
            pairByAloneLevel: measuredShare(\.byAloneLevel),
            pairByLevelPixelReader: measuredShare(\.pixelReaderByLevel),
            pairByLevelCalibratedPixelReader: measuredShare(\.calibratedPixelReaderByLevel),
            matchedCoverage: mean(scores.map(\.matchedCoverage).filter { !$0.isNaN }),
            coverageComparableByPixels: byPixels.meanCoverage,
            comparableByPixelsEdits: byPixels.count,
            pairByLevelComparableByPixels: share(pairsByPixels.map(\.byLevel).reduce(0, +), pairsByPixels.map(\.models).reduce(0, +)),
            comparableByPixelsPairModels: pairsByPixels.map(\.models).reduce(0, +),
            matchedEdits: scores.filter { !$0.matched.isEmpty }.count,
            readsNearMatched: scores.filter { $0.readOnMatched >= 0.8 && $0.readOnMatched <= 1.25 }.count)
    }

    static let setNames = [
        1: "set 1: the pixel arithmetic of Pillow ImageEnhance/ImageFilter and ImageMagick",
        2: "set 2: other colour spaces, curves and kernels (Lab, HSV, sigmoids, disks, clumped grain)",
        3: "set 3: further variants (linear-light white balance, motion blur, shot noise, dithering…)",
    ]

    package func renderTable() -> String {
        var lines: [String] = []
        let pairModels = models.count - singleModels.count
        lines.append("FineXL on real pictures: \(photoCount) public-domain/CC0 crops (\(PhotoSet.relativePath)), each aspect applied by independent implementations")
        lines.append("each model explained as `finexl explain` does by default (descriptor encoder, vocabulary top \(options.top), \(options.explainOptions.method.rawValue), \(options.explainOptions.bootstrapResamples) bootstrap resamples)")
        lines.append("\(singleModels.count) single-aspect models (\(edits.count) implementations × \(options.levels.count) levels), \(pairModels) two-aspect models")
        let scores = editScores
        let header = ["aspect", "implementation", "rank MAE", "identified", "scale", "coverage", "scaled cov.", "matched",
                      "m. cov.", "weights at 0.1 … 1.0"]
        for set in Set(scores.map(\.set)).sorted() {
            lines.append("")
            lines.append(Self.setNames[set] ?? "set \(set)")
            let inSet = scores.filter { $0.set == set }
            lines += Self.table(header: header, rows: inSet.map(Self.row), leftColumns: 2)
            let comparable = inSet.filter(\.comparable)
            let coverage = comparable.isEmpty ? "n/a" : String(format: "%.0f %%", 100 * comparable.meanCoverage)
            lines.append(String(format: "set %d: identification %.1f %%, rank MAE %.2f, coverage ", set,
                                100 * inSet.identification, inSet.map(\.rankMAE).reduce(0, +) / Double(inSet.count))
                + "\(coverage) over \(comparable.count) comparable")
        }
        lines.append("scale: slope of the read weight on the planted level; * = not comparable (scale outside 0.8–1.25), its coverage of the planted level means little; scaled cov.: share of scale × level inside the 95 % interval; matched: slope of the matched level (the level of the concept's canonical rendering nearest the edit in pixels; for grain and posterization, with a change of the same size) on the planted level, ≥ where some level reached the rendering's ceiling (the edit may be stronger still); m. cov.: share of matched levels inside the 95 % interval")

        let control = controlScores
        if !control.isEmpty {
            lines.append("")
            lines.append("control, kept out of every score: FineXL's own rendering of each concept (Aspect.canonicalRendering) on the same photos")
            lines += Self.table(header: header, rows: control.map(Self.row), leftColumns: 2)
            let scales = control.map(\.scale)
            lines.append(String(format: "control: identification %.1f %%, scale %.2f–%.2f, coverage %.1f %% over %d concept",
                                100 * control.identification, scales.min()!, scales.max()!, 100 * control.meanCoverage, control.count)
                + (control.count == 1 ? "" : "s")
                + " (a self-consistency check: the in-context directions are measured from these renderings on these photos, so it"
                + " shows the fit, the response and the intervals giving a rendering back at its level, not the reading of a tool)")
        }

        let pairs = pairScores
        if !pairs.isEmpty {
            lines.append("")
            lines.append("two aspects at \(options.multiLevels.map { String(format: "%.1f", $0) }.joined(separator: "/")) × the same (by rank: both in their true tier among the pair's models; by level: both nearest their true level)")
            let rows = pairs.map { pair -> [String] in
                func count(_ n: Int?) -> String { n.map { "\($0)/\(pair.models)" } ?? "–" }
                return ["\(pair.first) + \(pair.second)", count(pair.byRank), count(pair.byLevel) + (pair.comparable ? "" : "*"),
                        count(pair.byMatchedLevel), count(pair.byAloneLevel), count(pair.pixelReaderByLevel),
                        count(pair.calibratedPixelReaderByLevel)]
            }
            lines += Self.table(header: ["pair", "by rank", "by level", "by matched level", "as read alone", "pixels", "pixels, calibrated"],
                                rows: rows, leftColumns: 1)
            lines.append("* = at least one of the two implementations is not comparable: its levels are on another scale; by matched level: both read levels nearest the matched level of their true tier among the three tiers' matched levels; as read alone: both read levels nearest what FineXL reads for the same implementation alone at their true tier (does the second aspect leave the first's reading where it was?); pixels: by level for a reader that reads each aspect exactly at its matched level, as the concept's scale is; calibrated: the same with each concept's scale set by the aspect's other implementations")
        }

        let failing = scores.filter { !$0.misses.isEmpty }
        if !failing.isEmpty {
            lines.append("")
            lines.append("misidentified (level → what FineXL names instead, largest weights first):")
            for score in failing {
                lines.append("  \(score.aspect) / \(score.implementation): " + score.misses.joined(separator: "; "))
            }
        }

        let s = summary
        lines.append("")
        func percent(_ v: Double) -> String { v.isNaN ? "n/a" : String(format: "%.1f %%", v * 100) }
        lines.append("summary: identification \(percent(s.identification)) (target ≥ 95 %; \(percent(s.identificationStated)) counting a concept stated as not told apart), rank MAE "
            + String(format: "%.2f", s.rankMAE) + " (≤ 0.3), two-aspect by rank \(percent(s.pairByRank)) (≥ 95 %)"
            + " and by level \(percent(s.pairByLevel)) (≥ 80 %; \(percent(s.pairByLevelComparable)) over the"
            + " \(s.comparablePairModels) models of pairs of comparable implementations), interval coverage \(percent(s.coverageComparable))"
            + " over \(s.comparableEdits) comparable implementations (≥ 90 %; \(percent(s.keptCoverageComparable)) by kept readings"
            + " alone, without a stated alternative's interval; \(percent(s.samplingCoverageComparable)) by the sampling intervals alone; \(percent(s.coverageAll)) over all \(editScores.count)), scaled coverage \(percent(s.scaledCoverage))")
        if !s.pairByAloneLevel.isNaN {
            lines.append("two aspects as read alone: \(percent(s.pairByAloneLevel)) of the pair models read both aspects in the tier the same implementations read alone (what by level misses beyond this is each tool's scale as FineXL reads it alone, in the implementation table; what this misses is a second aspect moving the first's reading, or one edit changing the other's look)")
        }
        if !s.pairByMatchedLevel.isNaN || !s.matchedCoverage.isNaN {
            lines.append("against matched levels (each edit's strength as a level of the concept, measured on the pixels): two-aspect by level \(percent(s.pairByMatchedLevel)) (each aspect's matched level measured alone), interval coverage \(percent(s.matchedCoverage)) over the \(s.matchedEdits) implementations measured; FineXL reads within 0.8–1.25× of the matched level for \(s.readsNearMatched) of them")
            lines.append("implementations comparable by their pixels (matched scale 0.8–1.25, not chosen by what FineXL reads): interval coverage \(percent(s.coverageComparableByPixels)) over \(s.comparableByPixelsEdits), two-aspect by level \(percent(s.pairByLevelComparableByPixels)) over \(s.comparableByPixelsPairModels) models")
        }
        if !s.pairByLevelPixelReader.isNaN {
            lines.append("a reader of the pixels (each aspect read exactly at its matched level): two-aspect by level \(percent(s.pairByLevelPixelReader)) on the concepts' scale, \(percent(s.pairByLevelCalibratedPixelReader)) with each concept's scale calibrated on the aspect's other implementations (held out from the tool read): what by level can be for a method that reads each edit's strength off the pixels; the rest is each tool's dial")
        }
        lines.append(String(format: "%d models", models.count) + (controlModels.isEmpty ? "" : " and \(controlModels.count) control models")
            + String(format: " explained in %.1f s", elapsedSeconds)
            + (matchedLevels.isEmpty ? "" : String(format: "; matched levels measured in %.1f s", matchedSeconds)))
        return lines.joined(separator: "\n")
    }

    /// One implementation's row of the table.
    static func row(_ score: EditScore) -> [String] {
        [score.aspect, score.implementation, String(format: "%.2f", score.rankMAE),
         "\(score.identified)/\(score.identifiable)", String(format: "%.2f", score.scale),
         String(format: "%.0f %%", score.coverage * 100) + (score.comparable ? "" : "*"),
         String(format: "%.0f %%", score.scaledCoverage * 100),
         score.matchedScale.isNaN ? "–" : String(format: "%.2f", score.matchedScale) + (score.matchedAtCeiling > 0 ? "≥" : ""),
         score.matchedCoverage.isNaN ? "–" : String(format: "%.0f %%", score.matchedCoverage * 100),
         score.weights.map { String(format: "%.2f", $0) }.joined(separator: " ")]
    }

    static func table(header: [String], rows: [[String]], leftColumns: Int) -> [String] {
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max()! }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                c < leftColumns || header[c].hasPrefix("weights")
                    ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return [format(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(format)
    }

    /// The raw results for analysis: every model's planted edits and readings, and each edit's mapping.
    package func json() throws -> Data {
        struct Edit: Codable {
            var aspect: String
            var implementation: String
            var set: Int
            var mapping: String
            /// The edit's matched level (`MatchedLevels`) at each of `levels`, when measured.
            var matchedLevels: [Double]?
        }
        struct Document: Codable {
            var schema = "finexl.bench-photos/1"
            var photos: Int
            var levels: [Double]
            var multiLevels: [Double]
            /// Seconds explaining the models, and measuring the matched levels.
            var elapsedSeconds: Double
            var matchedSeconds: Double?
            var edits: [Edit]
            var models: [Model]
            /// The control's models (`PhotoEdits.control`), in no score.
            var control: [Model]?
        }
        let document = Document(photos: photoCount, levels: options.levels, multiLevels: options.multiLevels,
                                elapsedSeconds: elapsedSeconds, matchedSeconds: matchedLevels.isEmpty ? nil : matchedSeconds,
                                edits: edits.map { Edit(aspect: $0.aspect, implementation: $0.implementation, set: $0.set,
                                                        mapping: $0.mapping, matchedLevels: matchedLevels[$0.id]) },
                                models: models, control: controlModels.isEmpty ? nil : controlModels)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }
}

extension [PhotoBenchReport.EditScore] {
    /// Share of the identifiable levels whose largest weight names the aspect, NaN when none is.
    var identification: Double {
        let identifiable = map(\.identifiable).reduce(0, +)
        return identifiable > 0 ? Double(map(\.identified).reduce(0, +)) / Double(identifiable) : .nan
    }

    /// Mean coverage of the planted level, NaN when empty.
    var meanCoverage: Double { isEmpty ? .nan : map(\.coverage).reduce(0, +) / Double(count) }
}
