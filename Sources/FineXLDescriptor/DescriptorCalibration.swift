import FineXLCore
import FineXLSupport
import Foundation
import Synchronization

/// What the descriptor encoder measures once: the standardization of each statistic and
/// the concept directions `f(C)` over the reference image set.
///
/// The reference set is procedural and seeded (scenes and textures), so the calibration
/// is identical on every machine and run. Like the paper's Eq. 6, each direction is an
/// average of paired differences: `f(C) = mean_i Enc(render_C(img_i)) − Enc(img_i)` with
/// `render_C` the aspect's canonical rendering at level 1.0.
struct DescriptorCalibration: Sendable {
    static let referenceScenes = 14
    static let referenceTextures = 14
    static let referenceSize = 128

    /// Per-statistic centre (mean over the reference images).
    let mean: [Double]
    /// Per-statistic unit: pooled within-aspect std of the paired differences.
    let scale: [Double]
    /// Wall time the standardization took (and the reference directions, once measured).
    var seconds: Double { standardizationSeconds + (Self.referenceMeasured.withLock { $0 } ?? 0) }
    private let standardizationSeconds: Double
    /// Whether `mean` and `scale` came from `DescriptorCalibrationTable` rather than measured.
    let fromTable: Bool

    static let shared = DescriptorCalibration()

    /// `f(C)` in standardized units on the reference images, one per aspect. Measured on first
    /// use: a run with in-context directions never needs them.
    var directions: [Aspect.Kind: [Double]] { Self.reference.directions }
    /// `f(C)` as measured on each reference image (their mean is `directions`), for intervals
    /// that resample the calibration images.
    var perImage: [Aspect.Kind: [[Double]]] { Self.reference.perImage }
    /// Each of the aspects' other forms (`Aspect.Form`) measured the same way, per image.
    var formPerImage: [Aspect.Form: [[Double]]] { Self.reference.formPerImage }
    /// How each aspect's weight reads as a level on the reference images (levels ¼, ½, 1), as
    /// in context: a response that bends (grain's statistics grow faster than its amplitude)
    /// is read back through the curve, not as one slope.
    var responses: [Aspect.Kind: LevelResponse] { Self.reference.responses }

    /// Description of the reference set, part of the encoder's identity.
    static var referenceDescription: String {
        "\(referenceScenes) scenes + \(referenceTextures) textures, \(referenceSize) px, seeds 1…, rendered unrounded, measured in 8 bits"
    }

    static func referenceImages() -> [RGBImage] {
        let size = referenceSize
        var images: [RGBImage] = []
        for i in 0..<referenceScenes {
            let seed = UInt64(1000 + i)
            images.append(SceneGenerator().render(
                prompt: SceneGenerator.prompt(seed: seed), seed: seed, width: size, height: size))
        }
        for i in 0..<referenceTextures {
            let seed = UInt64(2000 + i)
            images.append(TextureGenerator().render(
                prompt: TextureGenerator.prompt(seed: seed), seed: seed, width: size, height: size))
        }
        return images
    }

    /// The standardization from the committed table when it was made for this definition of the
    /// descriptor (`DescriptorCalibrationTable`, checked against a fresh measurement by the
    /// tests), else measured: the same numbers, without rendering the reference set in every
    /// process.
    private init() {
        let start = Date()
        if DescriptorCalibrationTable.definition == DescriptorEncoder.definitionDigest,
           DescriptorCalibrationTable.mean.count == DescriptorStatistics.count,
           DescriptorCalibrationTable.scale.count == DescriptorStatistics.count {
            (mean, scale, fromTable) = (DescriptorCalibrationTable.mean, DescriptorCalibrationTable.scale, true)
        } else {
            (mean, scale) = Self.standardization(Self.renderings)
            fromTable = false
        }
        standardizationSeconds = Date().timeIntervalSince(start)
    }

    /// The reference images, and per image its statistics then those of its rendering of each
    /// aspect at level 1 (`Aspect.Kind.allCases` order): `raw[i][0]` is the reference image,
    /// `raw[i][k + 1]` its rendering of aspect k. Rendered on first use.
    private static let renderings: (images: [RGBImage], raw: [[[Double]]]) = {
        let kinds = Aspect.Kind.allCases
        let images = referenceImages()
        let raw = Parallel.map(images.count) { i -> [[Double]] in
            // Renderings start from the unrounded reference and every image is measured in 8
            // bits, as generators deliver them (see `SyntheticSpec.render`).
            [DescriptorStatistics.measure(ImageFilters.quantized8(images[i]))] + kinds.map { kind in
                DescriptorStatistics.measure(ImageFilters.quantized8(
                    Aspect(kind).apply(to: images[i], level: 1, variant: .canonical, seed: UInt64(7 + i))))
            }
        }
        return (images, raw)
    }()

    /// Measures the standardization on the reference set (what the table holds).
    static func measuredStandardization() -> (mean: [Double], scale: [Double]) {
        standardization(renderings)
    }

    private static func standardization(_ renderings: (images: [RGBImage], raw: [[[Double]]])) -> (mean: [Double], scale: [Double]) {
        let kinds = Aspect.Kind.allCases
        let (images, raw) = renderings
        let d = DescriptorStatistics.count
        let base = raw.map { $0[0] }
        // differences[k][i]: how rendering aspect k changed image i.
        let differences = kinds.indices.map { k in raw.map { rows in (0..<d).map { j in rows[k + 1][j] - rows[0][j] } } }
        let meanDifferences = differences.map(Vector.mean)
        // A statistic's unit is the typical disagreement between images about how much a
        // rendering moves it (pooled within-aspect std of the paired differences): a
        // difference of 1 is then one unit of measurement noise in every dimension, so no
        // statistic dominates by its range and consistent responses count most.
        var pooled = [Double](repeating: 0, count: d)
        for k in kinds.indices {
            for row in differences[k] {
                for j in 0..<d { pooled[j] += (row[j] - meanDifferences[k][j]) * (row[j] - meanDifferences[k][j]) }
            }
        }
        let samples = Double(kinds.count * images.count)
        let spread = (0..<d).map { j -> Double in
            let m = base.reduce(0) { $0 + $1[j] } / Double(base.count)
            return (base.reduce(0) { $0 + ($1[j] - m) * ($1[j] - m) } / Double(base.count)).squareRoot()
        }
        var scale = (0..<d).map { j in max((pooled[j] / samples).squareRoot(), 0.01 * spread[j], 1e-9) }
        // The two clipping shares are one statistic at either end and share one unit, the larger
        // of the two. The reference images almost never reach white (the renderings roll
        // highlights off), so white clipping's own unit came out a quarter of black's, and on
        // photographs with bright skies or walls an edit that clips a tenth of the picture then
        // outweighed every other statistic (ImageMagick's `-level 10%,90%`, a contrast stretch of
        // level 0.5, read as high contrast 0.95; with one unit, 0.54).
        let black = DescriptorStatistic.blackClipping.rawValue, white = DescriptorStatistic.whiteClipping.rawValue
        scale[black] = max(scale[black], scale[white])
        scale[white] = scale[black]
        return (Vector.mean(base), scale)
    }

    private struct ReferenceDirections {
        var directions: [Aspect.Kind: [Double]] = [:]
        var perImage: [Aspect.Kind: [[Double]]] = [:]
        var formPerImage: [Aspect.Form: [[Double]]] = [:]
        var responses: [Aspect.Kind: LevelResponse] = [:]
    }

    private static let referenceMeasured = Mutex<Double?>(nil)

    /// The response to a level is not quite linear (grain is a variance, tone curves bend),
    /// so f(C) is the least-squares slope through the origin of the mean change at levels
    /// ½ and 1: a weight then reads as a level across the range, not only at full strength.
    private static let reference: ReferenceDirections = {
        let start = Date()
        let calibration = shared, kinds = Aspect.Kind.allCases, forms = Aspect.Form.allCases
        // Per image: each aspect at levels ¼ and ½, then each form at its measured level (as in context).
        let (images, raw) = renderings
        let measured = Parallel.map(images.count) { i -> (quarter: [[Double]], half: [[Double]], forms: [[Double]]) in
            let image = images[i]
            func measure(_ rendered: RGBImage) -> [Double] { DescriptorStatistics.measure(ImageFilters.quantized8(rendered)) }
            let quarters = kinds.map { measure(Aspect($0).apply(to: image, level: 0.25, variant: .canonical, seed: UInt64(7 + i))) }
            let halves = kinds.map { measure(Aspect($0).apply(to: image, level: 0.5, variant: .canonical, seed: UInt64(7 + i))) }
            let formRows = forms.map { measure(Aspect($0.aspect).apply($0, to: image, level: $0.measuredLevel, seed: UInt64(7 + i))) }
            return (quarters, halves, formRows)
        }
        var reference = ReferenceDirections()
        for (k, kind) in kinds.enumerated() {
            reference.perImage[kind] = measured.indices.map { i in
                slope(half: measured[i].half[k], full: raw[i][k + 1], base: raw[i][0], scale: calibration.scale)
            }
            let direction = Vector.mean(reference.perImage[kind]!)
            reference.directions[kind] = direction
            let meanChanges = [{ (i: Int) in measured[i].quarter[k] }, { measured[$0].half[k] }, { raw[$0][k + 1] }].map { rendered in
                Vector.mean(measured.indices.map { change(from: raw[$0][0], to: rendered($0), scale: calibration.scale) })
            }
            reference.responses[kind] = LevelResponse(levels: [0.25, 0.5, 1], meanChanges: meanChanges, on: direction)
        }
        for (f, form) in forms.enumerated() {
            reference.formPerImage[form] = measured.indices.map { i in
                Vector.scale(change(from: raw[i][0], to: measured[i].forms[f], scale: calibration.scale),
                             form.responseScale(reference.responses[form.aspect]) / form.measuredLevel)
            }
        }
        referenceMeasured.withLock { $0 = Date().timeIntervalSince(start) }
        return reference
    }()

    /// One image's f(C) in standardized units: the least-squares slope through the origin of
    /// its change at levels ½ and 1, `(½·Δ½ + Δ1) / 1.25`.
    static func slope(half: [Double], full: [Double], base: [Double], scale: [Double]) -> [Double] {
        (0..<base.count).map { j -> Double in
            let halfChange: Double = half[j] - base[j]
            let fullChange: Double = full[j] - base[j]
            return (0.5 * halfChange + fullChange) / 1.25 / scale[j]
        }
    }

    /// How a rendering moved each statistic, in standardized units: `(measured − base) / scale`.
    static func change(from base: [Double], to measured: [Double], scale: [Double]) -> [Double] {
        (0..<base.count).map { j in (measured[j] - base[j]) / scale[j] }
    }

    /// `(raw − mean) / scale`.
    func standardize(_ raw: [Double]) -> [Float] {
        (0..<raw.count).map { Float((raw[$0] - mean[$0]) / scale[$0]) }
    }
}
