import FineXLCore
import Foundation

/// Colour casts, saturation, black and white and sepia, each at least twice, from different
/// families: gains on sRGB values against shifts or scales in CIE Lab or HSV.
enum ColorEdits {
    static var all: [PhotoEdit] {
        [
            PhotoEdit("warm tones", "channel gains", set: 1,
                      "sRGB R ×(1 + 0.15t), G ×(1 + 0.04t), B ×(1 − 0.18t) (a photo-filter or colour-balance cast)") { image, t, _ in
                PixelMath.perPixel(image) { r, g, b in (r * (1 + 0.15 * t), g * (1 + 0.04 * t), b * (1 - 0.18 * t)) }
            },
            PhotoEdit("warm tones", "Lab b* shift", set: 2,
                      "CIE Lab b* + 22t, a* + 4t (a temperature slider working in Lab)") { image, t, _ in
                shiftLab(image, da: 4 * t, db: 22 * t)
            },
            PhotoEdit("warm tones", "linear white balance", set: 3,
                      "linear-light R ×(1 + 0.3t), B ÷(1 + 0.35t), von Kries-style white balance toward a lower colour temperature") { image, t, _ in
                linearGains(image, r: 1 + 0.3 * t, g: 1, b: 1 / (1 + 0.35 * t))
            },
            PhotoEdit("cool tones", "channel gains", set: 1,
                      "sRGB R ×(1 − 0.15t), G ×(1 + 0.02t), B ×(1 + 0.18t)") { image, t, _ in
                PixelMath.perPixel(image) { r, g, b in (r * (1 - 0.15 * t), g * (1 + 0.02 * t), b * (1 + 0.18 * t)) }
            },
            PhotoEdit("cool tones", "Lab b* shift", set: 2, "CIE Lab b* − 22t, a* − 2t") { image, t, _ in
                shiftLab(image, da: -2 * t, db: -22 * t)
            },
            PhotoEdit("cool tones", "linear white balance", set: 3,
                      "linear-light R ÷(1 + 0.3t), B ×(1 + 0.35t), toward a higher colour temperature") { image, t, _ in
                linearGains(image, r: 1 / (1 + 0.3 * t), g: 1, b: 1 + 0.35 * t)
            },
            PhotoEdit("vivid colors", "Pillow Color enhance", set: 1,
                      "PIL ImageEnhance.Color factor 1 + 0.9t: away from the BT.601 grey") { image, t, _ in
                scaleFromLuma(image, factor: 1 + 0.9 * t)
            },
            PhotoEdit("vivid colors", "Lab chroma", set: 2, "CIE Lab a*, b* ×(1 + 0.8t), lightness kept") { image, t, _ in
                scaleChroma(image, factor: 1 + 0.8 * t)
            },
            PhotoEdit("vivid colors", "HSV saturation", set: 3, "HSV S ×(1 + 0.9t), clipped at 1") { image, t, _ in
                scaleHSVSaturation(image, factor: 1 + 0.9 * t)
            },
            PhotoEdit("muted colors", "HSV saturation", set: 1, "HSV S ×(1 − 0.75t) (GIMP Hue-Saturation)") { image, t, _ in
                scaleHSVSaturation(image, factor: 1 - 0.75 * t)
            },
            PhotoEdit("muted colors", "Lab chroma", set: 2, "CIE Lab a*, b* ×(1 − 0.7t) (a Lightroom saturation slider)") { image, t, _ in
                scaleChroma(image, factor: 1 - 0.7 * t)
            },
            PhotoEdit("muted colors", "Pillow Color enhance", set: 3, "PIL ImageEnhance.Color factor 1 − 0.75t") { image, t, _ in
                scaleFromLuma(image, factor: 1 - 0.75 * t)
            },
            PhotoEdit("black and white", "BT.601 luma", set: 1,
                      "PIL convert(\"L\") grey (0.299 R + 0.587 G + 0.114 B), mixed in at t (1 = fully grey)") { image, t, _ in
                PixelMath.mix(image, PixelMath.perPixel(image) { r, g, b in
                    let y = PixelMath.luma601(r, g, b)
                    return (y, y, y)
                }, t)
            },
            PhotoEdit("black and white", "Lab lightness", set: 2,
                      "grey of the same CIE L*, mixed in linear light at t (1 = fully grey)") { image, t, _ in
                PixelMath.perPixel(image) { r, g, b in
                    let grey = PixelMath.linear(PixelMath.rgb(l: PixelMath.lab(r, g, b).l, a: 0, b: 0).0)
                    return (PixelMath.encoded(PixelMath.linear(r) + t * (grey - PixelMath.linear(r))),
                            PixelMath.encoded(PixelMath.linear(g) + t * (grey - PixelMath.linear(g))),
                            PixelMath.encoded(PixelMath.linear(b) + t * (grey - PixelMath.linear(b))))
                }
            },
            PhotoEdit("sepia", "sepia matrix", set: 1,
                      "the classic sepia matrix (0.393 0.769 0.189 / 0.349 0.686 0.168 / 0.272 0.534 0.131), mixed in at t") { image, t, _ in
                PixelMath.mix(image, PixelMath.perPixel(image) { r, g, b in
                    (0.393 * r + 0.769 * g + 0.189 * b, 0.349 * r + 0.686 * g + 0.168 * b, 0.272 * r + 0.534 * g + 0.131 * b)
                }, t)
            },
            PhotoEdit("sepia", "duotone gradient map", set: 2,
                      "BT.601 luma mapped through dark brown → tan → cream (a gradient map), mixed in at t") { image, t, _ in
                PixelMath.mix(image, PixelMath.perPixel(image) { r, g, b in duotone(PixelMath.luma601(r, g, b)) }, t)
            },
        ]
    }

    private static func shiftLab(_ image: RGBImage, da: Float, db: Float) -> RGBImage {
        PixelMath.perPixel(image) { r, g, b in
            let lab = PixelMath.lab(r, g, b)
            return PixelMath.rgb(l: lab.l, a: lab.a + da, b: lab.b + db)
        }
    }

    private static func linearGains(_ image: RGBImage, r gr: Float, g gg: Float, b gb: Float) -> RGBImage {
        PixelMath.perPixel(image) { r, g, b in
            (PixelMath.encoded(PixelMath.linear(r) * gr), PixelMath.encoded(PixelMath.linear(g) * gg),
             PixelMath.encoded(PixelMath.linear(b) * gb))
        }
    }

    private static func scaleChroma(_ image: RGBImage, factor: Float) -> RGBImage {
        PixelMath.perPixel(image) { r, g, b in
            let lab = PixelMath.lab(r, g, b)
            return PixelMath.rgb(l: lab.l, a: lab.a * factor, b: lab.b * factor)
        }
    }

    private static func scaleFromLuma(_ image: RGBImage, factor: Float) -> RGBImage {
        PixelMath.perPixel(image) { r, g, b in
            let y = PixelMath.luma601(r, g, b)
            return (y + factor * (r - y), y + factor * (g - y), y + factor * (b - y))
        }
    }

    private static func scaleHSVSaturation(_ image: RGBImage, factor: Float) -> RGBImage {
        PixelMath.perPixel(image) { r, g, b in
            let hsv = PixelMath.hsv(r, g, b)
            return PixelMath.rgb(h: hsv.h, s: min(hsv.s * factor, 1), v: hsv.v)
        }
    }

    /// Piecewise-linear gradient map: black → dark brown → tan → cream → white-ish.
    private static func duotone(_ y: Float) -> (Float, Float, Float) {
        let stops: [(Float, (Float, Float, Float))] = [
            (0, (0.08, 0.04, 0.02)), (0.3, (0.36, 0.23, 0.13)), (0.65, (0.74, 0.58, 0.40)), (1, (1.0, 0.95, 0.84)),
        ]
        let v = PixelMath.clamp(y)
        for k in 1..<stops.count where v <= stops[k].0 {
            let (x0, c0) = stops[k - 1], (x1, c1) = stops[k]
            let f = (v - x0) / (x1 - x0)
            return (c0.0 + f * (c1.0 - c0.0), c0.1 + f * (c1.1 - c0.1), c0.2 + f * (c1.2 - c0.2))
        }
        return stops[stops.count - 1].1
    }
}
