import FineXLCore
import FineXLSupport
import Foundation

/// The colour spaces, kernels and noise the benchmark's edits are built from. Written for the
/// benchmark alone (not shared with the descriptor's renderings), so an edit measured here does
/// not inherit FineXL's own choices.
enum PixelMath {
    // MARK: transfer functions and colour spaces

    /// IEC 61966-2-1 sRGB decoding; 8-bit values (what photos hold) come from a table.
    @inline(__always)
    static func linear(_ v: Float) -> Float {
        let scaled = v * 255
        if scaled >= 0 && scaled <= 255 {
            let index = Int(scaled.rounded())
            if Float(index) == scaled { return linearTable[index] }
        }
        return exactLinear(v)
    }

    static func exactLinear(_ v: Float) -> Float {
        v <= 0.04045 ? v / 12.92 : powf((v + 0.055) / 1.055, 2.4)
    }

    private static let linearTable: [Float] = (0...255).map { exactLinear(Float($0) / 255) }

    /// IEC 61966-2-1 sRGB encoding of a value clamped to 0…1, interpolated in a 4096-step table
    /// (within 2·10⁻⁵ of the formula, far below one 8-bit step).
    @inline(__always)
    static func encoded(_ v: Float) -> Float {
        let c = clamp(v)
        guard c > 0.0031308 else { return 12.92 * c }
        let position = c * Float(encodedSteps)
        let index = min(Int(position), encodedSteps - 1)
        let f = position - Float(index)
        return encodedTable[index] + f * (encodedTable[index + 1] - encodedTable[index])
    }

    static func exactEncoded(_ v: Float) -> Float {
        let c = clamp(v)
        return c <= 0.0031308 ? 12.92 * c : 1.055 * powf(c, 1 / 2.4) - 0.055
    }

    private static let encodedSteps = 4096
    private static let encodedTable: [Float] = (0...encodedSteps).map { exactEncoded(Float($0) / Float(encodedSteps)) }

    @inline(__always)
    static func clamp(_ v: Float) -> Float { v.isNaN ? 0 : min(max(v, 0), 1) }

    /// ITU-R BT.601 luma of sRGB-encoded values: what Pillow's `convert("L")` computes.
    @inline(__always)
    static func luma601(_ r: Float, _ g: Float, _ b: Float) -> Float {
        0.299 * r + 0.587 * g + 0.114 * b
    }

    /// CIE L*a*b* (D65 white) of an sRGB-encoded colour.
    static func lab(_ r: Float, _ g: Float, _ b: Float) -> (l: Float, a: Float, b: Float) {
        let lr = linear(r), lg = linear(g), lb = linear(b)
        let x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047
        let y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb
        let z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / 1.08883
        let fx = labF(x), fy = labF(y), fz = labF(z)
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }

    /// The sRGB-encoded colour of CIE L*a*b* (D65), clamped to the gamut per channel.
    static func rgb(l: Float, a: Float, b: Float) -> (Float, Float, Float) {
        let fy = (l + 16) / 116
        let x = 0.95047 * labFInverse(fy + a / 500)
        let y = labFInverse(fy)
        let z = 1.08883 * labFInverse(fy - b / 200)
        let lr = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
        let lg = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
        let lb = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
        return (encoded(lr), encoded(lg), encoded(lb))
    }

    private static let labEpsilon: Float = 216.0 / 24389.0
    private static let labKappa: Float = 24389.0 / 27.0

    @inline(__always)
    private static func labF(_ t: Float) -> Float {
        t > labEpsilon ? cbrtf(t) : (labKappa * t + 16) / 116
    }

    @inline(__always)
    private static func labFInverse(_ f: Float) -> Float {
        let cube = f * f * f
        return cube > labEpsilon ? cube : (116 * f - 16) / labKappa
    }

    /// Hue (0…1), saturation and value of the hexcone model (what GIMP's and Pillow's HSV use).
    static func hsv(_ r: Float, _ g: Float, _ b: Float) -> (h: Float, s: Float, v: Float) {
        let maxC = max(r, g, b), minC = min(r, g, b)
        let delta = maxC - minC
        guard maxC > 0, delta > 0 else { return (0, 0, maxC) }
        var h: Float
        if maxC == r {
            h = (g - b) / delta
        } else if maxC == g {
            h = 2 + (b - r) / delta
        } else {
            h = 4 + (r - g) / delta
        }
        h /= 6
        if h < 0 { h += 1 }
        return (h, delta / maxC, maxC)
    }

    static func rgb(h: Float, s: Float, v: Float) -> (Float, Float, Float) {
        guard s > 0 else { return (v, v, v) }
        let sector = (h - floorf(h)) * 6
        let i = Int(sector) % 6
        let f = sector - floorf(sector)
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        switch i {
        case 0: return (v, t, p)
        case 1: return (q, v, p)
        case 2: return (p, v, t)
        case 3: return (p, q, v)
        case 4: return (t, p, v)
        default: return (v, p, q)
        }
    }

    // MARK: whole-image helpers

    /// A new image with `transform` applied to every pixel's (r, g, b), results clamped to 0…1.
    static func perPixel(_ image: RGBImage, _ transform: (Float, Float, Float) -> (Float, Float, Float)) -> RGBImage {
        var out = image.pixels
        for i in stride(from: 0, to: out.count, by: 3) {
            let (r, g, b) = transform(out[i], out[i + 1], out[i + 2])
            out[i] = clamp(r)
            out[i + 1] = clamp(g)
            out[i + 2] = clamp(b)
        }
        return RGBImage(width: image.width, height: image.height, pixels: out)
    }

    /// Like `perPixel`, with the pixel's position.
    static func perPixelAt(_ image: RGBImage,
                           _ transform: (Int, Int, Float, Float, Float) -> (Float, Float, Float)) -> RGBImage {
        var out = image.pixels
        for y in 0..<image.height {
            for x in 0..<image.width {
                let i = (y * image.width + x) * 3
                let (r, g, b) = transform(x, y, out[i], out[i + 1], out[i + 2])
                out[i] = clamp(r)
                out[i + 1] = clamp(g)
                out[i + 2] = clamp(b)
            }
        }
        return RGBImage(width: image.width, height: image.height, pixels: out)
    }

    /// `(1 − t)·a + t·b` per value, both images the same size.
    static func mix(_ a: RGBImage, _ b: RGBImage, _ t: Float) -> RGBImage {
        var out = a.pixels
        for i in out.indices { out[i] = clamp(a.pixels[i] + t * (b.pixels[i] - a.pixels[i])) }
        return RGBImage(width: a.width, height: a.height, pixels: out)
    }

    /// Rounds every value to the nearest of 256 steps, as saving an 8-bit PNG does.
    static func quantized8(_ image: RGBImage) -> RGBImage {
        RGBImage(width: image.width, height: image.height,
                 pixels: image.pixels.map { (clamp($0) * 255).rounded() / 255 })
    }

    // MARK: convolution

    /// Correlates each channel with a 2-D kernel (odd sides, row-major), edges extended by
    /// repeating the border pixel; values are not clamped, so callers can form differences.
    static func convolve(_ image: RGBImage, kernel: [Float], width kw: Int, height kh: Int) -> RGBImage {
        precondition(kw % 2 == 1 && kh % 2 == 1 && kernel.count == kw * kh)
        let w = image.width, h = image.height
        let rx = kw / 2, ry = kh / 2
        // The image padded by the kernel's radius on every side, so the inner loop has no bounds logic.
        let pw = w + 2 * rx, ph = h + 2 * ry
        var padded = [Float](repeating: 0, count: pw * ph * 3)
        for y in 0..<ph {
            let sy = min(max(y - ry, 0), h - 1)
            for x in 0..<pw {
                let sx = min(max(x - rx, 0), w - 1)
                let s = (sy * w + sx) * 3, d = (y * pw + x) * 3
                padded[d] = image.pixels[s]
                padded[d + 1] = image.pixels[s + 1]
                padded[d + 2] = image.pixels[s + 2]
            }
        }
        var taps: [(offset: Int, weight: Float)] = []
        for j in 0..<kh {
            for i in 0..<kw where kernel[j * kw + i] != 0 { taps.append((j * pw + i, kernel[j * kw + i])) }
        }
        var out = [Float](repeating: 0, count: image.pixels.count)
        padded.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        let origin = y * pw + x
                        var r: Float = 0, g: Float = 0, b: Float = 0
                        for (offset, k) in taps {
                            let s = (origin + offset) * 3
                            r += k * src[s]
                            g += k * src[s + 1]
                            b += k * src[s + 2]
                        }
                        let o = (y * w + x) * 3
                        dst[o] = r
                        dst[o + 1] = g
                        dst[o + 2] = b
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    /// A separable filter: the same 1-D kernel along rows, then along columns.
    static func separable(_ image: RGBImage, kernel: [Float]) -> RGBImage {
        let rows = convolve(image, kernel: kernel, width: kernel.count, height: 1)
        return convolve(rows, kernel: kernel, width: 1, height: kernel.count)
    }

    /// Normalized Gaussian taps out to 3σ.
    static func gaussian(sigma: Float) -> [Float] {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        let taps = (-radius...radius).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
        let sum = taps.reduce(0, +)
        return taps.map { $0 / sum }
    }

    // MARK: noise

    /// A standard normal deviate (Box–Muller).
    static func normal(_ generator: inout SeededGenerator) -> Float {
        Float(generator.normal())
    }

    /// A field of `count` standard normal deviates.
    static func normalField(count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in normal(&generator) }
    }
}
