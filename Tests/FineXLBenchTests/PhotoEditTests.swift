import FineXLCore
import XCTest
@testable import FineXLBench

/// Each edit moves a simple statistic of real photos the way its aspect says, more at level 1
/// than at level 0.3.
final class PhotoEditTests: XCTestCase {
    static let photos: [RGBImage] = {
        let set = try! PhotoSet(directory: PhotoSetTests.directory)
        // Warm, cool and textured content: a face, the blue present, the night rocket scene.
        // Halved, so the debug-build test stays quick.
        return ["astronaut_face", "present_whole", "rocket_lights"].map { name in
            ReducedImage(set.photos.first { $0.name == name }!.image, by: 2).means
        }
    }()

    /// The statistic each aspect must raise (+1) or lower (−1).
    static func statistic(for aspect: String) -> (sign: Double, measure: (RGBImage) -> Double) {
        switch aspect {
        case "warm tones": return (1, Stats.redMinusBlue)
        case "cool tones": return (-1, Stats.redMinusBlue)
        case "vivid colors": return (1, Stats.chroma)
        case "muted colors", "black and white": return (-1, Stats.chroma)
        case "sepia": return (1, Stats.sepiaOrder)
        case "high contrast": return (1, Stats.lumaSpread)
        case "low contrast": return (-1, Stats.lumaSpread)
        case "bright": return (1, Stats.meanLuma)
        case "dark": return (-1, Stats.meanLuma)
        case "blurry": return (-1, Stats.highFrequency)
        case "sharp", "film grain": return (1, Stats.highFrequency)
        case "vignette": return (-1, Stats.cornerToCentre)
        case "posterized": return (-1, Stats.distinctValues)
        default: fatalError("no statistic for \(aspect)")
        }
    }

    /// Summed over the photos: an S-curve around mid-grey lowers the spread of a high-key picture
    /// (its highlights crowd towards white) while raising it on the others, as real curves do.
    func testEveryEditMovesItsStatisticInTheDocumentedDirectionAndMoreAtHigherLevels() {
        for edit in PhotoEdits.all {
            let (sign, measure) = Self.statistic(for: edit.aspect)
            var moved = 0.0, more = 0.0
            for photo in Self.photos {
                let base = measure(photo)
                let weak = measure(PixelMath.quantized8(edit.apply(photo, level: 0.3, seed: 7)))
                let strong = measure(PixelMath.quantized8(edit.apply(photo, level: 1, seed: 7)))
                moved += sign * (strong - base) / max(abs(base), 1e-3)
                more += sign * (strong - weak) / max(abs(base), 1e-3)
            }
            XCTAssertGreaterThan(moved, 0.01, "\(edit.id): level 1 against the photo")
            XCTAssertGreaterThan(more, 0.005, "\(edit.id): level 1 against level 0.3")
        }
    }

    func testEveryAspectHasTwoImplementationsFromDifferentSets() {
        let aspects = ["warm tones", "cool tones", "vivid colors", "muted colors", "black and white", "sepia", "high contrast",
                       "low contrast", "bright", "dark", "blurry", "sharp", "film grain", "vignette", "posterized"]
        for aspect in aspects {
            let edits = PhotoEdits.all.filter { $0.aspect == aspect }
            XCTAssertGreaterThanOrEqual(Set(edits.map(\.set)).count, 2, aspect)
        }
        XCTAssertEqual(Set(PhotoEdits.all.map(\.id)).count, PhotoEdits.all.count, "ids are unique")
    }

    func testGrainKeepsTheMeanAndBlackAndWhiteAtFullLevelIsGrey() {
        let photo = Self.photos[0]
        for edit in PhotoEdits.all where edit.aspect == "film grain" {
            let grained = PixelMath.quantized8(edit.apply(photo, level: 1, seed: 1))
            XCTAssertEqual(Stats.meanLuma(grained), Stats.meanLuma(photo), accuracy: 0.03, edit.id)
        }
        for edit in PhotoEdits.all where edit.aspect == "black and white" {
            XCTAssertLessThan(Stats.chroma(PixelMath.quantized8(edit.apply(photo, level: 1, seed: 1))), 0.01, edit.id)
        }
    }

    func testNoiseIsReproducibleFromTheSeedAndDiffersBetweenSeeds() {
        let photo = Self.photos[1]
        for edit in PhotoEdits.all where edit.aspect == "film grain" {
            XCTAssertEqual(edit.apply(photo, level: 0.5, seed: 3), edit.apply(photo, level: 0.5, seed: 3), edit.id)
            XCTAssertNotEqual(edit.apply(photo, level: 0.5, seed: 3), edit.apply(photo, level: 0.5, seed: 4), edit.id)
        }
    }

    func testLabRoundTripsAndKnownColours() {
        let white = PixelMath.lab(1, 1, 1)
        XCTAssertEqual(white.l, 100, accuracy: 0.01)
        XCTAssertEqual(white.a, 0, accuracy: 0.01)
        XCTAssertEqual(white.b, 0, accuracy: 0.01)
        let red = PixelMath.lab(1, 0, 0)  // published sRGB red: L* 53.24, a* 80.09, b* 67.20
        XCTAssertEqual(red.l, 53.24, accuracy: 0.05)
        XCTAssertEqual(red.a, 80.09, accuracy: 0.1)
        XCTAssertEqual(red.b, 67.20, accuracy: 0.1)
        for colour: (Float, Float, Float) in [(0.2, 0.5, 0.8), (0.9, 0.4, 0.1), (0.05, 0.05, 0.06)] {
            let lab = PixelMath.lab(colour.0, colour.1, colour.2)
            let back = PixelMath.rgb(l: lab.l, a: lab.a, b: lab.b)
            XCTAssertEqual(back.0, colour.0, accuracy: 1e-4)
            XCTAssertEqual(back.1, colour.1, accuracy: 1e-4)
            XCTAssertEqual(back.2, colour.2, accuracy: 1e-4)
        }
        let hsv = PixelMath.hsv(0.9, 0.4, 0.1)
        let rgb = PixelMath.rgb(h: hsv.h, s: hsv.s, v: hsv.v)
        XCTAssertEqual(rgb.0, 0.9, accuracy: 1e-5)
        XCTAssertEqual(rgb.1, 0.4, accuracy: 1e-5)
        XCTAssertEqual(rgb.2, 0.1, accuracy: 1e-5)
    }

    func testKernelsAreNormalized() {
        for radius: Float in [0.6, 1.3, 4] {
            XCTAssertEqual(DetailEdits.diskKernel(radius: radius).kernel.reduce(0, +), 1, accuracy: 1e-5)
        }
        for length: Float in [1, 2.5, 10] {
            let line = DetailEdits.lineKernel(length: length)
            XCTAssertEqual(line.reduce(0, +), 1, accuracy: 1e-5)
            XCTAssertEqual(line.count % 2, 1, "centred")
        }
    }
}

/// Simple image statistics the edit tests measure with.
enum Stats {
    static func pixels(_ image: RGBImage) -> [(Double, Double, Double)] {
        stride(from: 0, to: image.pixels.count, by: 3).map {
            (Double(image.pixels[$0]), Double(image.pixels[$0 + 1]), Double(image.pixels[$0 + 2]))
        }
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    static func redMinusBlue(_ image: RGBImage) -> Double { mean(pixels(image).map { $0.0 - $0.2 }) }

    /// Mean of max − min over channels.
    static func chroma(_ image: RGBImage) -> Double { mean(pixels(image).map { max($0.0, $0.1, $0.2) - min($0.0, $0.1, $0.2) }) }

    static func lumas(_ image: RGBImage) -> [Double] { pixels(image).map { 0.299 * $0.0 + 0.587 * $0.1 + 0.114 * $0.2 } }

    static func meanLuma(_ image: RGBImage) -> Double { mean(lumas(image)) }

    static func lumaSpread(_ image: RGBImage) -> Double {
        let l = lumas(image), m = mean(l)
        return mean(l.map { ($0 - m) * ($0 - m) }).squareRoot()
    }

    /// Mean |difference| between horizontally and vertically adjacent values.
    static func highFrequency(_ image: RGBImage) -> Double {
        var sum = 0.0, n = 0
        for y in 0..<(image.height - 1) {
            for x in 0..<(image.width - 1) {
                for c in 0..<3 {
                    sum += abs(Double(image[x + 1, y, c] - image[x, y, c])) + abs(Double(image[x, y + 1, c] - image[x, y, c]))
                    n += 2
                }
            }
        }
        return sum / Double(n)
    }

    /// Share of pixels whose channels are ordered R ≥ G ≥ B, as in every brown-to-cream tone.
    static func sepiaOrder(_ image: RGBImage) -> Double {
        let p = pixels(image)
        return Double(p.filter { $0.0 >= $0.1 - 1e-6 && $0.1 >= $0.2 - 1e-6 }.count) / Double(p.count)
            + 0.1 * redMinusBlue(image)
    }

    /// Mean luma of the four corner eighths over that of the central quarter.
    static func cornerToCentre(_ image: RGBImage) -> Double {
        let w = image.width, h = image.height, cw = w / 8, ch = h / 8
        var corner = 0.0, cn = 0.0, centre = 0.0, n = 0.0
        for y in 0..<h {
            for x in 0..<w {
                let l = 0.299 * Double(image[x, y, 0]) + 0.587 * Double(image[x, y, 1]) + 0.114 * Double(image[x, y, 2])
                if (x < cw || x >= w - cw) && (y < ch || y >= h - ch) {
                    corner += l
                    cn += 1
                } else if abs(x - w / 2) < w / 4 && abs(y - h / 2) < h / 4 {
                    centre += l
                    n += 1
                }
            }
        }
        return (corner / cn + 1e-3) / (centre / n + 1e-3)
    }

    /// Distinct 8-bit colours.
    static func distinctValues(_ image: RGBImage) -> Double {
        var seen = Set<Int>()
        for p in pixels(image) {
            seen.insert(Int((p.0 * 255).rounded()) << 16 | Int((p.1 * 255).rounded()) << 8 | Int((p.2 * 255).rounded()))
        }
        return Double(seen.count)
    }
}

final class PixelMathTests: XCTestCase {
    func testTabulatedTransferFunctionsMatchTheFormulas() {
        for i in 0...2000 {
            let v = Float(i) / 2000
            XCTAssertEqual(PixelMath.encoded(v), PixelMath.exactEncoded(v), accuracy: 2e-5, "\(v)")
            XCTAssertEqual(PixelMath.linear(v), PixelMath.exactLinear(v), accuracy: 1e-6, "\(v)")
        }
        for i in 0...255 {
            XCTAssertEqual(PixelMath.linear(Float(i) / 255), PixelMath.exactLinear(Float(i) / 255), "\(i)")
        }
    }

    func testConvolutionRepeatsTheBorderAndKeepsAFlatImage() {
        let flat = RGBImage(width: 5, height: 4, fill: (0.2, 0.5, 0.9))
        let blurred = PixelMath.separable(flat, kernel: PixelMath.gaussian(sigma: 2))
        for (a, b) in zip(blurred.pixels, flat.pixels) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // A ramp along x under a symmetric 3-tap box: inside unchanged, at the edges pulled toward the border value.
        var ramp = RGBImage(width: 4, height: 1, fill: (0, 0, 0))
        for x in 0..<4 { ramp[x, 0, 0] = Float(x) }
        let third: Float = 1.0 / 3
        let boxed = PixelMath.convolve(ramp, kernel: [third, third, third], width: 3, height: 1)
        XCTAssertEqual(boxed[0, 0, 0], (0 + 0 + 1) * third, accuracy: 1e-6)
        XCTAssertEqual(boxed[1, 0, 0], 1, accuracy: 1e-6)
        XCTAssertEqual(boxed[3, 0, 0], (2 + 3 + 3) * third, accuracy: 1e-6)
    }
}
