import FineXLCore
import Foundation

/// Blur, sharpening, grain, vignette and posterization, each at least twice, from different
/// families: kernels of different shapes, noise of different structure and size, radial falloffs
/// of different laws, quantization by bit depth, by palette, with dithering. Pixel sizes are of
/// the image as given (the benchmark's crops are 128–256 px).
enum DetailEdits {
    static var all: [PhotoEdit] {
        [
            PhotoEdit("blurry", "Gaussian", set: 1, "Gaussian blur σ = 0.3 + 2.7t px (PIL GaussianBlur)") { image, t, _ in
                PixelMath.separable(image, kernel: PixelMath.gaussian(sigma: 0.3 + 2.7 * t)).clamped()
            },
            PhotoEdit("blurry", "lens disk", set: 2, "antialiased disk (defocus) kernel, radius 0.6 + 3.4t px") { image, t, _ in
                let (kernel, side) = diskKernel(radius: 0.6 + 3.4 * t)
                return PixelMath.convolve(image, kernel: kernel, width: side, height: side).clamped()
            },
            PhotoEdit("blurry", "motion", set: 3, "horizontal motion blur, length 1 + 9t px (ImageMagick -motion-blur)") { image, t, _ in
                let kernel = lineKernel(length: 1 + 9 * t)
                return PixelMath.convolve(image, kernel: kernel, width: kernel.count, height: 1).clamped()
            },
            PhotoEdit("sharp", "unsharp mask", set: 1,
                      "unsharp mask radius σ = 1.5 px, amount 1.6t, threshold 0 (PIL UnsharpMask, GIMP)") { image, t, _ in
                let blurred = PixelMath.separable(image, kernel: PixelMath.gaussian(sigma: 1.5))
                return image.combined(with: blurred) { v, soft in v + 1.6 * t * (v - soft) }
            },
            PhotoEdit("sharp", "Laplacian kernel", set: 2,
                      "3×3 kernel: centre 1 + 8a, neighbours −a, a = 0.3t (PIL SHARPEN is a = 0.125)") { image, t, _ in
                let a = 0.3 * t
                var kernel = [Float](repeating: -a, count: 9)
                kernel[4] = 1 + 8 * a
                return PixelMath.convolve(image, kernel: kernel, width: 3, height: 3).clamped()
            },
            PhotoEdit("film grain", "white Gaussian", set: 1, "independent Gaussian noise per channel, σ = 0.07t (sRGB)") { image, t, seed in
                let noise = PixelMath.normalField(count: image.pixels.count, seed: seed)
                return image.combined(withValues: noise) { v, n in v + 0.07 * t * n }
            },
            PhotoEdit("film grain", "clumped mono grain", set: 2,
                      "one noise field blurred at σ = 1.2 px (grain clumps 2–3 px), renormalized, added to all channels, amplitude 0.09t, strongest in the midtones") { image, t, seed in
                let grain = clumpedField(width: image.width, height: image.height, sigma: 1.2, seed: seed)
                return PixelMath.perPixelAt(image) { x, y, r, g, b in
                    let luma = PixelMath.luma601(r, g, b)
                    let n = 0.09 * t * grain[y * image.width + x] * (0.35 + 2.6 * luma * (1 - luma))
                    return (r + n, g + n, b + n)
                }
            },
            PhotoEdit("film grain", "Poisson shot noise", set: 3,
                      "photon noise in linear light, 40/t² photons at full scale per channel (a high-ISO sensor)") { image, t, seed in
                guard t > 0 else { return image }
                let photons = 40 / (t * t)
                let noise = PixelMath.normalField(count: image.pixels.count, seed: seed)
                return image.combined(withValues: noise) { v, n in
                    let l = PixelMath.linear(v)
                    return PixelMath.encoded(l + (l / photons).squareRoot() * n)
                }
            },
            PhotoEdit("vignette", "cos⁴ radial", set: 1,
                      "natural cos⁴ falloff in linear light around the centre, the corners at 1 − 0.75t") { image, t, _ in
                let corner = 1 - 0.75 * t
                let tanCorner = (1 / powf(corner, 0.5) - 1).squareRoot()  // cos⁴θ = corner at the corner
                let cx = Float(image.width - 1) / 2, cy = Float(image.height - 1) / 2
                let halfDiagonal = (cx * cx + cy * cy).squareRoot()
                return PixelMath.perPixelAt(image) { x, y, r, g, b in
                    let dx = Float(x) - cx, dy = Float(y) - cy
                    let tanTheta = tanCorner * (dx * dx + dy * dy).squareRoot() / halfDiagonal
                    let cos2 = 1 / (1 + tanTheta * tanTheta)
                    let f = cos2 * cos2
                    return (PixelMath.encoded(PixelMath.linear(r) * f), PixelMath.encoded(PixelMath.linear(g) * f),
                            PixelMath.encoded(PixelMath.linear(b) * f))
                }
            },
            PhotoEdit("vignette", "elliptical linear", set: 2,
                      "sRGB multiply falling linearly from 1 at 45 % of the ellipse inscribed in the frame to 1 − 0.7t at the corners (Lightroom post-crop vignette)") { image, t, _ in
                let cx = Float(image.width) / 2, cy = Float(image.height) / 2
                let start: Float = 0.45, end = Float(2).squareRoot()
                return PixelMath.perPixelAt(image) { x, y, r, g, b in
                    let dx = (Float(x) + 0.5 - cx) / cx, dy = (Float(y) + 0.5 - cy) / cy
                    let d = (dx * dx + dy * dy).squareRoot()
                    let f = 1 - 0.7 * t * min(max((d - start) / (end - start), 0), 1)
                    return (r * f, g * f, b * f)
                }
            },
            PhotoEdit("posterized", "bit depth", set: 1,
                      "8 − 6t bits per channel (2^bits steps, fractional for in-between levels), values floored to the step as PIL ImageOps.posterize does") { image, t, _ in
                let step = 256 / powf(2, 8 - 6 * t)
                return PixelMath.perPixel(image) { r, g, b in
                    func q(_ v: Float) -> Float { floorf((v * 255 + 0.5) / step) * step / 255 }
                    return (q(r), q(g), q(b))
                }
            },
            PhotoEdit("posterized", "median-cut palette", set: 2,
                      "median-cut palette of round(2^(8 − 5t)) colours (from ≤ 16 384 sampled pixels), nearest colour, no dithering (PIL quantize, GIMP indexed mode)") { image, t, _ in
                medianCut(image, colors: Int(powf(2, 8 - 5 * t).rounded()))
            },
            PhotoEdit("posterized", "ordered dither", set: 3,
                      "round(16 − 13t) uniform levels per channel with 4×4 Bayer ordered dithering") { image, t, _ in
                orderedDither(image, levels: Int((16 - 13 * t).rounded()))
            },
        ]
    }

    /// Weights of a disk of `radius`, each tap the share of its pixel square inside the disk
    /// (4×4 subsamples), normalized.
    static func diskKernel(radius: Float) -> (kernel: [Float], side: Int) {
        let r = Int(radius.rounded(.up))
        let side = 2 * r + 1
        var kernel = [Float](repeating: 0, count: side * side)
        for j in 0..<side {
            for i in 0..<side {
                var inside = 0
                for sj in 0..<4 {
                    for si in 0..<4 {
                        let x = Float(i - r) + (Float(si) + 0.5) / 4 - 0.5
                        let y = Float(j - r) + (Float(sj) + 0.5) / 4 - 0.5
                        if x * x + y * y <= radius * radius { inside += 1 }
                    }
                }
                kernel[j * side + i] = Float(inside)
            }
        }
        let sum = kernel.reduce(0, +)
        return (kernel.map { $0 / sum }, side)
    }

    /// A centred box of fractional `length`: whole taps of 1, the two end taps sharing the rest.
    static func lineKernel(length: Float) -> [Float] {
        let whole = Int(length)
        let odd = whole % 2 == 1 ? whole : whole - 1
        let rest = (length - Float(odd)) / 2
        var taps = [Float](repeating: 1, count: odd)
        if rest > 0 { taps = [rest] + taps + [rest] }
        let sum = taps.reduce(0, +)
        return taps.map { $0 / sum }
    }

    /// A monochrome field of unit standard deviation, blurred at `sigma` so grains clump.
    private static func clumpedField(width: Int, height: Int, sigma: Float, seed: UInt64) -> [Float] {
        let white = PixelMath.normalField(count: width * height, seed: seed)
        var field = RGBImage(width: width, height: height, pixels: white.flatMap { [$0, $0, $0] })
        field = PixelMath.separable(field, kernel: PixelMath.gaussian(sigma: sigma))
        var values = stride(from: 0, to: field.pixels.count, by: 3).map { field.pixels[$0] }
        let mean = values.reduce(0, +) / Float(values.count)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
        values = values.map { ($0 - mean) / max(sd, 1e-6) }
        return values
    }

    /// Heckbert's median cut on the image's colours (built from at most 16 384 evenly spread
    /// pixels), each pixel then mapped to the nearest palette colour.
    static func medianCut(_ image: RGBImage, colors: Int) -> RGBImage {
        let p = image.pixels
        let count = image.width * image.height
        let stride = max(1, count / 16_384)
        struct Box {
            var members: [Int]
            var channel = 0
            var range: Float = 0

            init(_ members: [Int], _ p: [Float]) {
                self.members = members
                for c in 0..<3 {
                    var lo: Float = 1, hi: Float = 0
                    for i in members {
                        lo = min(lo, p[3 * i + c])
                        hi = max(hi, p[3 * i + c])
                    }
                    if hi - lo > range {
                        range = hi - lo
                        channel = c
                    }
                }
            }

            /// Boxes wide in colour and holding many pixels are split first.
            var priority: Float { members.count > 1 ? range * Float(members.count).squareRoot() : 0 }
        }
        var boxes = [Box(Array(Swift.stride(from: 0, to: count, by: stride)), p)]
        while boxes.count < max(colors, 1) {
            guard let chosen = boxes.indices.max(by: { boxes[$0].priority < boxes[$1].priority }),
                  boxes[chosen].priority > 0 else { break }
            let channel = boxes[chosen].channel
            let sorted = boxes[chosen].members.sorted { p[3 * $0 + channel] < p[3 * $1 + channel] }
            let half = sorted.count / 2
            boxes[chosen] = Box(Array(sorted[..<half]), p)
            boxes.append(Box(Array(sorted[half...]), p))
        }
        let palette: [(Float, Float, Float)] = boxes.map { box in
            var r: Float = 0, g: Float = 0, b: Float = 0
            for i in box.members {
                r += p[3 * i]
                g += p[3 * i + 1]
                b += p[3 * i + 2]
            }
            let n = Float(box.members.count)
            return (r / n, g / n, b / n)
        }
        return PixelMath.perPixel(image) { r, g, b in
            var best = palette[0]
            var bestDistance = Float.infinity
            for c in palette {
                let d = (c.0 - r) * (c.0 - r) + (c.1 - g) * (c.1 - g) + (c.2 - b) * (c.2 - b)
                if d < bestDistance {
                    bestDistance = d
                    best = c
                }
            }
            return best
        }
    }

    /// `levels` uniform steps per channel, the threshold moved per pixel by a 4×4 Bayer matrix.
    static func orderedDither(_ image: RGBImage, levels: Int) -> RGBImage {
        let bayer: [Float] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]
        let steps = Float(max(levels, 2) - 1)
        return PixelMath.perPixelAt(image) { x, y, r, g, b in
            let offset = (bayer[(y % 4) * 4 + x % 4] + 0.5) / 16 - 0.5
            func q(_ v: Float) -> Float { min(max((v * steps + offset).rounded(), 0), steps) / steps }
            return (q(r), q(g), q(b))
        }
    }
}

extension RGBImage {
    /// Every value clamped to 0…1.
    func clamped() -> RGBImage {
        RGBImage(width: width, height: height, pixels: pixels.map(PixelMath.clamp))
    }

    /// `combine(self, other)` per value, clamped; both images the same size.
    func combined(with other: RGBImage, _ combine: (Float, Float) -> Float) -> RGBImage {
        combined(withValues: other.pixels, combine)
    }

    /// `combine(value, values[i])` per value, clamped.
    func combined(withValues values: [Float], _ combine: (Float, Float) -> Float) -> RGBImage {
        var out = pixels
        for i in out.indices { out[i] = PixelMath.clamp(combine(pixels[i], values[i])) }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
