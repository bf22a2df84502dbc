import FineXLSupport
import Foundation

/// The pixel operations the aspects and generators share: colour transfer functions,
/// separable and disk blurs. Internal; every function returns a new image.
package enum ImageFilters {
    @inline(__always)
    static func toLinear(_ v: Float) -> Float {
        v <= 0.04045 ? v / 12.92 : powf((v + 0.055) / 1.055, 2.4)
    }

    @inline(__always)
    static func toSRGB(_ v: Float) -> Float {
        let c = min(max(v, 0), 1)
        return c <= 0.0031308 ? 12.92 * c : 1.055 * powf(c, 1 / 2.4) - 0.055
    }

    @inline(__always)
    static func clamp01(_ v: Float) -> Float { min(max(v, 0), 1) }

    /// Rec. 709 weights applied to the sRGB-encoded values (luma, as video does).
    @inline(__always)
    static func luma(_ r: Float, _ g: Float, _ b: Float) -> Float {
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// Applies `transform` to every pixel's (r, g, b).
    static func mapPixels(_ image: RGBImage, _ transform: (Float, Float, Float) -> (Float, Float, Float)) -> RGBImage {
        var out = image.pixels
        out.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i < p.count {
                let (r, g, b) = transform(p[i], p[i + 1], p[i + 2])
                p[i] = clamp01(r)
                p[i + 1] = clamp01(g)
                p[i + 2] = clamp01(b)
                i += 3
            }
        }
        return RGBImage(width: image.width, height: image.height, pixels: out)
    }

    /// Like `mapPixels`, with the pixel coordinates.
    static func mapPixelsAt(_ image: RGBImage,
                            _ transform: (Int, Int, Float, Float, Float) -> (Float, Float, Float)) -> RGBImage {
        var out = image.pixels
        let w = image.width
        out.withUnsafeMutableBufferPointer { p in
            for y in 0..<image.height {
                for x in 0..<w {
                    let i = (y * w + x) * 3
                    let (r, g, b) = transform(x, y, p[i], p[i + 1], p[i + 2])
                    p[i] = clamp01(r)
                    p[i + 1] = clamp01(g)
                    p[i + 2] = clamp01(b)
                }
            }
        }
        return RGBImage(width: image.width, height: image.height, pixels: out)
    }

    /// Separable convolution with a symmetric 1-D kernel (`kernel[0]` is the centre tap),
    /// borders mirrored.
    static func separable(_ image: RGBImage, kernel: [Float]) -> RGBImage {
        let w = image.width, h = image.height, radius = kernel.count - 1
        guard radius > 0 else { return image }
        var temp = [Float](repeating: 0, count: image.pixels.count)
        var out = temp
        @inline(__always) func mirror(_ i: Int, _ n: Int) -> Int {
            var j = i
            if n == 1 { return 0 }
            while j < 0 || j >= n { j = j < 0 ? -j : 2 * n - 2 - j }
            return j
        }
        image.pixels.withUnsafeBufferPointer { src in
            temp.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let row = y * w
                    for x in 0..<w {
                        var r = kernel[0] * src[(row + x) * 3]
                        var g = kernel[0] * src[(row + x) * 3 + 1]
                        var b = kernel[0] * src[(row + x) * 3 + 2]
                        for k in 1...radius {
                            let a = (row + mirror(x - k, w)) * 3, c = (row + mirror(x + k, w)) * 3
                            r += kernel[k] * (src[a] + src[c])
                            g += kernel[k] * (src[a + 1] + src[c + 1])
                            b += kernel[k] * (src[a + 2] + src[c + 2])
                        }
                        dst[(row + x) * 3] = r
                        dst[(row + x) * 3 + 1] = g
                        dst[(row + x) * 3 + 2] = b
                    }
                }
            }
        }
        temp.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        let i = (y * w + x) * 3
                        var r = kernel[0] * src[i], g = kernel[0] * src[i + 1], b = kernel[0] * src[i + 2]
                        for k in 1...radius {
                            let a = (mirror(y - k, h) * w + x) * 3, c = (mirror(y + k, h) * w + x) * 3
                            r += kernel[k] * (src[a] + src[c])
                            g += kernel[k] * (src[a + 1] + src[c + 1])
                            b += kernel[k] * (src[a + 2] + src[c + 2])
                        }
                        dst[i] = r
                        dst[i + 1] = g
                        dst[i + 2] = b
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    /// Half of a normalized Gaussian kernel of standard deviation `sigma` pixels.
    static func gaussianKernel(sigma: Float) -> [Float] {
        guard sigma > 0.05 else { return [1] }
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var k = (0...radius).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = k[0] + 2 * k[1...].reduce(0, +)
        for i in k.indices { k[i] /= total }
        return k
    }

    static func gaussianBlur(_ image: RGBImage, sigma: Float) -> RGBImage {
        separable(image, kernel: gaussianKernel(sigma: sigma))
    }

    /// Convolution with a uniform disk (a defocused lens' pillbox) of `radius` pixels,
    /// edge taps weighted by their covered area so small radii still vary smoothly.
    static func diskBlur(_ image: RGBImage, radius: Float) -> RGBImage {
        guard radius > 0.3 else { return image }
        let reach = Int(radius.rounded(.up))
        var taps: [(dx: Int, dy: Int, w: Float)] = []
        for dy in -reach...reach {
            for dx in -reach...reach {
                // Coverage of the pixel square by the disk, approximated on a 4×4 subgrid.
                var covered = 0
                for sy in 0..<4 {
                    for sx in 0..<4 {
                        let px = Float(dx) - 0.375 + Float(sx) * 0.25
                        let py = Float(dy) - 0.375 + Float(sy) * 0.25
                        if px * px + py * py <= radius * radius { covered += 1 }
                    }
                }
                if covered > 0 { taps.append((dx, dy, Float(covered))) }
            }
        }
        let total = taps.reduce(0) { $0 + $1.w }
        taps = taps.map { ($0.dx, $0.dy, $0.w / total) }
        let w = image.width, h = image.height
        var out = [Float](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        var r: Float = 0, g: Float = 0, b: Float = 0
                        for t in taps {
                            let sx = min(max(x + t.dx, 0), w - 1), sy = min(max(y + t.dy, 0), h - 1)
                            let j = (sy * w + sx) * 3
                            r += t.w * src[j]
                            g += t.w * src[j + 1]
                            b += t.w * src[j + 2]
                        }
                        let i = (y * w + x) * 3
                        dst[i] = r
                        dst[i + 1] = g
                        dst[i + 2] = b
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    /// Rounds every value to 8 bits, as writing a PNG and reading it back does.
    package static func quantized8(_ image: RGBImage) -> RGBImage {
        RGBImage(width: image.width, height: image.height,
                 pixels: image.pixels.map { (clamp01($0) * 255).rounded() / 255 })
    }
}
