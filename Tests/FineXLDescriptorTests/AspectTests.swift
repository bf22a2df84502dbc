import FineXLCore
import FineXLSupport
import XCTest
@testable import FineXLDescriptor

final class AspectTests: XCTestCase {
    private static let images: [RGBImage] = (0..<4).map { i in
        let spec = SyntheticSpec(aspects: [], count: 4, seed: 500, size: 128, baseKind: i < 2 ? .scenes : .textures)
        return spec.baseImage(i)
    }

    func testLevelZeroIsIdentityForEveryAspectAndVariant() {
        let image = Self.images[0]
        for aspect in Aspect.all {
            for variant in Aspect.Variant.allCases {
                XCTAssertEqual(aspect.apply(to: image, level: 0, variant: variant), image, "\(aspect.name) \(variant)")
            }
        }
    }

    func testEveryAspectChangesTheImageAtFullLevel() {
        let image = Self.images[1]
        for aspect in Aspect.all {
            for variant in Aspect.Variant.allCases {
                XCTAssertNotEqual(aspect.apply(to: image, level: 1, variant: variant, seed: 3), image,
                                  "\(aspect.name) \(variant)")
            }
        }
    }

    func testProjectionOnOwnDirectionGrowsWithLevel() throws {
        let encoder = DescriptorEncoder()
        let base = try encoder.embed(Self.images).map { $0.map(Double.init) }
        for aspect in Aspect.all {
            let direction = DescriptorCalibration.shared.directions[aspect.kind]!
            var projections: [Double] = []
            for level in [0.4, 0.7, 1.0] {
                let personal = try encoder.embed(Self.images.enumerated().map { i, image in
                    SyntheticSpec.personalize(image, aspects: [(aspect.name, level)], variant: .canonical, seed: UInt64(i))
                }).map { $0.map(Double.init) }
                let divergence = try Divergence(base: base, personal: personal)
                projections.append(Vector.dot(divergence.vector, direction) / Vector.norm(direction))
            }
            XCTAssertGreaterThan(projections[0], 0, aspect.name)
            XCTAssertLessThan(projections[0], projections[1], aspect.name)
            XCTAssertLessThan(projections[1], projections[2], aspect.name)
        }
    }

    func testAlternateRenderingDiffersFromCanonical() {
        let image = Self.images[2]
        for aspect in Aspect.all {
            XCTAssertNotEqual(aspect.apply(to: image, level: 0.8, variant: .canonical, seed: 1),
                              aspect.apply(to: image, level: 0.8, variant: .alternate, seed: 1), aspect.name)
        }
    }

    func testEveryAspectDocumentsBothRenderings() {
        for aspect in Aspect.all {
            XCTAssertNotEqual(aspect.canonicalDescription, aspect.alternateDescription, aspect.name)
        }
    }

    /// The descriptions are generated from the numbers the renderings use: a rendering measured
    /// on a flat image shows the number its description states.
    func testCanonicalDescriptionsStateWhatTheRenderingDoes() {
        let grey = RGBImage(width: 32, height: 32, pixels: [Float](repeating: 0.5, count: 32 * 32 * 3))
        let linearGrey = ImageFilters.toLinear(0.5)
        let warm = Aspect(.warmTones).apply(to: grey, level: 1)
        let redGain = ImageFilters.toLinear(warm.pixels[0]) / linearGrey
        let blueGain = ImageFilters.toLinear(warm.pixels[2]) / linearGrey
        XCTAssertEqual(redGain, 1.20, accuracy: 0.005)
        XCTAssertEqual(blueGain, 0.80, accuracy: 0.005)
        XCTAssertTrue(Aspect(.warmTones).canonicalDescription.hasSuffix("red ×1.20, green ×0.96, blue ×0.80"))
        XCTAssertTrue(Aspect(.coolTones).canonicalDescription.hasSuffix("red ×0.80, green ×1.04, blue ×1.20"))

        // Contrast ×1.5 around the mean luma: a pixel 0.1 above the mean moves to 0.15 above it.
        var pixels = [Float](repeating: 0.5, count: 32 * 32 * 3)
        for i in 0..<(16 * 32 * 3) { pixels[i] = 0.6 }
        for i in (16 * 32 * 3)..<pixels.count { pixels[i] = 0.4 }
        let stretched = Aspect(.highContrast).apply(to: RGBImage(width: 32, height: 32, pixels: pixels), level: 1)
        XCTAssertEqual(stretched.pixels[0], 0.65, accuracy: 1e-5)
        XCTAssertTrue(Aspect(.highContrast).canonicalDescription.hasPrefix("contrast ×1.5 "))
        XCTAssertTrue(Aspect(.lowContrast).canonicalDescription.hasPrefix("contrast ×0.6 "))

        XCTAssertEqual(Aspect.posterizeLevels(1), 8)
        XCTAssertTrue(Aspect(.posterized).canonicalDescription.contains("2^(8 − 5ℓ)"))
        XCTAssertTrue(Aspect(.posterized).canonicalDescription.hasSuffix("(8 levels at 1.0)"))
        XCTAssertTrue(Aspect(.sepia).canonicalDescription.contains("(1.112, 0.990, 0.771)"))
        XCTAssertTrue(Aspect(.vignette).canonicalDescription.hasPrefix("linear-light falloff 1 − 0.6·((ρ − 0.4) / 0.6)² outside ρ = 0.4"))
        XCTAssertTrue(Aspect(.filmGrain).canonicalDescription.contains("σ = 0.06 "))
        XCTAssertTrue(Aspect(.blurry).canonicalDescription.contains("σ = 2.4 px per 256 px"))
        XCTAssertTrue(Aspect(.mutedColors).canonicalDescription.hasPrefix("chroma scaled by 1 − 0.7ℓ"))
        XCTAssertTrue(Aspect(.vividColors).canonicalDescription.contains("1 + 0.6·(1 − c / 0.6)"))
    }

    func testFormsDoWhatTheirNamesSay() {
        let grey = RGBImage(width: 32, height: 32, pixels: [Float](repeating: 0.5, count: 32 * 32 * 3))
        // The classic sepia matrix brightens a mid-grey: (1.351, 1.203, 0.937) × 0.5.
        let matrix = Aspect(.sepia).apply(.sepiaMatrix, to: grey, level: 1)
        XCTAssertEqual(matrix.pixels[0], 0.6755, accuracy: 1e-4)
        XCTAssertEqual(matrix.pixels[1], 0.6015, accuracy: 1e-4)
        // The canonical sepia keeps the grey's luma.
        let toned = Aspect(.sepia).apply(to: grey, level: 1)
        XCTAssertEqual(ImageFilters.luma(toned.pixels[0], toned.pixels[1], toned.pixels[2]), 0.5, accuracy: 2e-3)
        // HSV desaturation keeps the largest channel: a red (0.8, 0.2, 0.2) keeps 0.8 and lightens.
        let red = RGBImage(width: 1, height: 1, pixels: [0.8, 0.2, 0.2])
        let hsv = Aspect(.mutedColors).apply(.hsvDesaturation, to: red, level: 1)
        for (value, expected) in zip(hsv.pixels, [0.8, 0.62, 0.62] as [Float]) { XCTAssertEqual(value, expected, accuracy: 1e-5) }
        let uniform = Aspect(.mutedColors).apply(to: red, level: 1)
        XCTAssertEqual(ImageFilters.luma(uniform.pixels[0], uniform.pixels[1], uniform.pixels[2]),
                       ImageFilters.luma(0.8, 0.2, 0.2), accuracy: 1e-5)
        // Faded blacks: black rises to 0.4, white stays.
        let ends = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 1, 1, 1])
        let faded = Aspect(.lowContrast).apply(.fadedBlacks, to: ends, level: 1).pixels
        for (value, expected) in zip(faded, [0.4, 0.4, 0.4, 1, 1, 1] as [Float]) { XCTAssertEqual(value, expected, accuracy: 1e-6) }
        // Output levels: black rises to 0.2 and white falls to 0.8, about mid-grey whatever the
        // picture's mean (the canonical rendering pivots at this two-pixel picture's mean, 0.5, too,
        // so a dark picture tells them apart: its mean 0.1 stays where the form lifts it to 0.26).
        let levels = Aspect(.lowContrast).apply(.levelsOutput, to: ends, level: 1).pixels
        for (value, expected) in zip(levels, [0.2, 0.2, 0.2, 0.8, 0.8, 0.8] as [Float]) { XCTAssertEqual(value, expected, accuracy: 1e-6) }
        let dark = RGBImage(width: 1, height: 1, pixels: [0.1, 0.1, 0.1])
        XCTAssertEqual(Aspect(.lowContrast).apply(.levelsOutput, to: dark, level: 1).pixels[0], 0.26, accuracy: 1e-6)
        XCTAssertEqual(Aspect(.lowContrast).apply(to: dark, level: 1).pixels[0], 0.1, accuracy: 1e-6)
        XCTAssertEqual(Aspect(.lowContrast).forms, [.fadedBlacks, .levelsOutput, .midtoneFlattening])
        // The inverse S-curve keeps black, mid-grey and white; 0.2 → 0.2 + 0.8·(0.2 − 0.104) and
        // 0.8 → its mirror; its slope is low contrast's 0.6 at mid-grey and 1.8 at the ends. Per
        // channel, so a warm colour (0.8, 0.5, 0.2) loses some of its red-blue split.
        let curve = RGBImage(width: 6, height: 1, pixels: [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1, 0.8, 0.5, 0.2,
                                                             0.49, 0.51, 0.01, 0.99, 0.99, 0.99])
        let flattened = Aspect(.lowContrast).apply(.midtoneFlattening, to: curve, level: 1).pixels
        for (value, expected) in zip(flattened.prefix(12), [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1, 0.7232, 0.5, 0.2768] as [Float]) {
            XCTAssertEqual(value, expected, accuracy: 1e-5)
        }
        XCTAssertEqual((flattened[13] - flattened[12]) / 0.02, 0.6, accuracy: 1e-3)
        XCTAssertEqual(flattened[14] / 0.01, 1.8, accuracy: 0.03)
        XCTAssertEqual((1 - flattened[15]) / 0.01, 1.8, accuracy: 0.03)
        let v: Float = 0.49, smooth: Float = v * v * (3 - 2 * v)
        XCTAssertEqual(Aspect(.lowContrast).apply(.midtoneFlattening, to: curve, level: 0.5).pixels[12],
                       v - 0.4 * (smooth - v), accuracy: 1e-6)
        // The stretch about mid-grey: 0.3 → 0.2 and 0.7 → 0.8 at level 1 (slope 1.5), ends clipped;
        // on the dark pixel it darkens where the canonical rendering, pivoted at the picture's mean, does not.
        let spread = RGBImage(width: 4, height: 1, pixels: [0.3, 0.3, 0.3, 0.7, 0.7, 0.7, 0.05, 0.05, 0.05, 0.98, 0.98, 0.98])
        let stretched = Aspect(.highContrast).apply(.midGreyStretch, to: spread, level: 1).pixels
        for (value, expected) in zip(stretched, [0.2, 0.2, 0.2, 0.8, 0.8, 0.8, 0, 0, 0, 1, 1, 1] as [Float]) {
            XCTAssertEqual(value, expected, accuracy: 1e-6)
        }
        XCTAssertEqual(Aspect(.highContrast).apply(.midGreyStretch, to: dark, level: 1).pixels[0], 0, accuracy: 1e-6)
        XCTAssertEqual(Aspect(.highContrast).apply(to: dark, level: 1).pixels[0], 0.1, accuracy: 1e-6)
        XCTAssertEqual(Aspect(.highContrast).forms, [.midGreyStretch])
        // The wide unsharp mask: the canonical amount at three times the radius, so a step's
        // overshoot reaches about three times as far from the edge (and is taller there, the
        // wider blur being further from the step).
        XCTAssertEqual(Aspect(.sharp).forms, [.wideUnsharp])
        let step = RGBImage(width: 64, height: 1, pixels: (0..<64).flatMap { x -> [Float] in
            let v: Float = x < 32 ? 0.3 : 0.7
            return [v, v, v]
        })
        let narrow = Aspect(.sharp).apply(to: step, level: 1).pixels, wide = Aspect(.sharp).apply(.wideUnsharp, to: step, level: 1).pixels
        func reach(_ p: [Float]) -> Int { (32..<64).filter { p[$0 * 3] > 0.705 }.count }
        XCTAssertEqual(reach(narrow), 2)
        XCTAssertGreaterThanOrEqual(reach(wide), 6)
        XCTAssertGreaterThan(wide[32 * 3], narrow[32 * 3])
        XCTAssertEqual(wide[63 * 3], 0.7, accuracy: 1e-3, "far from the edge nothing moves")
        // Every form belongs to the aspect that lists it.
        for aspect in Aspect.all { XCTAssertTrue(aspect.forms.allSatisfy { $0.aspect == aspect.kind }) }
        XCTAssertEqual(Aspect(.filmGrain).forms, [.colourGrain, .clumpedGrain, .faintGrain])
        // The quarter-level forms are the canonical rendering, measured at ¼ and scaled to read as
        // ¼ through the canonical response: a response of 0.1 at ¼ scales the change per level by 2.5.
        for form in [Aspect.Form.faintGrain, .partialGrey, .slightMute] {
            XCTAssertEqual(form.measuredLevel, 0.25, "\(form)")
            XCTAssertEqual(Aspect(form.aspect).apply(form, to: spread, level: 0.6, seed: 3),
                           Aspect(form.aspect).apply(to: spread, level: 0.6, seed: 3), "\(form)")
        }
        let bent = LevelResponse(levels: [0.25, 0.5, 1], weights: [0.1, 0.4, 1])
        XCTAssertEqual(Aspect.Form.faintGrain.responseScale(bent), 2.5, accuracy: 1e-12)
        XCTAssertEqual(Aspect.Form.faintGrain.responseScale(nil), 1)
        XCTAssertEqual(Aspect.Form.clumpedGrain.measuredLevel, 1)
        XCTAssertEqual(Aspect.Form.clumpedGrain.responseScale(bent), 1)
        XCTAssertEqual(Aspect(.posterized).forms, [.flooredLevels, .diffusedLevels, .orderedLevels])
        // Error diffusion: a flat 0.3 grey at 8 levels (0, 1/7, 2/7, …) uses only the two levels
        // around it, in the proportions that keep the mean; plain rounding would give 2/7 everywhere.
        let flat = RGBImage(width: 64, height: 64, pixels: [Float](repeating: 0.3, count: 64 * 64 * 3))
        let dithered = Aspect(.posterized).apply(.diffusedLevels, to: flat, level: 1).pixels
        XCTAssertEqual(Set(dithered.map { ($0 * 7).rounded() }), [2, 3])
        XCTAssertEqual(dithered.reduce(0, +) / Float(dithered.count), 0.3, accuracy: 0.005)
        XCTAssertTrue(Aspect(.posterized).apply(to: flat, level: 1).pixels.allSatisfy { abs($0 - 2 / 7) < 1e-6 })
        // Ordered dither: the 8×8 Bayer offsets are the 64 thresholds once each, centred on 0; the
        // same flat grey uses levels 2/7 and 3/7 in a fixed pattern whose 8×8 tile keeps the mean
        // to within one threshold step, and repeats every 8 pixels.
        XCTAssertEqual(Set(Aspect.bayer8.map { (($0 + 0.5) * 64 - 0.5).rounded() }), Set((0..<64).map(Float.init)))
        XCTAssertEqual(Aspect.bayer8.prefix(16).map { (($0 + 0.5) * 64 - 0.5).rounded() },
                       [0, 32, 8, 40, 2, 34, 10, 42, 48, 16, 56, 24, 50, 18, 58, 26])  // the standard matrix's first rows
        let ordered = Aspect(.posterized).apply(.orderedLevels, to: flat, level: 1).pixels
        XCTAssertEqual(Set(ordered.map { ($0 * 7).rounded() }), [2, 3])
        XCTAssertEqual(ordered.reduce(0, +) / Float(ordered.count), 0.3, accuracy: 1.0 / 7 / 64 + 1e-4)
        for y in 0..<56 { for x in 0..<56 { XCTAssertEqual(ordered[(y * 64 + x) * 3], ordered[((y + 8) * 64 + x + 8) * 3]) } }
        // Offset forms: every value moves by what the canonical rendering does to a mid-grey
        // (bright lifts it by about 0.128, dark drops it by about 0.119), clipped at the ends.
        XCTAssertEqual(Aspect(.bright).forms, [.raisedOffset, .clippedExposure])
        XCTAssertEqual(Aspect(.dark).forms, [.loweredOffset, .loweredLightness])
        let lift = Aspect(.bright).apply(to: grey, level: 1).pixels[0] - 0.5
        let drop = Aspect(.dark).apply(to: grey, level: 1).pixels[0] - 0.5
        XCTAssertEqual(lift, 0.128, accuracy: 0.002)
        XCTAssertEqual(drop, -0.119, accuracy: 0.002)
        let tones = RGBImage(width: 3, height: 1, pixels: [0, 0, 0, 0.2, 0.5, 0.8, 0.95, 0.95, 0.95])
        let raised = Aspect(.bright).apply(.raisedOffset, to: tones, level: 0.5).pixels
        for (value, expected) in zip(raised, [lift / 2, lift / 2, lift / 2, 0.2 + lift / 2, 0.5 + lift / 2, 0.8 + lift / 2, 1, 1, 1]) {
            XCTAssertEqual(value, expected, accuracy: 1e-5)
        }
        let lowered = Aspect(.dark).apply(.loweredOffset, to: tones, level: 1).pixels
        for (value, expected) in zip(lowered, [0, 0, 0, 0.2 + drop, 0.5 + drop, 0.8 + drop, 0.95 + drop, 0.95 + drop, 0.95 + drop]) {
            XCTAssertEqual(value, expected, accuracy: 1e-5)
        }
        // Lowered HSL lightness (ImageMagick's -modulate): mid-grey drops as the canonical
        // rendering drops it; below lightness ½ every channel scales alike (hue and chroma ratio
        // kept), above it the chroma grows as the lightness falls, the HSL saturation kept.
        let hsl = RGBImage(width: 3, height: 1, pixels: [0.5, 0.5, 0.5, 0.1, 0.3, 0.4, 0.9, 0.8, 0.6])
        let darker = Aspect(.dark).apply(.loweredLightness, to: hsl, level: 1).pixels
        XCTAssertEqual(darker[0], 0.5 + drop, accuracy: 1e-5)
        XCTAssertEqual(darker[1], darker[2], accuracy: 1e-6)
        let factor = (0.5 + drop) / 0.5
        for (value, original) in zip(darker[3..<6], [Float(0.1), 0.3, 0.4]) { XCTAssertEqual(value, original * factor, accuracy: 1e-5) }
        func saturation(_ p: ArraySlice<Float>) -> Float {
            let high = p.max()!, low = p.min()!, l = (high + low) / 2
            return (high - low) / (1 - abs(2 * l - 1))
        }
        XCTAssertEqual(saturation(darker[6..<9]), saturation(hsl.pixels[6..<9]), accuracy: 1e-4)
        XCTAssertEqual((darker[6..<9].max()! + darker[6..<9].min()!) / 2, 0.75 * factor, accuracy: 1e-5)
        XCTAssertGreaterThan(darker[6] - darker[8], Float(0.9 - 0.6), "a light colour gains chroma as it darkens")
        XCTAssertEqual(Aspect(.dark).apply(.loweredLightness, to: hsl, level: 0).pixels, hsl.pixels)
        // Colour offset forms: every pixel moves by what the canonical cast does to a mid-grey
        // (warm: red up 0.044, blue down 0.049, about luma-neutral there), clipped at the ends; cool
        // is the mirror.
        XCTAssertEqual(Aspect(.warmTones).forms, [.warmOffset])
        XCTAssertEqual(Aspect(.coolTones).forms, [.coolOffset])
        let warmGrey = Aspect(.warmTones).apply(to: grey, level: 1).pixels
        let (dr, dg, db) = (warmGrey[0] - 0.5, warmGrey[1] - 0.5, warmGrey[2] - 0.5)
        XCTAssertEqual(dr, 0.044, accuracy: 0.002)
        XCTAssertEqual(db, -0.049, accuracy: 0.002)
        XCTAssertEqual(ImageFilters.luma(dr, dg, db), 0, accuracy: 0.002)
        let shifted = Aspect(.warmTones).apply(.warmOffset, to: tones, level: 0.5).pixels
        let expected: [Float] = [max(0, 0 + dr / 2), max(0, 0 + dg / 2), max(0, 0 + db / 2),
                                 0.2 + dr / 2, 0.5 + dg / 2, 0.8 + db / 2,
                                 min(1, 0.95 + dr / 2), min(1, 0.95 + dg / 2), min(1, 0.95 + db / 2)]
        for (value, e) in zip(shifted, expected) { XCTAssertEqual(value, e, accuracy: 1e-5) }
        XCTAssertEqual(shifted[0], dr / 2, accuracy: 1e-5, "black takes the red offset")
        XCTAssertEqual(shifted[2], 0, accuracy: 1e-6, "and clips the blue one")
        let white = RGBImage(width: 1, height: 1, pixels: [1, 1, 1])
        let warmWhite = Aspect(.warmTones).apply(.warmOffset, to: white, level: 1).pixels
        for (value, e) in zip(warmWhite, [1, 1 + dg, 1 + db]) { XCTAssertEqual(value, e, accuracy: 1e-6, "white clips the red offset") }
        // The offset differs from the canonical gains away from mid-grey: gains leave black black.
        XCTAssertEqual(Aspect(.warmTones).apply(to: tones, level: 1).pixels[0], 0, accuracy: 1e-6)
        let cooled = Aspect(.coolTones).apply(.coolOffset, to: grey, level: 1).pixels
        let coolGrey = Aspect(.coolTones).apply(to: grey, level: 1).pixels
        for (value, e) in zip(cooled, coolGrey) { XCTAssertEqual(value, e, accuracy: 1e-5) }
        XCTAssertLessThan(cooled[0], cooled[2])
        XCTAssertEqual(Aspect(.coolTones).apply(.coolOffset, to: tones, level: 0).pixels, tones.pixels)
        // Clipped exposure: linear light ×2^ℓ, clipped at white (1 EV at level 1, as the canonical
        // rendering, which rolls the highlights off instead).
        let exposed = Aspect(.bright).apply(.clippedExposure, to: tones, level: 1).pixels
        for (value, original) in zip(exposed, tones.pixels) {
            XCTAssertEqual(value, ImageFilters.toSRGB(min(2 * ImageFilters.toLinear(original), 1)), accuracy: 1e-5)
        }
        XCTAssertEqual(exposed[6], 1, accuracy: 1e-6, "0.95 clips")
        XCTAssertLessThan(Aspect(.bright).apply(to: tones, level: 1).pixels[6], 0.99, "the canonical rendering rolls it off")
        // Clumped grain: unit spread, neighbours correlated.
        let field = Aspect.clumpedField(width: 64, height: 64, seed: 9)
        let variance = field.reduce(0) { $0 + $1 * $1 } / Float(field.count)
        XCTAssertEqual(variance, 1, accuracy: 0.01)
        var neighbour: Float = 0
        for y in 0..<64 { for x in 0..<63 { neighbour += field[y * 64 + x] * field[y * 64 + x + 1] } }
        XCTAssertGreaterThan(neighbour / Float(64 * 63), 0.5)
    }
}
