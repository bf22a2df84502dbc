import FineXLCore
import FineXLSupport
import Foundation

/// One low-level aspect of personalization as an image operation with a level in 0–1.
///
/// Level 1.0 is the aspect's documented canonical strength; the canonical rendering at
/// level 1.0 defines the concept's direction `f(C)` (see `DescriptorCalibration`), so a
/// recovered weight reads as a fraction of that strength. The alternate rendering is a
/// different implementation of the same look, matched in strength at one documented
/// point, so a benchmark on it does not grade the encoder against its own definition.
package struct Aspect: Sendable, Hashable {
    package enum Variant: String, Sendable, CaseIterable, Codable {
        case canonical
        case alternate
    }

    package enum Kind: String, Sendable, CaseIterable {
        case warmTones = "warm tones"
        case coolTones = "cool tones"
        case vividColors = "vivid colors"
        case mutedColors = "muted colors"
        case blackAndWhite = "black and white"
        case sepia
        case highContrast = "high contrast"
        case lowContrast = "low contrast"
        case bright
        case dark
        case blurry
        case sharp
        case filmGrain = "film grain"
        case vignette
        case posterized

        /// The look that moves the other way along the same scale, if any.
        package var opposite: Kind? {
            switch self {
            case .warmTones: .coolTones
            case .coolTones: .warmTones
            case .vividColors: .mutedColors
            case .mutedColors: .vividColors
            case .highContrast: .lowContrast
            case .lowContrast: .highContrast
            case .bright: .dark
            case .dark: .bright
            case .blurry: .sharp
            case .sharp: .blurry
            case .blackAndWhite, .sepia, .filmGrain, .vignette, .posterized: nil
            }
        }
    }

    package let kind: Kind

    package init(_ kind: Kind) {
        self.kind = kind
    }

    /// The concept name, as PRODUCT.md spells the built-in ones.
    package var name: String { kind.rawValue }

    package static let all: [Aspect] = Kind.allCases.map(Aspect.init)

    /// The aspect with this concept name (exact spelling), if any.
    package static func named(_ name: String) -> Aspect? {
        Kind(rawValue: name).map(Aspect.init)
    }

    /// Where the aspect sits in a combined rendering: optics first, then tone and colour,
    /// then grain, then quantization — the order a camera and a print pipeline apply them.
    package var processingOrder: Int {
        switch kind {
        case .blurry: 0
        case .sharp: 1
        case .vignette: 2
        case .bright, .dark: 3
        case .highContrast, .lowContrast: 4
        case .warmTones, .coolTones: 5
        case .vividColors, .mutedColors: 6
        case .blackAndWhite, .sepia: 7
        case .filmGrain: 8
        case .posterized: 9
        }
    }

    /// What level 1.0 of the canonical rendering does.
    package var canonicalDescription: String {
        switch kind {
        case .warmTones, .coolTones:
            "luma-neutral white-balance gains in linear light: "
                + zip(["red", "green", "blue"], Canonical.gains(kind, level: 1)).map { "\($0) ×\(Self.fixed($1, 2))" }
                    .joined(separator: ", ")
        case .vividColors:
            "vibrance: chroma c around Rec. 709 luma scaled by 1 + \(Self.short(Canonical.vibrance))·(1 − c / "
                + "\(Self.short(Canonical.vibranceKnee))), weak colours most, in gamut"
        case .mutedColors:
            "chroma scaled by 1 − \(Self.short(Canonical.mutedCompression))ℓ around Rec. 709 luma, every colour alike "
                + "(a saturation slider)"
        case .blackAndWhite: "full mix to Rec. 709 luma grey (level ℓ mixes ℓ of the way)"
        case .sepia:
            "full mix to luma grey toned in sRGB by ("
                + [Canonical.sepiaTone.red, Canonical.sepiaTone.green, Canonical.sepiaTone.blue].map { Self.fixed($0, 3) }
                    .joined(separator: ", ") + "): the classic sepia matrix with its brightening taken out"
        case .highContrast:
            "contrast ×\(Self.short(1 + Canonical.highContrast)) per sRGB channel around the image's mean luma (colour "
                + "differences stretch with it, as a curve on RGB does)"
        case .lowContrast:
            "contrast ×\(Self.short(1 - Canonical.lowContrast)) per sRGB channel around the image's mean luma (colour "
                + "differences shrink with it, as a curve on RGB does)"
        case .bright: "exposure +1 EV in the shadows with a highlight shoulder: L → 2L / (1 + L) in linear light"
        case .dark: "exposure −1 EV in the shadows, white kept: L → L / (2 − L) in linear light"
        case .blurry: "Gaussian blur, σ = \(Self.short(Canonical.blurSigmaPer256)) px per 256 px of the short side"
        case .sharp: "unsharp mask, amount \(Self.short(Canonical.unsharpAmount)), Gaussian radius σ = 1 px"
        case .filmGrain:
            "Gaussian luminance grain, σ = \(Self.short(Canonical.grainSigma)) (the amplitude grows linearly with the level, as editors' noise amounts do)"
        case .vignette:
            "linear-light falloff 1 − \(Self.short(Canonical.vignetteDepth))·((ρ − \(Self.short(Canonical.vignetteStart))) / "
                + "\(Self.short(Canonical.vignetteSpan)))² outside ρ = \(Self.short(Canonical.vignetteStart)) "
                + "(ρ = distance to centre over half-diagonal)"
        case .posterized:
            "uniform quantization to 2^(8 − \(Self.short(Canonical.posterizeBits))ℓ) levels per sRGB channel "
                + "(\(Int(Self.posterizeLevels(1))) levels at 1.0)"
        }
    }

    /// What the alternate rendering does differently.
    package var alternateDescription: String {
        switch kind {
        case .warmTones: "per-channel gamma curves on sRGB: red v^(1/1.14), green v^1.025, blue v^1.14 (matched at mid-grey, luma-neutral there)"
        case .coolTones: "per-channel gamma curves on sRGB: blue v^(1/1.14), green v^(1/1.025), red v^1.14 (matched at mid-grey, luma-neutral there)"
        case .vividColors: "the same vibrance around the HSL lightness (max + min) / 2 instead of luma"
        case .mutedColors: "the same scaling of chroma around the HSL lightness (max + min) / 2 instead of luma"
        case .blackAndWhite: "mix to the channel average (R + G + B) / 3"
        case .sepia: "luma grey toned in linear light by (1.26, 0.98, 0.57) (matched at mid-grey)"
        case .highContrast: "smoothstep S-curve per channel pivoted at 0.5 (same mid-tone slope 1.5)"
        case .lowContrast: "compression ×0.6 per channel in linear light around mid-grey (0.214 linear, 0.5 sRGB; same mid-tone slope)"
        case .bright: "the shoulder curve applied to sRGB values: v → 1.7v / (1 + 0.7v) (matched at mid-grey)"
        case .dark: "the inverse shoulder applied to sRGB values: v → v / (1.62 − 0.62v) (matched at mid-grey)"
        case .blurry: "uniform disk (defocus) blur with the same second moment (radius 2σ)"
        case .sharp: "5-point Laplacian high boost of luma only, amount 0.3"
        case .filmGrain: "signal-dependent (shot-noise-like) grain, variance ∝ value, matched at mid-grey"
        case .vignette: "cos⁴ natural vignetting on sRGB values (tan θ = 0.46 at the corners, matched there)"
        case .posterized: "uniform quantization in linear light to the same number of levels"
        }
    }

    /// Renders the aspect at `level` (0 leaves the image unchanged; 1 is canonical strength).
    /// `seed` only matters for grain.
    package func apply(to image: RGBImage, level: Double, variant: Variant = .canonical, seed: UInt64 = 0) -> RGBImage {
        let l = Float(min(max(level, 0), 1))
        guard l > 0 else { return image }
        switch variant {
        case .canonical: return canonical(image, l, seed)
        case .alternate: return alternate(image, l, seed)
        }
    }

    /// The canonical rendering at any level from 0 up, past 1 as its formula continues (gains,
    /// σ and amounts keep growing with the level). The benchmark uses it to say how strong a
    /// tool's edit is in the concept's own unit; FineXL's explanations use `apply`, which stops at 1.
    /// Past `canonicalCeiling` the formula stops meaning the look.
    package func canonicalRendering(of image: RGBImage, level: Double, seed: UInt64 = 0) -> RGBImage {
        let l = min(max(Float(level), 0), canonicalCeiling)
        return l > 0 ? canonical(image, l, seed) : image
    }

    /// The highest level at which the canonical formula still means the look: chroma not
    /// below 0 (muted colors, black and white), a full mix at most (sepia), gains and contrast
    /// not below 0, the vignette's corners not below black, at least 2 grey levels; other
    /// formulas (exposure, σ, amounts) go on, up to a generous 8.
    package var canonicalCeiling: Float {
        let ceiling: Float
        switch kind {
        case .warmTones, .coolTones: ceiling = 1 / Canonical.warmRedBlue
        case .mutedColors: ceiling = 1 / Canonical.mutedCompression
        case .blackAndWhite, .sepia: ceiling = 1
        case .lowContrast: ceiling = 1 / Canonical.lowContrast
        case .vignette: ceiling = 1 / Canonical.vignetteDepth
        case .posterized: ceiling = 7 / Canonical.posterizeBits
        case .vividColors, .highContrast, .bright, .dark, .blurry, .sharp, .filmGrain: ceiling = 8
        }
        return ceiling
    }

    // MARK: - Canonical renderings

    private func canonical(_ image: RGBImage, _ l: Float, _ seed: UInt64) -> RGBImage {
        switch kind {
        case .warmTones, .coolTones:
            let gains = Canonical.gains(kind, level: l)
            return Self.linearGains(image, gains[0], gains[1], gains[2])
        case .vividColors:
            return Self.scaleChroma(image) { c in 1 + Canonical.vibrance * l * max(0, 1 - c / Canonical.vibranceKnee) }
        case .mutedColors: return Self.scaleChroma(image) { _ in 1 - Canonical.mutedCompression * l }
        case .blackAndWhite: return Self.scaleChroma(image) { _ in 1 - l }
        case .sepia:
            return ImageFilters.mapPixels(image) { r, g, b in
                let grey = ImageFilters.luma(r, g, b), tone = Canonical.sepiaTone
                let sr = min(grey * tone.red, 1), sg = min(grey * tone.green, 1), sb = min(grey * tone.blue, 1)
                return (r + l * (sr - r), g + l * (sg - g), b + l * (sb - b))
            }
        case .highContrast: return Self.channelContrast(image, 1 + Canonical.highContrast * l)
        case .lowContrast: return Self.channelContrast(image, 1 - Canonical.lowContrast * l)
        case .bright: return Self.exposureShoulder(image, gain: powf(2, l))
        case .dark: return Self.exposureShoulder(image, gain: powf(2, -l))
        case .blurry:
            return ImageFilters.gaussianBlur(image, sigma: Self.blurSigma(image, l))
        case .sharp:
            return Self.unsharp(image, radius: Self.frameScale(image), amount: Canonical.unsharpAmount * l)
        case .filmGrain:
            let sigma = Canonical.grainSigma * l
            let cell = Self.grainCell(image)
            return ImageFilters.mapPixelsAt(image) { x, y, r, g, b in
                let n = sigma * PixelNoise.gaussian(seed, x / cell, y / cell)
                return (r + n, g + n, b + n)
            }
        case .vignette:
            return Self.radialGain(image) { rho in
                let t = max(0, rho - Canonical.vignetteStart) / Canonical.vignetteSpan
                return (1 - Canonical.vignetteDepth * l * t * t, true)
            }
        case .posterized:
            let levels = Self.posterizeLevels(l)
            return ImageFilters.mapPixels(image) { r, g, b in
                (Self.quantize(r, levels), Self.quantize(g, levels), Self.quantize(b, levels))
            }
        }
    }

    // MARK: - Alternate renderings

    private func alternate(_ image: RGBImage, _ l: Float, _ seed: UInt64) -> RGBImage {
        switch kind {
        case .warmTones: return Self.channelGammas(image, 1 / (1 + 0.14 * l), 1 + 0.025 * l, 1 + 0.14 * l)
        case .coolTones: return Self.channelGammas(image, 1 + 0.14 * l, 1 / (1 + 0.025 * l), 1 / (1 + 0.14 * l))
        case .vividColors:
            return ImageFilters.mapPixels(image) { r, g, b in
                let mx = max(r, g, b), mn = min(r, g, b), lightness = (mx + mn) / 2
                let f = Self.inGamut(1 + Canonical.vibrance * l * max(0, 1 - (mx - mn) / Canonical.vibranceKnee),
                                     around: lightness, r, g, b)
                return (lightness + (r - lightness) * f, lightness + (g - lightness) * f, lightness + (b - lightness) * f)
            }
        case .mutedColors:
            let f = 1 - Canonical.mutedCompression * l
            return ImageFilters.mapPixels(image) { r, g, b in
                let lightness = (max(r, g, b) + min(r, g, b)) / 2
                return (lightness + (r - lightness) * f, lightness + (g - lightness) * f, lightness + (b - lightness) * f)
            }
        case .blackAndWhite:
            return ImageFilters.mapPixels(image) { r, g, b in
                let m = (r + g + b) / 3
                return (r + l * (m - r), g + l * (m - g), b + l * (m - b))
            }
        case .sepia:
            return ImageFilters.mapPixels(image) { r, g, b in
                let grey = ImageFilters.toLinear(ImageFilters.luma(r, g, b))
                let sr = ImageFilters.toSRGB(grey * 1.26), sg = ImageFilters.toSRGB(grey * 0.98)
                let sb = ImageFilters.toSRGB(grey * 0.57)
                return (r + l * (sr - r), g + l * (sg - g), b + l * (sb - b))
            }
        case .highContrast:
            return ImageFilters.mapPixels(image) { r, g, b in
                func s(_ v: Float) -> Float { v + l * (v * v * (3 - 2 * v) - v) }
                return (s(r), s(g), s(b))
            }
        case .lowContrast:
            let k = 1 - 0.4 * l, pivot = ImageFilters.toLinear(0.5)
            return ImageFilters.mapPixels(image) { r, g, b in
                func f(_ v: Float) -> Float { ImageFilters.toSRGB(pivot + (ImageFilters.toLinear(v) - pivot) * k) }
                return (f(r), f(g), f(b))
            }
        case .bright:
            let g = 1 + 0.7 * l
            return ImageFilters.mapPixels(image) { r, gr, b in
                func f(_ v: Float) -> Float { g * v / (1 + (g - 1) * v) }
                return (f(r), f(gr), f(b))
            }
        case .dark:
            let g = 1 + 0.62 * l
            return ImageFilters.mapPixels(image) { r, gr, b in
                func f(_ v: Float) -> Float { v / (g - (g - 1) * v) }
                return (f(r), f(gr), f(b))
            }
        case .blurry:
            return ImageFilters.diskBlur(image, radius: 2 * Self.blurSigma(image, l))
        case .sharp:
            let w = image.width, h = image.height, amount = 0.3 * l, d = Int(Self.frameScale(image).rounded())
            let luma = stride(from: 0, to: image.pixels.count, by: 3).map {
                ImageFilters.luma(image.pixels[$0], image.pixels[$0 + 1], image.pixels[$0 + 2])
            }
            var out = image.pixels
            for y in 0..<h {
                for x in 0..<w {
                    let i = y * w + x
                    let lap = 4 * luma[i] - luma[y * w + max(x - d, 0)] - luma[y * w + min(x + d, w - 1)]
                        - luma[max(y - d, 0) * w + x] - luma[min(y + d, h - 1) * w + x]
                    for c in 0..<3 { out[3 * i + c] = ImageFilters.clamp01(out[3 * i + c] + amount * lap) }
                }
            }
            return RGBImage(width: w, height: h, pixels: out)
        case .filmGrain:
            // Shot noise: variance proportional to the signal, 0.06² at mid-grey like the canonical grain at level 1;
            // the amplitude linear in the level, as the canonical grain's.
            let k = 0.085 * l
            let cell = Self.grainCell(image)
            return ImageFilters.mapPixelsAt(image) { x, y, r, g, b in
                let n = k * PixelNoise.gaussian(seed, x / cell, y / cell, 1)
                return (r + n * r.squareRoot(), g + n * g.squareRoot(), b + n * b.squareRoot())
            }
        case .vignette:
            return Self.radialGain(image) { rho in
                let t = 0.462 * rho
                let cos2 = 1 / (1 + t * t)
                return (1 - l * (1 - cos2 * cos2), false)
            }
        case .posterized:
            let levels = Self.posterizeLevels(l)
            return ImageFilters.mapPixels(image) { r, g, b in
                func q(_ v: Float) -> Float { ImageFilters.toSRGB(Self.quantize(ImageFilters.toLinear(v), levels)) }
                return (q(r), q(g), q(b))
            }
        }
    }

    // MARK: - Building blocks

    /// Every number of the canonical renderings at level 1.0, written once: the renderings
    /// scale them by the level, and `canonicalDescription` prints them.
    enum Canonical {
        /// Warm tones: red ×(1 + 0.2ℓ), green ×(1 − 0.04ℓ), blue ×(1 − 0.2ℓ) in linear light;
        /// cool tones the mirror image.
        static let warmRedBlue: Float = 0.2, warmGreen: Float = 0.04
        static let vibrance: Float = 0.6, vibranceKnee: Float = 0.6
        /// Muted colours: chroma ×(1 − 0.7ℓ); black and white takes it all (×(1 − ℓ)).
        static let mutedCompression: Float = 0.7
        /// The classic sepia matrix maps a grey g to about (1.351, 1.203, 0.937)·g: its rows are
        /// nearly proportional, so it is a toned luma grey, brightened ×1.2. Divided by its
        /// Rec. 709 luma gain, the tone keeps the grey's luma.
        static let sepiaTone: (red: Float, green: Float, blue: Float) = (1.112, 0.990, 0.771)
        static let highContrast: Float = 0.5, lowContrast: Float = 0.4
        static let blurSigmaPer256: Float = 2.4
        static let unsharpAmount: Float = 1.2
        static let grainSigma: Float = 0.06
        static let vignetteDepth: Float = 0.6, vignetteStart: Float = 0.4, vignetteSpan: Float = 0.6
        static let posterizeBits: Float = 5

        /// The linear-light white-balance gains of warm or cool tones at level `l`.
        static func gains(_ kind: Kind, level l: Float) -> [Float] {
            let sign: Float = kind == .warmTones ? 1 : -1
            return [1 + sign * warmRedBlue * l, 1 - sign * warmGreen * l, 1 - sign * warmRedBlue * l]
        }
    }

    /// `value` with `decimals` decimals ("1.20").
    private static func fixed(_ value: Float, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", Double(value))
    }

    /// `value` in its shortest form up to four significant digits ("0.6", "2.4").
    static func short(_ value: Float) -> String {
        String(format: "%.4g", Double(value))
    }

    /// How many pixels of this image make one pixel of the descriptor's working resolution:
    /// grain and sharpening are sized relative to the frame, as blur is, so a level means
    /// the same look at any resolution and survives the encoder's downscale.
    static func frameScale(_ image: RGBImage) -> Float { Float(DescriptorStatistics.boxFactor(image)) }

    /// Side in pixels of one grain cell (one independent noise value): one pixel of the
    /// working resolution, so the encoder's box downscale averages each cell on its own.
    static func grainCell(_ image: RGBImage) -> Int { DescriptorStatistics.boxFactor(image) }

    /// `image` plus `amount` × its difference from a Gaussian blur of σ = `radius` px, clamped.
    static func unsharp(_ image: RGBImage, radius: Float, amount: Float) -> RGBImage {
        let soft = ImageFilters.gaussianBlur(image, sigma: radius)
        var out = image.pixels
        for i in out.indices { out[i] = ImageFilters.clamp01(out[i] + amount * (out[i] - soft.pixels[i])) }
        return RGBImage(width: image.width, height: image.height, pixels: out)
    }

    /// Blur scale follows the image size so a level means the same look at any resolution.
    static func blurSigma(_ image: RGBImage, _ l: Float) -> Float {
        Canonical.blurSigmaPer256 * l * Float(min(image.width, image.height)) / 256
    }

    static func posterizeLevels(_ l: Float) -> Float {
        max(2, powf(2, 8 - Canonical.posterizeBits * l).rounded())
    }

    @inline(__always)
    static func quantize(_ v: Float, _ levels: Float) -> Float {
        (ImageFilters.clamp01(v) * (levels - 1)).rounded() / (levels - 1)
    }

    static func linearGains(_ image: RGBImage, _ gr: Float, _ gg: Float, _ gb: Float) -> RGBImage {
        ImageFilters.mapPixels(image) { r, g, b in
            (ImageFilters.toSRGB(ImageFilters.toLinear(r) * gr), ImageFilters.toSRGB(ImageFilters.toLinear(g) * gg),
             ImageFilters.toSRGB(ImageFilters.toLinear(b) * gb))
        }
    }

    /// Gain `gain` near black, white mapped to white: L → gL / (1 + (g − 1)L) in linear light.
    static func exposureShoulder(_ image: RGBImage, gain g: Float) -> RGBImage {
        ImageFilters.mapPixels(image) { r, gr, b in
            func f(_ v: Float) -> Float {
                let x = ImageFilters.toLinear(v)
                return ImageFilters.toSRGB(g * x / (1 + (g - 1) * x))
            }
            return (f(r), f(gr), f(b))
        }
    }

    static func channelGammas(_ image: RGBImage, _ er: Float, _ eg: Float, _ eb: Float) -> RGBImage {
        ImageFilters.mapPixels(image) { r, g, b in (powf(r, er), powf(g, eg), powf(b, eb)) }
    }

    /// Scales each pixel's distance from its luma grey by `factor(chroma)`; a boost stops at
    /// the gamut boundary instead of clipping, so hue and luma are kept.
    static func scaleChroma(_ image: RGBImage, _ factor: (Float) -> Float) -> RGBImage {
        ImageFilters.mapPixels(image) { r, g, b in
            let y = ImageFilters.luma(r, g, b)
            var f = factor(max(r, g, b) - min(r, g, b))
            if f > 1 { f = inGamut(f, around: y, r, g, b) }
            return (y + (r - y) * f, y + (g - y) * f, y + (b - y) * f)
        }
    }

    /// The largest factor up to `f` (and at least 1) by which every channel's distance from
    /// `centre` can grow without leaving 0…1.
    @inline(__always)
    static func inGamut(_ f: Float, around centre: Float, _ r: Float, _ g: Float, _ b: Float) -> Float {
        var f = f
        for c in [r, g, b] where abs(c - centre) > 1e-6 {
            f = min(f, c > centre ? (1 - centre) / (c - centre) : centre / (centre - c))
        }
        return max(f, 1)
    }

    static func channelContrast(_ image: RGBImage, _ k: Float) -> RGBImage {
        var sum: Float = 0
        image.pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                sum += ImageFilters.luma(p[i], p[i + 1], p[i + 2])
                i += 3
            }
        }
        return channelContrast(image, k, about: sum / Float(image.width * image.height))
    }

    /// Each sRGB channel's distance from `pivot` times `k`, clipped: the canonical contrast
    /// renderings pivot at the picture's mean luma, the levels forms at mid-grey.
    static func channelContrast(_ image: RGBImage, _ k: Float, about pivot: Float) -> RGBImage {
        ImageFilters.mapPixels(image) { r, g, b in
            (ImageFilters.clamp01(pivot + (r - pivot) * k), ImageFilters.clamp01(pivot + (g - pivot) * k),
             ImageFilters.clamp01(pivot + (b - pivot) * k))
        }
    }

    /// Multiplies by a radial profile of ρ in [0, 1]; `linear` says whether in linear light.
    static func radialGain(_ image: RGBImage, _ profile: (Float) -> (Float, Bool)) -> RGBImage {
        let cx = Float(image.width - 1) / 2, cy = Float(image.height - 1) / 2
        let halfDiagonal = (cx * cx + cy * cy).squareRoot()
        return ImageFilters.mapPixelsAt(image) { x, y, r, g, b in
            let dx = (Float(x) - cx) / halfDiagonal, dy = (Float(y) - cy) / halfDiagonal
            let (f, linear) = profile((dx * dx + dy * dy).squareRoot())
            if linear {
                return (ImageFilters.toSRGB(ImageFilters.toLinear(r) * f), ImageFilters.toSRGB(ImageFilters.toLinear(g) * f),
                        ImageFilters.toSRGB(ImageFilters.toLinear(b) * f))
            }
            return (r * f, g * f, b * f)
        }
    }
}
