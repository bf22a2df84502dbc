import FineXLCore
import XCTest
@testable import FineXLBench

/// The scores on hand-made readings whose answers are known.
final class PhotoBenchReportTests: XCTestCase {
    private typealias Model = PhotoBenchReport.Model

    private static let warm = PhotoEdits.all.first { $0.aspect == "warm tones" && $0.set == 1 }!
    private static let blur = PhotoEdits.all.first { $0.aspect == "blurry" && $0.set == 2 }!

    private static func single(_ edit: PhotoEdit, _ level: Double, _ readings: [(String, Double, [Double])]) -> Model {
        Model(planted: [.init(aspect: edit.aspect, implementation: edit.implementation, set: edit.set, level: level)],
              concepts: readings.map { .init(name: $0.0, weight: $0.1, ci: $0.2) }, residual: 0.1, seconds: 0)
    }

    /// The 3 × 3 pair models of `warm` + `blur`, with warm and blur read as the two functions of
    /// their planted levels (warm's, blur's) say.
    private static func warmBlurPairs(warm readWarm: (Double, Double) -> Double,
                                      blur readBlur: (Double, Double) -> Double = { _, b in b }) -> [Model] {
        [0.3, 0.6, 0.9].flatMap { a in
            [0.3, 0.6, 0.9].map { b in
                Model(planted: [.init(aspect: "warm tones", implementation: warm.implementation, set: 1, level: a),
                                .init(aspect: "blurry", implementation: blur.implementation, set: 2, level: b)],
                      concepts: [.init(name: "warm tones", weight: readWarm(a, b), ci: []),
                                 .init(name: "blurry", weight: readBlur(a, b), ci: [])],
                      residual: 0.1, seconds: 0)
            }
        }
    }

    private static func report(_ models: [Model], edits: [PhotoEdit]) -> PhotoBenchReport {
        PhotoBenchReport(models: models, edits: edits, options: PhotoBenchmark.Options(), photoCount: 2, elapsedSeconds: 1)
    }

    func testPerfectReadingsScorePerfectly() {
        let levels = PhotoBenchmark.Options().levels
        let models = levels.map { l in Self.single(Self.warm, l, [("warm tones", l, [l - 0.05, l + 0.05])]) }
        let score = Self.report(models, edits: [Self.warm]).editScores[0]
        XCTAssertEqual(score.rankMAE, 0)
        XCTAssertEqual(score.identified, 8)  // levels 0.3 … 1.0
        XCTAssertEqual(score.identifiable, 8)
        XCTAssertEqual(score.scale, 1, accuracy: 1e-12)
        XCTAssertEqual(score.coverage, 1)
        XCTAssertTrue(score.comparable)
    }

    func testMisnamedLevelsAreMissesAndHalfScaleIsNotComparable() {
        let levels = PhotoBenchmark.Options().levels
        // Weights at half the level, intervals ±0.02 around them; from 0.5 up vivid colors is larger.
        let models = levels.map { l in
            Self.single(Self.warm, l, [("warm tones", l / 2, [l / 2 - 0.02, l / 2 + 0.02]), ("vivid colors", l >= 0.5 ? l : 0, [])])
        }
        let score = Self.report(models, edits: [Self.warm]).editScores[0]
        XCTAssertEqual(score.rankMAE, 0, "still in order")
        XCTAssertEqual(score.identified, 2)  // 0.3 and 0.4
        XCTAssertEqual(score.misses.count, 6)
        XCTAssertTrue(score.misses[0].hasPrefix("0.5 → vivid colors 0.50"), score.misses[0])
        XCTAssertEqual(score.scale, 0.5, accuracy: 1e-12)
        XCTAssertFalse(score.comparable)
        XCTAssertEqual(score.coverage, 0, "level never inside")
        XCTAssertEqual(score.scaledCoverage, 1, "scale × level always inside")
    }

    func testSamplingCoverageReadsTheSamplingIntervalWhereThereIsOne() {
        let levels = PhotoBenchmark.Options().levels
        // Read 10 % high: the reported interval (±20 %) holds the level, the sampling one (±3 %)
        // does not, except at 0.1 where there is none and the reported one is read.
        let models = levels.map { l -> Model in
            let w = 1.1 * l
            return Model(planted: [.init(aspect: Self.warm.aspect, implementation: Self.warm.implementation, set: Self.warm.set, level: l)],
                         concepts: [.init(name: "warm tones", weight: w, ci: [0.8 * w, 1.2 * w],
                                          ciSampling: l < 0.15 ? nil : [0.97 * w, 1.03 * w])],
                         residual: 0.1, seconds: 0)
        }
        let report = Self.report(models, edits: [Self.warm])
        XCTAssertEqual(report.editScores[0].coverage, 1)
        XCTAssertEqual(report.editScores[0].samplingCoverage, 0.1, accuracy: 1e-12)
        XCTAssertEqual(report.summary.samplingCoverageComparable, 0.1, accuracy: 1e-12)
        XCTAssertTrue(report.renderTable().contains("10.0 % by the sampling intervals alone; 100.0 % over all 1"), report.renderTable())
        XCTAssertEqual(report.summary.coverageAll, 1)
    }

    func testReversedLevelsGiveTheLargestRankError() {
        let levels = PhotoBenchmark.Options().levels
        let models = levels.map { l in Self.single(Self.warm, l, [("warm tones", 1.1 - l, [])]) }
        // Ranks 1…10 against 10…1: mean |r − (11 − r)| = 5.
        XCTAssertEqual(Self.report(models, edits: [Self.warm]).editScores[0].rankMAE, 5, accuracy: 1e-12)
    }

    func testPairRecoveryByTierAndByLevel() {
        // Warm read 0.1 low everywhere (tiers right, levels right); blur read flat at 0.5 for the
        // 0.6 and 0.9 levels, so its tiers of those six models cannot be told apart.
        let models = Self.warmBlurPairs(warm: { a, _ in a - 0.1 }, blur: { _, b in b == 0.3 ? 0.2 : 0.5 })
        let pair = Self.report(models, edits: [Self.warm, Self.blur]).pairScores[0]
        XCTAssertEqual(pair.models, 9)
        XCTAssertEqual(pair.byRank, 3, "only the blur-0.3 models sit in their tier")
        XCTAssertEqual(pair.byLevel, 6, "blur 0.5 is nearest 0.6, 0.2 nearest 0.3; warm a − 0.1 nearest a")
        XCTAssertEqual(pair.misses.count, 6)
    }

    func testByLevelIsAlsoCountedOverPairsOfComparableImplementations() {
        let levels = PhotoBenchmark.Options().levels
        let warmAlone = levels.map { l in Self.single(Self.warm, l, [("warm tones", l, [])]) }
        // Blur read at twice its level, alone and in the pairs: in order, but on another scale.
        let doubled = Self.report(warmAlone + levels.map { l in Self.single(Self.blur, l, [("blurry", 2 * l, [])]) }
                                  + Self.warmBlurPairs(warm: { a, _ in a }, blur: { _, b in 2 * b }), edits: [Self.warm, Self.blur])
        XCTAssertFalse(doubled.pairScores[0].comparable)
        XCTAssertEqual(doubled.pairScores[0].byRank, 9)
        XCTAssertEqual(doubled.pairScores[0].byLevel, 3, "only blur 0.9 is right: 1.8 is nearest 0.9; 0.6 and 1.2 are nearest 0.6 and 0.9")
        XCTAssertEqual(doubled.summary.comparablePairModels, 0)
        XCTAssertTrue(doubled.summary.pairByLevelComparable.isNaN)
        XCTAssertTrue(doubled.renderTable().contains("3/9*"), doubled.renderTable())

        let matched = Self.report(warmAlone + levels.map { l in Self.single(Self.blur, l, [("blurry", l, [])]) }
                                  + Self.warmBlurPairs(warm: { a, _ in a }), edits: [Self.warm, Self.blur])
        XCTAssertTrue(matched.pairScores[0].comparable)
        XCTAssertEqual(matched.summary.comparablePairModels, 9)
        XCTAssertEqual(matched.summary.pairByLevelComparable, 1)
    }

    func testJSONCarriesEveryModel() throws {
        let models = [Self.single(Self.warm, 0.5, [("warm tones", 0.4, [0.3, 0.5])])]
        let data = try Self.report(models, edits: [Self.warm]).json()
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        XCTAssertEqual(object["schema"] as? String, "finexl.bench-photos/1")
        XCTAssertEqual((object["models"] as? [Any])?.count, 1)
        XCTAssertEqual((object["edits"] as? [[String: Any]])?.first?["mapping"] as? String, Self.warm.mapping)
    }
}

extension PhotoBenchReportTests {
    func testAStatedAlternativeGivesTheLevelButNotTheStrictIdentification() {
        let levels = PhotoBenchmark.Options().levels
        // Black and white read as muted colors with black and white stated as fitting as well.
        let bw = PhotoEdits.all.first { $0.aspect == "black and white" && $0.set == 1 }!
        let models = levels.map { l in
            Model(planted: [.init(aspect: bw.aspect, implementation: bw.implementation, set: bw.set, level: l)],
                  concepts: [.init(name: "muted colors", weight: l / 0.7, ci: [],
                                   alternatives: [.init(name: "black and white", weight: l)])],
                  residual: 0.1, seconds: 0)
        }
        let report = Self.report(models, edits: [bw])
        let score = report.editScores[0]
        XCTAssertEqual(score.identified, 0)
        XCTAssertEqual(score.identifiedOrStated, 8)
        XCTAssertEqual(score.rankMAE, 0)
        XCTAssertEqual(score.scale, 1, accuracy: 1e-12)
        XCTAssertEqual(report.summary.identification, 0)
        XCTAssertEqual(report.summary.identificationStated, 1)
    }

    func testCoverageCountsAStatedAlternativesIntervalAndSaysWhatKeptReadingsAloneCover() {
        let levels = PhotoBenchmark.Options().levels
        let bw = PhotoEdits.all.first { $0.aspect == "black and white" && $0.set == 1 }!
        // Below 0.5 black and white is an alternative whose interval holds the level; from 0.5
        // it is kept, its interval holding the level only from 0.8.
        let models = levels.map { l in
            let reading: Model.Reading = l < 0.45
                ? .init(name: "muted colors", weight: l / 0.7, ci: [l / 0.7 - 0.1, l / 0.7 + 0.1],
                        alternatives: [.init(name: "black and white", weight: l, ci: [l - 0.05, l + 0.05])])
                : .init(name: "black and white", weight: l, ci: l > 0.75 ? [l - 0.05, l + 0.05] : [l + 0.01, l + 0.1])
            return Model(planted: [.init(aspect: bw.aspect, implementation: bw.implementation, set: bw.set, level: l)],
                         concepts: [reading], residual: 0.1, seconds: 0)
        }
        let score = Self.report(models, edits: [bw]).editScores[0]
        XCTAssertEqual(score.coverage, 0.7, accuracy: 1e-12)
        XCTAssertEqual(score.keptCoverage, 0.3, accuracy: 1e-12)
        let table = Self.report(models, edits: [bw]).renderTable()
        XCTAssertTrue(table.contains("interval coverage 70.0 % over 1 comparable implementations (≥ 90 %; 30.0 % by kept readings alone"), table)
    }

    func testTableShowsEachSetAndTheSummaryAgainstTheTargets() {
        let levels = PhotoBenchmark.Options().levels
        let models = levels.map { l in Self.single(Self.warm, l, [("warm tones", l, [l - 0.05, l + 0.05])]) }
            + levels.map { l in Self.single(Self.blur, l, [("sharp", 0.5, []), ("blurry", 0.1 * l, [])]) }
        let table = Self.report(models, edits: [Self.warm, Self.blur]).renderTable()
        XCTAssertTrue(table.contains("set 1: identification 100.0 %, rank MAE 0.00, coverage 100 % over 1 comparable"), table)
        XCTAssertTrue(table.contains("set 2: identification 0.0 %"), table)
        XCTAssertTrue(table.contains("blurry / lens disk: 0.3 → sharp 0.50, blurry 0.03"), table)
        XCTAssertTrue(table.contains("summary: identification 50.0 % (target ≥ 95 %; 50.0 % counting a concept stated as not told apart)"), table)
    }
}

extension PhotoBenchReportTests {
    func testReadLevelsAreAlsoHeldToTheMatchedLevels() {
        let levels = PhotoBenchmark.Options().levels
        // Warm gains are twice the concept's strength on the pixels and FineXL reads them so:
        // wrong against the planted level, right against the matched one. Blur is matched at its
        // level and read at it.
        let warmAlone = levels.map { l in Self.single(Self.warm, l, [("warm tones", 2 * l, [1.9 * l, 2.1 * l])]) }
        let blurAlone = levels.map { l in Self.single(Self.blur, l, [("blurry", l, [0.9 * l, 1.1 * l])]) }
        let pairs = Self.warmBlurPairs(warm: { a, _ in 2 * a })
        var report = Self.report(warmAlone + blurAlone + pairs, edits: [Self.warm, Self.blur])
        report.matchedLevels = [Self.warm.id: levels.map { 2 * $0 }, Self.blur.id: levels]
        let warm = report.editScores[0], blur = report.editScores[1]
        XCTAssertEqual(warm.matchedScale, 2, accuracy: 1e-12)
        XCTAssertEqual(warm.coverage, 0)
        XCTAssertEqual(warm.matchedCoverage, 1)
        XCTAssertFalse(warm.comparableByPixels)
        XCTAssertTrue(blur.comparableByPixels)
        let pair = report.pairScores[0]
        XCTAssertEqual(pair.byLevel, 3, "warm read at 2a is nearest its planted level only at 0.9 (1.8)")
        XCTAssertEqual(pair.byMatchedLevel, 9)
        XCTAssertFalse(pair.comparableByPixels)
        XCTAssertEqual(report.summary.pairByMatchedLevel, 1)
        XCTAssertEqual(report.summary.matchedCoverage, 1)
        XCTAssertEqual(report.summary.comparableByPixelsEdits, 1)
        XCTAssertEqual(report.summary.coverageComparableByPixels, 1)
        XCTAssertEqual(report.summary.comparableByPixelsPairModels, 0)
        let table = report.renderTable()
        XCTAssertTrue(table.contains("two-aspect by level 100.0 % (each aspect's matched level measured alone), interval coverage 100.0 % over the 2 implementations measured; FineXL reads within 0.8–1.25× of the matched level for 2 of them"), table)
        XCTAssertEqual(warm.readOnMatched, 1, accuracy: 1e-12)
        XCTAssertEqual(warm.matchedAtCeiling, 0)

        // Without matched levels nothing is claimed against them.
        report.matchedLevels = [:]
        XCTAssertNil(report.pairScores[0].byMatchedLevel)
        XCTAssertTrue(report.editScores[0].matchedScale.isNaN)
        XCTAssertFalse(report.renderTable().contains("against matched levels"))
    }
}

extension PhotoBenchReportTests {
    func testTheControlIsScoredApartAndLeftOutOfEveryScore() throws {
        let levels = PhotoBenchmark.Options().levels
        let ownWarm = PhotoEdits.control.first { $0.aspect == "warm tones" }!
        XCTAssertEqual(ownWarm.set, 0)
        // The tool reads at half its level; FineXL's own rendering at 0.9× its level, and from 0.8 up
        // beside a larger vivid colors.
        let tool = levels.map { l in Self.single(Self.warm, l, [("warm tones", l / 2, [l / 2 - 0.02, l / 2 + 0.02])]) }
        let control = levels.map { l in
            Self.single(ownWarm, l, [("warm tones", 0.9 * l, [0.85 * l, 0.95 * l]), ("vivid colors", l >= 0.8 ? 1 : 0, [])])
        }
        var report = Self.report(tool, edits: [Self.warm])
        let without = report.summary
        report.controlModels = control
        let with = report.summary  // NaN where there are no pairs, so compared field by field
        XCTAssertEqual(with.identification, without.identification, "the control changes no score")
        XCTAssertEqual(with.identification, 1)
        XCTAssertEqual(with.coverageAll, without.coverageAll)
        XCTAssertEqual(with.scaledCoverage, without.scaledCoverage)
        XCTAssertEqual(with.rankMAE, without.rankMAE)
        XCTAssertEqual(report.editScores.count, 1)

        let scores = report.controlScores
        XCTAssertEqual(scores.count, 1)
        XCTAssertEqual(scores[0].implementation, "FineXL's rendering")
        XCTAssertEqual(scores[0].scale, 0.9, accuracy: 1e-12)
        XCTAssertEqual(scores[0].identified, 5)  // 0.3 … 0.7
        XCTAssertEqual(scores[0].coverage, 0, "the interval [0.85, 0.95] × the level never holds the level")

        let table = report.renderTable()
        XCTAssertTrue(table.contains("control: identification 62.5 %, scale 0.90–0.90, coverage 0.0 % over 1 concept ("), table)
        XCTAssertTrue(table.contains("summary: identification 100.0 %"), "the tool's levels alone: \(table)")
        XCTAssertTrue(table.contains("10 models and 10 control models explained"), table)

        let object = try JSONSerialization.jsonObject(with: try report.json()) as! [String: Any]
        XCTAssertEqual((object["control"] as? [Any])?.count, 10)
        XCTAssertEqual((object["models"] as? [Any])?.count, 10)
    }
}

extension PhotoBenchReportTests {
    func testPairsAreAlsoHeldToWhatEachImplementationReadsAlone() {
        let levels = PhotoBenchmark.Options().levels
        // Warm read at twice its level alone (another scale); blur at its level alone.
        let warmAlone = levels.map { l in Self.single(Self.warm, l, [("warm tones", 2 * l, [])]) }
        let blurAlone = levels.map { l in Self.single(Self.blur, l, [("blurry", l, [])]) }
        // The pair leaves warm where it reads alone: right by what it reads alone, wrong by level
        // but at 0.9 (1.8 is nearest 0.9; 0.6 and 1.2 are nearest 0.6 and 0.9).
        let separated = Self.report(warmAlone + blurAlone + Self.warmBlurPairs(warm: { a, _ in 2 * a }), edits: [Self.warm, Self.blur])
        XCTAssertEqual(separated.pairScores[0].byAloneLevel, 9)
        XCTAssertEqual(separated.pairScores[0].byLevel, 3, "only warm 0.9 (read 1.8) is nearest its planted level")
        XCTAssertEqual(separated.summary.pairByAloneLevel, 1)

        // Blur at its strongest tier erases half of warm: warm reads a instead of 2a there, nearest
        // what a lower tier reads alone (0.6 is warm alone at 0.3) or, at a = 0.3, no tier's reading
        // but the lowest (0.3 is nearer 0.6 than 1.2): the 0.3 model keeps its tier.
        let erased = Self.report(warmAlone + blurAlone + Self.warmBlurPairs(warm: { a, b in b == 0.9 ? a : 2 * a }), edits: [Self.warm, Self.blur])
        XCTAssertEqual(erased.pairScores[0].byAloneLevel, 7, "two of the models with blur 0.9 move warm out of its tier")
        XCTAssertEqual(erased.summary.pairByAloneLevel, 7.0 / 9.0, accuracy: 1e-12)
        XCTAssertTrue(erased.renderTable().contains("two aspects as read alone: 77.8 %"), erased.renderTable())

        // Without the single-aspect models there is nothing to hold the pair to.
        let pairsOnly = Self.report(Self.warmBlurPairs(warm: { a, _ in 2 * a }), edits: [Self.warm, Self.blur])
        XCTAssertNil(pairsOnly.pairScores[0].byAloneLevel)
        XCTAssertTrue(pairsOnly.summary.pairByAloneLevel.isNaN)
        XCTAssertFalse(pairsOnly.renderTable().contains("two aspects as read alone:"))
    }
}

extension PhotoBenchReportTests {
    func testAReaderOfThePixelsBoundsByLevelAtTheConceptsScaleAndCalibrated() {
        let levels = PhotoBenchmark.Options().levels
        let labWarm = PhotoEdits.all.first { $0.aspect == "warm tones" && $0.set == 2 }!
        let balanceWarm = PhotoEdits.all.first { $0.aspect == "warm tones" && $0.set == 3 }!
        let gaussian = PhotoEdits.all.first { $0.aspect == "blurry" && $0.set == 1 }!
        // Warm gains are twice the concept on the pixels; the other two warm tools 1× and 4×
        // (geometric mean 2, arithmetic 2.5); blur by lens disk at its level, Gaussian blur 1.1×.
        // FineXL reads the pair as the pixels are.
        let scales = [(Self.warm, 2.0), (labWarm, 1.0), (balanceWarm, 4.0), (Self.blur, 1.0), (gaussian, 1.1)]
        let singles = scales.flatMap { edit, scale in levels.map { l in Self.single(edit, l, [(edit.aspect, scale * l, [])]) } }
        let pairs = Self.warmBlurPairs(warm: { a, _ in 2 * a })
        var report = Self.report(singles + pairs, edits: scales.map(\.0))
        report.matchedLevels = Dictionary(uniqueKeysWithValues: scales.map { edit, scale in (edit.id, levels.map { scale * $0 }) })
        let pair = report.pairScores[0]
        XCTAssertEqual(pair.byLevel, 3)
        XCTAssertEqual(pair.pixelReaderByLevel, 3, "warm read at its matched 2a is nearest its planted level only at 0.9")
        XCTAssertEqual(pair.calibratedPixelReaderByLevel, 9,
                       "2a / 2 and b / 1.1 are each nearest their planted level (by the arithmetic mean, 2a / 2.5 at 0.9 is 0.72, nearer 0.6)")
        XCTAssertEqual(report.summary.pairByLevelPixelReader, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(report.summary.pairByLevelCalibratedPixelReader, 1)
        let table = report.renderTable()
        XCTAssertTrue(table.contains("a reader of the pixels (each aspect read exactly at its matched level): two-aspect by level 33.3 % on the concepts' scale, 100.0 % with each concept's scale calibrated"), table)
        let row = table.split(separator: "\n").first { $0.hasPrefix("warm tones / channel gains + blurry") }
        XCTAssertEqual(row?.split(separator: " ").suffix(2), ["3/9", "9/9"], "the pixels columns: \(row ?? "")")

        // Held out means the tool's own scale is never used: with no other warm implementation
        // measured there is nothing to calibrate on.
        report.matchedLevels[labWarm.id] = nil
        report.matchedLevels[balanceWarm.id] = nil
        XCTAssertEqual(report.pairScores[0].pixelReaderByLevel, 3)
        XCTAssertNil(report.pairScores[0].calibratedPixelReaderByLevel)
        XCTAssertTrue(report.summary.pairByLevelCalibratedPixelReader.isNaN)

        // A matched level that is not a number counts for nothing (NaN would be "nearest" 0.3).
        report.matchedLevels[Self.warm.id]![2] = .nan
        XCTAssertNil(report.pairScores[0].pixelReaderByLevel)

        // Without matched levels there is no reader of the pixels.
        report.matchedLevels = [:]
        XCTAssertNil(report.pairScores[0].pixelReaderByLevel)
        XCTAssertFalse(report.renderTable().contains("a reader of the pixels"))
    }
}
