import FineXLCore
import FineXLSupport
import Foundation

/// Other common ways of making an aspect's look that differ from its canonical rendering in a
/// second component: HSV desaturation keeps the value (max) and so lightens, the classic sepia
/// matrix brightens ×1.2, a faded look raises the black point and keeps white, colour film and
/// sensors grain each channel on its own, and film grain comes in clumps of a few pixels.
///
/// A concept is then not one direction but the cone its forms span: the decomposition may use
/// any non-negative mix of them, and the concept's weight is the sum. Each form at level 1 has
/// the canonical rendering's strength in the aspect's own terms (the same chroma lost, the same
/// tone, the same slope, the same grain amplitude), so the sum still reads as a level, and the
/// brightening a sepia matrix brings is explained by sepia rather than read as "bright".
extension Aspect {
    package enum Form: String, Sendable, CaseIterable, Codable {
        case hsvDesaturation = "saturation lowered in HSV (the value kept, so colours lighten)"
        case slightMute = "slightly muted (the chroma scaling measured in its first quarter, where a small saturation cut lies)"
        case valueGrey = "grey by HSV value (the largest channel kept, so colours lighten)"
        case partialGrey = "partly grey (the mix to grey measured in its first quarter, where a black-and-white layer at low opacity lies)"
        case sepiaMatrix = "the classic sepia matrix (brightens ×1.2)"
        case sepiaGradientMap = "a gradient map from dark brown to cream (stronger toning)"
        case fadedBlacks = "faded blacks (black point raised, white kept)"
        case levelsOutput = "output levels (black raised and white lowered about mid-grey, as a levels output range does)"
        case midtoneFlattening = "midtones flattened about mid-grey, black and white kept (an inverse S-curve, as ImageMagick's +sigmoidal-contrast does)"
        case midGreyStretch = "a stretch about mid-grey (clipped at both ends, as input levels and fixed-pivot contrast sliders do)"
        case wideUnsharp = "a wide unsharp mask (radius of a few pixels, as clarity and local-contrast sliders do)"
        case colourGrain = "colour grain (each channel its own noise)"
        case clumpedGrain = "clumped grain (clumps of 2–3 px)"
        case faintGrain = "faint grain (the canonical grain measured at a quarter of its level, where its statistics have not yet bent)"
        case flooredLevels = "levels floored, as bit masks and PIL's posterize do (darkens by half a step)"
        case diffusedLevels = "levels with Floyd–Steinberg error diffusion, as palette and GIF export dither"
        case orderedLevels = "levels with an ordered (Bayer) dither, as positioned dithering and retro looks do"
        case raisedOffset = "an offset added to every channel, clipped at white (a brightness slider, OpenCV's beta)"
        case clippedExposure = "exposure in linear light clipped at white (no highlight shoulder, as a plain multiply does)"
        case loweredOffset = "an offset taken from every channel, clipped at black (a brightness slider turned down)"
        case loweredLightness = "HSL lightness lowered, hue and saturation kept (ImageMagick's -modulate, HSL lightness sliders)"
        case warmOffset = "a warm colour added to every pixel (colour-balance sliders, a Lab b* shift, a colour overlay)"
        case coolOffset = "a cool colour added to every pixel (colour-balance sliders, a Lab b* shift, a colour overlay)"

        /// The level the partial grey, the slight mute and the faint grain are measured at: a quarter of the way.
        static let partialGreyLevel = 0.25

        /// The level a form's direction is measured at; its change there is divided by it, so
        /// every form's direction is a change per unit of level. Level 1 but for the partial grey,
        /// the slight mute and the faint grain, whose point is the start of the rendering.
        package var measuredLevel: Double { [.partialGrey, .slightMute, .faintGrain].contains(self) ? Self.partialGreyLevel : 1 }

        /// What a form measured below level 1 is scaled by, beyond its change per unit of level,
        /// so that its weight reads through the canonical rendering's `response` as the level it
        /// was measured at: a change at ¼ of what the canonical slope calls 0.2 must read 0.25,
        /// not 0.31. 1 for the others, or without a response measured at that level.
        func responseScale(_ response: LevelResponse?) -> Double {
            guard measuredLevel < 1, let response,
                  let i = response.levels.firstIndex(where: { abs($0 - measuredLevel) < 1e-9 }),
                  response.weights[i] > 0 else { return 1 }
            return measuredLevel / response.weights[i]
        }

        /// A few words for lists ("sepia: classic matrix").
        package var shortName: String {
            switch self {
            case .hsvDesaturation: "muted colors: HSV"
            case .slightMute: "muted colors: slight"
            case .valueGrey: "black and white: HSV value"
            case .partialGrey: "black and white: partial"
            case .sepiaMatrix: "sepia: classic matrix"
            case .sepiaGradientMap: "sepia: gradient map"
            case .fadedBlacks: "low contrast: faded blacks"
            case .levelsOutput: "low contrast: output levels"
            case .midtoneFlattening: "low contrast: inverse S-curve"
            case .midGreyStretch: "high contrast: about mid-grey"
            case .wideUnsharp: "sharp: wide radius"
            case .colourGrain: "film grain: per channel"
            case .clumpedGrain: "film grain: clumped"
            case .faintGrain: "film grain: faint"
            case .flooredLevels: "posterized: floored"
            case .diffusedLevels: "posterized: dithered"
            case .orderedLevels: "posterized: ordered dither"
            case .raisedOffset: "bright: offset"
            case .clippedExposure: "bright: clipped exposure"
            case .loweredOffset: "dark: offset"
            case .loweredLightness: "dark: HSL lightness"
            case .warmOffset: "warm tones: offset"
            case .coolOffset: "cool tones: offset"
            }
        }

        /// The aspect this is a form of.
        package var aspect: Aspect.Kind {
            switch self {
            case .hsvDesaturation, .slightMute: .mutedColors
            case .valueGrey, .partialGrey: .blackAndWhite
            case .sepiaMatrix, .sepiaGradientMap: .sepia
            case .fadedBlacks, .levelsOutput, .midtoneFlattening: .lowContrast
            case .midGreyStretch: .highContrast
            case .wideUnsharp: .sharp
            case .colourGrain, .clumpedGrain, .faintGrain: .filmGrain
            case .flooredLevels, .diffusedLevels, .orderedLevels: .posterized
            case .raisedOffset, .clippedExposure: .bright
            case .loweredOffset, .loweredLightness: .dark
            case .warmOffset: .warmTones
            case .coolOffset: .coolTones
            }
        }

        /// How far the canonical rendering of `kind` at level 1 moves each channel of a mid-grey
        /// (sRGB 0.5): the colour offset forms add that colour everywhere.
        static func midGreyColourShift(_ kind: Kind) -> (Float, Float, Float) {
            let p = Aspect(kind).apply(to: RGBImage(width: 1, height: 1, pixels: [0.5, 0.5, 0.5]), level: 1).pixels
            return (p[0] - 0.5, p[1] - 0.5, p[2] - 0.5)
        }

        /// The same for a rendering that keeps a grey grey (bright, dark): the offset forms add it
        /// everywhere, as a brightness slider does.
        static func midGreyShift(_ kind: Kind) -> Float { midGreyColourShift(kind).0 }

        private static func shiftText(_ kind: Kind) -> String { String(format: "%.3f", abs(midGreyShift(kind))) }

        private static func colourShiftText(_ kind: Kind) -> String {
            let (r, g, b) = midGreyColourShift(kind)
            return [r, g, b].map { String(format: "%+.3f", $0) }.joined(separator: ", ")
        }

        /// The lightness form's scale at level 1: the canonical rendering's move of mid-grey,
        /// relative to mid-grey.
        static func lightnessScale(_ kind: Kind) -> Float { midGreyShift(kind) / 0.5 }

        private static func lightnessText(_ kind: Kind) -> String { String(format: "%.3f", abs(lightnessScale(kind))) }

        /// The inverse S-curve's depth d in v → v − dℓ·(smoothstep(v) − v): the smoothstep's slope
        /// at mid-grey is 1.5, so the curve's is 1 − dℓ/2 there, and d = 2 × low contrast's cut
        /// gives the canonical mid-tone slope 1 − 0.4ℓ.
        static let flatteningDepth: Float = 2 * Canonical.lowContrast

        /// The wide unsharp mask's radius, in pixels of the working resolution (the canonical one's is 1).
        static let wideUnsharpRadius: Float = 3

        /// The gradient map's stops: luma → sRGB colour, linear between them.
        static let gradientStops: [(Float, Float, Float, Float)] = [
            (0, 0.05, 0.03, 0.01), (0.5, 0.60, 0.46, 0.30), (1, 1.0, 0.94, 0.80),
        ]

        static func gradient(_ y: Float) -> (Float, Float, Float) {
            let v = min(max(y, 0), 1)
            let stops = gradientStops
            for k in 1..<stops.count where v <= stops[k].0 {
                let (a, b) = (stops[k - 1], stops[k])
                let t = (v - a.0) / (b.0 - a.0)
                return (a.1 + t * (b.1 - a.1), a.2 + t * (b.2 - a.2), a.3 + t * (b.3 - a.3))
            }
            let last = stops[stops.count - 1]
            return (last.1, last.2, last.3)
        }

        /// What level 1.0 of the form does, for the README and the encoder's identity.
        package var description: String {
            switch self {
            case .hsvDesaturation: "HSV saturation ×(1 − \(Canonical.mutedCompression)ℓ), value kept"
            case .valueGrey: "HSV saturation ×(1 − ℓ), value kept (GIMP's desaturate by value)"
            case .faintGrain:
                "the canonical grain, its change measured at level \(Self.partialGreyLevel), scaled to read as that level through the canonical response: "
                    + "a faint grain moves the noise statistics (an amplitude) more, and the variance-like ones less, than its slope over ½ and 1 says"
            case .slightMute:
                "the canonical chroma scaling, its change measured at level \(Self.partialGreyLevel), scaled to read as that level through the canonical response: "
                    + "the direction a small cut of saturation takes (measured as the partial grey is, so the two tie where they should)"
            case .partialGrey:
                "the canonical mix to luma grey, its change measured at level \(Self.partialGreyLevel), scaled to read as that level through the canonical response: "
                    + "the direction a partial mix takes while colour is left (a grey at full mix has no hue or saturation left to measure)"
            case .sepiaMatrix: "the classic sepia matrix (0.393 0.769 0.189 / 0.349 0.686 0.168 / 0.272 0.534 0.131), mixed in at ℓ"
            case .sepiaGradientMap:
                "luma mapped through " + Self.gradientStops.map { "\($0.0) → (\($0.1), \($0.2), \($0.3))" }.joined(separator: ", ")
                    + " as Photoshop's gradient map, GIMP's colorize and PIL's ImageOps.colorize do, mixed in at ℓ"
            case .fadedBlacks: "per sRGB channel v → 1 − (1 − v)(1 − \(Canonical.lowContrast)ℓ): the slope of low contrast, pivoted at white"
            case .levelsOutput:
                "per sRGB channel v → 0.5 + (v − 0.5)(1 − \(Canonical.lowContrast)ℓ): the slope of low contrast, pivoted at "
                    + "mid-grey whatever the picture's mean (a levels output range, a fixed-pivot contrast slider)"
            case .midtoneFlattening:
                "per sRGB channel v → v − \(Aspect.short(Self.flatteningDepth))ℓ·(v²(3 − 2v) − v): an inverse smoothstep, its "
                    + "slope at mid-grey 1 − \(Canonical.lowContrast)ℓ as low contrast's, 1 + \(Aspect.short(Self.flatteningDepth))ℓ "
                    + "at black and white, which it keeps"
            case .midGreyStretch:
                "per sRGB channel v → 0.5 + (v − 0.5)(1 + \(Canonical.highContrast)ℓ), clipped: the slope of high contrast, "
                    + "pivoted at mid-grey whatever the picture's mean (input levels, a fixed-pivot contrast slider)"
            case .wideUnsharp:
                "unsharp mask, amount \(Aspect.short(Canonical.unsharpAmount))ℓ as the canonical one, Gaussian radius "
                    + "σ = \(Aspect.short(Self.wideUnsharpRadius)) px of the descriptor's working resolution instead of 1"
            case .colourGrain: "Gaussian grain of σ = \(Canonical.grainSigma)·ℓ drawn for each channel apart"
            case .flooredLevels: "each sRGB channel floored to 2^(8 − \(Canonical.posterizeBits)ℓ) steps of 256 / 2^(8 − \(Canonical.posterizeBits)ℓ)"
            case .diffusedLevels:
                "each sRGB channel rounded to 2^(8 − \(Canonical.posterizeBits)ℓ) levels with Floyd–Steinberg error diffusion "
                    + "(7/16, 3/16, 5/16, 1/16; left to right; the value clamped before its error is taken), "
                    + "as PIL's convert(\"P\") and GIF export do"
            case .orderedLevels:
                "each sRGB channel rounded to 2^(8 − \(Canonical.posterizeBits)ℓ) levels after adding an 8×8 Bayer threshold "
                    + "(±half a step, one image pixel per cell), as ImageMagick's -ordered-dither and indexed-colour export "
                    + "with a positioned dither do"
            case .raisedOffset:
                "each sRGB channel v → min(v + \(Self.shiftText(.bright))ℓ, 1): the canonical rendering's lift of mid-grey, "
                    + "added to every value"
            case .loweredOffset:
                "each sRGB channel v → max(v − \(Self.shiftText(.dark))ℓ, 0): the canonical rendering's drop of mid-grey, "
                    + "taken from every value"
            case .loweredLightness:
                "HSL lightness L → L × (1 − \(Self.lightnessText(aspect))ℓ), "
                    + "hue and HSL saturation kept: the canonical rendering's move of mid-grey, as a scaling of lightness "
                    + "(below lightness ½ every channel scales alike; above it the chroma grows as the lightness falls)"
            case .warmOffset, .coolOffset:
                "sRGB (r, g, b) → (r, g, b) + (\(Self.colourShiftText(aspect)))ℓ, clipped: the canonical rendering's move of a "
                    + "mid-grey, added to every pixel"
            case .clippedExposure:
                "linear light ×2^ℓ (+1 EV at level 1, as the canonical rendering), clipped at white instead of rolled off"
            case .clumpedGrain: "luminance grain low-passed at σ = 1 working pixel, renormalized to σ = \(Canonical.grainSigma)·ℓ"
            }
        }
    }

    /// The aspect's other forms, beside its canonical rendering.
    package var forms: [Form] { Form.allCases.filter { $0.aspect == kind } }

    /// Renders one of the aspect's forms at `level`, as `apply` renders the canonical one.
    package func apply(_ form: Form, to image: RGBImage, level: Double, seed: UInt64 = 0) -> RGBImage {
        let l = Float(min(max(level, 0), 1))
        guard l > 0 else { return image }
        switch form {
        case .partialGrey, .slightMute, .faintGrain:
            return apply(to: image, level: level, variant: .canonical, seed: seed)
        case .hsvDesaturation, .valueGrey:
            let f = 1 - (form == .valueGrey ? 1 : Canonical.mutedCompression) * l
            return ImageFilters.mapPixels(image) { r, g, b in
                let v = max(r, g, b)
                return (v - (v - r) * f, v - (v - g) * f, v - (v - b) * f)
            }
        case .sepiaMatrix:
            return ImageFilters.mapPixels(image) { r, g, b in
                let sr = 0.393 * r + 0.769 * g + 0.189 * b
                let sg = 0.349 * r + 0.686 * g + 0.168 * b
                let sb = 0.272 * r + 0.534 * g + 0.131 * b
                return (r + l * (min(sr, 1) - r), g + l * (min(sg, 1) - g), b + l * (min(sb, 1) - b))
            }
        case .sepiaGradientMap:
            return ImageFilters.mapPixels(image) { r, g, b in
                let (sr, sg, sb) = Form.gradient(ImageFilters.luma(r, g, b))
                return (r + l * (sr - r), g + l * (sg - g), b + l * (sb - b))
            }
        case .fadedBlacks:
            let slope = 1 - Canonical.lowContrast * l
            return ImageFilters.mapPixels(image) { r, g, b in (1 - (1 - r) * slope, 1 - (1 - g) * slope, 1 - (1 - b) * slope) }
        case .midGreyStretch:
            return Self.channelContrast(image, 1 + Canonical.highContrast * l, about: 0.5)
        case .wideUnsharp:
            return Self.unsharp(image, radius: Form.wideUnsharpRadius * Self.frameScale(image), amount: Canonical.unsharpAmount * l)
        case .levelsOutput:
            return Self.channelContrast(image, 1 - Canonical.lowContrast * l, about: 0.5)
        case .midtoneFlattening:
            let depth = Form.flatteningDepth * l
            return ImageFilters.mapPixels(image) { r, g, b in
                func f(_ v: Float) -> Float {
                    let u = ImageFilters.clamp01(v)
                    return u - depth * (u * u * (3 - 2 * u) - u)
                }
                return (f(r), f(g), f(b))
            }
        case .colourGrain:
            let sigma = Canonical.grainSigma * l
            let cell = Self.grainCell(image)
            return ImageFilters.mapPixelsAt(image) { x, y, r, g, b in
                (r + sigma * PixelNoise.gaussian(seed, x / cell, y / cell, 2),
                 g + sigma * PixelNoise.gaussian(seed, x / cell, y / cell, 3),
                 b + sigma * PixelNoise.gaussian(seed, x / cell, y / cell, 4))
            }
        case .flooredLevels:
            let step = 256 / Self.posterizeLevels(l)
            return ImageFilters.mapPixels(image) { r, g, b in
                func floored(_ v: Float) -> Float { (ImageFilters.clamp01(v) * 255 / step).rounded(.down) * step / 255 }
                return (floored(r), floored(g), floored(b))
            }
        case .diffusedLevels:
            return Self.errorDiffused(image, levels: Self.posterizeLevels(l))
        case .orderedLevels:
            let steps = Self.posterizeLevels(l) - 1
            return ImageFilters.mapPixelsAt(image) { x, y, r, g, b in
                let offset = Self.bayer8[(y % 8) * 8 + x % 8]
                func q(_ v: Float) -> Float { min(max((ImageFilters.clamp01(v) * steps + offset).rounded(), 0), steps) / steps }
                return (q(r), q(g), q(b))
            }
        case .raisedOffset, .loweredOffset, .warmOffset, .coolOffset:
            // Bright and dark keep a grey grey, so their offset is the same on every channel.
            let (dr, dg, db) = Form.midGreyColourShift(form.aspect)
            return ImageFilters.mapPixels(image) { r, g, b in
                (ImageFilters.clamp01(r + dr * l), ImageFilters.clamp01(g + dg * l), ImageFilters.clamp01(b + db * l))
            }
        case .loweredLightness:
            let factor = 1 + Form.lightnessScale(form.aspect) * l
            return ImageFilters.mapPixels(image) { r, g, b in
                let high = max(r, g, b), low = min(r, g, b)
                let lightness = (high + low) / 2, chroma = high - low
                let scaled = min(max(lightness * factor, 0), 1)
                guard chroma > 1e-6 else { return (scaled, scaled, scaled) }
                // HSL saturation kept: the chroma it allows at the new lightness, over the old.
                let room = 1 - abs(2 * lightness - 1), newRoom = 1 - abs(2 * scaled - 1)
                let ratio = room > 1e-6 ? newRoom / room : 0
                return (scaled + (r - lightness) * ratio, scaled + (g - lightness) * ratio, scaled + (b - lightness) * ratio)
            }
        case .clippedExposure:
            let gain = powf(2, l)
            return ImageFilters.mapPixels(image) { r, g, b in
                func f(_ v: Float) -> Float { ImageFilters.toSRGB(min(ImageFilters.toLinear(v) * gain, 1)) }
                return (f(r), f(g), f(b))
            }
        case .clumpedGrain:
            let cell = Self.grainCell(image)
            let field = Self.clumpedField(width: (image.width + cell - 1) / cell, height: (image.height + cell - 1) / cell,
                                          seed: seed)
            let sigma = Canonical.grainSigma * l, fieldWidth = (image.width + cell - 1) / cell
            return ImageFilters.mapPixelsAt(image) { x, y, r, g, b in
                let n = sigma * field[(y / cell) * fieldWidth + x / cell]
                return (r + n, g + n, b + n)
            }
        }
    }

    /// The 8×8 Bayer threshold matrix as offsets in (−½, ½), row by row: each 2×2 block of the
    /// recursive construction visits its cells in the order 0, 2, 3, 1 (top left, bottom right,
    /// top right, bottom left).
    static let bayer8: [Float] = {
        var m: [Int] = [0]
        var side = 1
        while side < 8 {
            var next = [Int](repeating: 0, count: 4 * side * side)
            for y in 0..<side {
                for x in 0..<side {
                    let v = 4 * m[y * side + x]
                    next[y * 2 * side + x] = v
                    next[y * 2 * side + x + side] = v + 2
                    next[(y + side) * 2 * side + x] = v + 3
                    next[(y + side) * 2 * side + x + side] = v + 1
                }
            }
            m = next
            side *= 2
        }
        return m.map { (Float($0) + 0.5) / 64 - 0.5 }
    }()

    /// Each channel rounded to `levels` values, the rounding error pushed on to the unvisited
    /// neighbours (Floyd–Steinberg: 7/16 right, 3/16 below left, 5/16 below, 1/16 below right).
    static func errorDiffused(_ image: RGBImage, levels: Float) -> RGBImage {
        let w = image.width, h = image.height
        var values = image.pixels
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<3 {
                    let i = (y * w + x) * 3 + c
                    // Clamped first, as palette converters do: an overshoot at black or white is not carried on.
                    let old = ImageFilters.clamp01(values[i])
                    let new = quantize(old, levels)
                    values[i] = new
                    let error = old - new
                    if x + 1 < w { values[i + 3] += error * 7 / 16 }
                    if y + 1 < h {
                        if x > 0 { values[i + 3 * w - 3] += error * 3 / 16 }
                        values[i + 3 * w] += error * 5 / 16
                        if x + 1 < w { values[i + 3 * w + 3] += error * 1 / 16 }
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: values)
    }

    /// White noise on a `width` × `height` grid, blurred at σ = 1 cell and renormalized to unit
    /// standard deviation: grain whose clumps span 2–3 cells.
    static func clumpedField(width: Int, height: Int, seed: UInt64) -> [Float] {
        var white = [Float](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let v = PixelNoise.gaussian(seed, x, y, 5)
                for c in 0..<3 { white[(y * width + x) * 3 + c] = v }
            }
        }
        let blurred = ImageFilters.separable(RGBImage(width: width, height: height, pixels: white),
                                             kernel: ImageFilters.gaussianKernel(sigma: 1))
        let values = stride(from: 0, to: blurred.pixels.count, by: 3).map { blurred.pixels[$0] }
        let mean = values.reduce(0, +) / Float(max(values.count, 1))
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(max(values.count, 1))).squareRoot()
        return values.map { ($0 - mean) / max(sd, 1e-6) }
    }
}
