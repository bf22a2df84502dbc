import FineXLCore
import Foundation

/// Contrast and brightness, each at least twice, with different curves and pivots: linear
/// around the image mean, sigmoids and tone curves around mid-grey, output levels, gamma,
/// exposure in linear light and offsets.
enum ToneEdits {
    static var all: [PhotoEdit] {
        [
            PhotoEdit("high contrast", "Pillow Contrast", set: 1,
                      "PIL ImageEnhance.Contrast factor 1 + 0.8t around the mean BT.601 grey of the image") { image, t, _ in
                linearContrast(image, factor: 1 + 0.8 * t)
            },
            PhotoEdit("high contrast", "sigmoidal contrast", set: 2,
                      "ImageMagick -sigmoidal-contrast β×50% per channel, β = 9t") { image, t, _ in
                sigmoidal(image, beta: 9 * t, midpoint: 0.5)
            },
            PhotoEdit("high contrast", "Lab tone curve", set: 3,
                      "S-curve on CIE L* around L* 50 (18 % grey), mixed in at 0.7t; colour kept") { image, t, _ in
                PixelMath.perPixel(image) { r, g, b in
                    let lab = PixelMath.lab(r, g, b)
                    let x = min(max(lab.l / 100, 0), 1)
                    let s = x * x * (3 - 2 * x)  // smoothstep: steepest at the pivot, flat at the ends
                    return PixelMath.rgb(l: 100 * (x + 0.7 * t * (s - x)), a: lab.a, b: lab.b)
                }
            },
            PhotoEdit("low contrast", "Pillow Contrast", set: 1,
                      "PIL ImageEnhance.Contrast factor 1 − 0.6t around the mean BT.601 grey of the image") { image, t, _ in
                linearContrast(image, factor: 1 - 0.6 * t)
            },
            PhotoEdit("low contrast", "output levels", set: 2,
                      "GIMP Levels output range [0.22t, 1 − 0.12t] per channel (a faded, lifted-black look; fixed point near 0.65)") { image, t, _ in
                let low = 0.22 * t, high = 1 - 0.12 * t
                return PixelMath.perPixel(image) { r, g, b in
                    (low + r * (high - low), low + g * (high - low), low + b * (high - low))
                }
            },
            PhotoEdit("low contrast", "inverse sigmoidal", set: 3,
                      "ImageMagick +sigmoidal-contrast β×50% per channel, β = 7t") { image, t, _ in
                inverseSigmoidal(image, beta: 7 * t, midpoint: 0.5)
            },
            PhotoEdit("bright", "exposure", set: 1, "linear light ×2^(1.0t): +1 EV at level 1 (Lightroom exposure)") { image, t, _ in
                exposure(image, stops: 1.0 * t)
            },
            PhotoEdit("bright", "gamma", set: 2, "GIMP Levels gamma 1 + 0.8t: v^(1/(1 + 0.8t))") { image, t, _ in
                gamma(image, 1 / (1 + 0.8 * t))
            },
            PhotoEdit("bright", "additive offset", set: 3, "sRGB + 0.2t (GIMP Brightness-Contrast brightness)") { image, t, _ in
                PixelMath.perPixel(image) { r, g, b in (r + 0.2 * t, g + 0.2 * t, b + 0.2 * t) }
            },
            PhotoEdit("dark", "Pillow Brightness", set: 1, "PIL ImageEnhance.Brightness factor 1 − 0.55t (sRGB multiply)") { image, t, _ in
                PixelMath.perPixel(image) { r, g, b in (r * (1 - 0.55 * t), g * (1 - 0.55 * t), b * (1 - 0.55 * t)) }
            },
            PhotoEdit("dark", "gamma", set: 2, "GIMP Levels gamma 1/(1 + t): v^(1 + t)") { image, t, _ in
                gamma(image, 1 + t)
            },
            PhotoEdit("dark", "exposure", set: 3, "linear light ×2^(−1.3t): −1.3 EV at level 1") { image, t, _ in
                exposure(image, stops: -1.3 * t)
            },
        ]
    }

    /// PIL's ImageEnhance.Contrast: blends with a flat image of the mean grey.
    private static func linearContrast(_ image: RGBImage, factor: Float) -> RGBImage {
        var sum: Double = 0
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            sum += Double(PixelMath.luma601(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]))
        }
        let mean = Float(sum / Double(image.width * image.height))
        return PixelMath.perPixel(image) { r, g, b in
            (mean + factor * (r - mean), mean + factor * (g - mean), mean + factor * (b - mean))
        }
    }

    @inline(__always)
    private static func logistic(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    /// ImageMagick's sigmoidal contrast, scaled so 0 and 1 stay put.
    private static func sigmoidal(_ image: RGBImage, beta: Float, midpoint a: Float) -> RGBImage {
        guard beta > 1e-3 else { return image }
        let lo = logistic(-beta * a), hi = logistic(beta * (1 - a))
        func curve(_ v: Float) -> Float { (logistic(beta * (v - a)) - lo) / (hi - lo) }
        return PixelMath.perPixel(image) { r, g, b in (curve(r), curve(g), curve(b)) }
    }

    /// The inverse of `sigmoidal`'s curve: flattens around the midpoint.
    private static func inverseSigmoidal(_ image: RGBImage, beta: Float, midpoint a: Float) -> RGBImage {
        guard beta > 1e-3 else { return image }
        let lo = logistic(-beta * a), hi = logistic(beta * (1 - a))
        func curve(_ v: Float) -> Float {
            let s = min(max(lo + v * (hi - lo), 1e-6), 1 - 1e-6)
            return a + logf(s / (1 - s)) / beta
        }
        return PixelMath.perPixel(image) { r, g, b in (curve(r), curve(g), curve(b)) }
    }

    private static func exposure(_ image: RGBImage, stops: Float) -> RGBImage {
        let gain = powf(2, stops)
        return PixelMath.perPixel(image) { r, g, b in
            (PixelMath.encoded(PixelMath.linear(r) * gain), PixelMath.encoded(PixelMath.linear(g) * gain),
             PixelMath.encoded(PixelMath.linear(b) * gain))
        }
    }

    private static func gamma(_ image: RGBImage, _ exponent: Float) -> RGBImage {
        PixelMath.perPixel(image) { r, g, b in (powf(r, exponent), powf(g, exponent), powf(b, exponent)) }
    }
}
