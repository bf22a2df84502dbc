import FineXLCore
import FineXLSupport
import Foundation

/// A photographic-looking base set without scenes: two materials with natural-image
/// statistics (fractal noise with a 1/f amplitude spectrum, coloured, some anisotropic),
/// separated by crisp irregular edges and lit by a soft gradient.
package struct TextureGenerator: Sendable {
    package init() {}

    static let materials = ["bark", "stone", "sand", "moss", "rust", "marble", "cloth", "clay", "lichen", "slate"]

    /// A short description of the texture the seed gives (the "prompt" of a texture pair).
    package static func prompt(seed: UInt64) -> String {
        var rng = SeededGenerator(seed: seed ^ 0x7E47)
        let a = materials[Int.random(in: 0..<materials.count, using: &rng)]
        var b = materials[Int.random(in: 0..<materials.count, using: &rng)]
        if b == a { b = materials[(materials.firstIndex(of: a)! + 3) % materials.count] }
        return "\(a) texture meeting \(b)"
    }

    private struct Material {
        var color: (Float, Float, Float)
        var accent: (Float, Float, Float)
        var scale: Float
        var stretch: Float
        var persistence: Float
        var contrast: Float
        var seed: UInt64
    }

    package func render(prompt: String, seed: UInt64, width: Int, height: Int) -> RGBImage {
        var rng = SeededGenerator(seed: seed &* 0xD1B5_4A32_D192_ED03 ^ prompt.hashValueStable)
        func random(_ a: Float, _ b: Float) -> Float { Float.random(in: a...b, using: &rng) }
        func material() -> Material {
            let hue = random(0, 1)
            let color = SceneGenerator.hsv(hue, random(0.1, 0.75), random(0.3, 0.9))
            let accent = SceneGenerator.hsv((hue + random(-0.12, 0.12) + 1).truncatingRemainder(dividingBy: 1),
                                            random(0.1, 0.8), random(0.2, 0.95))
            return Material(color: color, accent: accent, scale: random(3, 14), stretch: random(1, 4),
                            persistence: random(0.45, 0.62), contrast: random(0.25, 0.6), seed: rng.next())
        }
        let a = material(), b = material()
        let maskSeed = rng.next(), lightAngle = random(0, 2 * Float.pi), lightStrength = random(0, 0.3)
        let maskScale = random(1.5, 4), threshold = random(-0.2, 0.2)
        let octaves = max(3, Int(log2(Float(min(width, height)) / 4)))
        let noiseSeed = rng.next()
        var pixels = [Float](repeating: 0, count: width * height * 3)
        let size = Float(min(width, height))
        let lx = cosf(lightAngle), ly = sinf(lightAngle)
        for y in 0..<height {
            let v = Float(y) / size
            for x in 0..<width {
                let u = Float(x) / size
                let m = PixelNoise.fractal(maskSeed, u * maskScale, v * maskScale, octaves: octaves) - threshold
                let t = min(max(0.5 + m * size * 0.5, 0), 1)  // about one pixel wide edge
                func shade(_ mat: Material) -> (Float, Float, Float) {
                    let n = PixelNoise.fractal(mat.seed, u * mat.scale * mat.stretch, v * mat.scale, octaves: octaves,
                                               persistence: mat.persistence)
                    let k = PixelNoise.fractal(mat.seed &+ 99, u * mat.scale * 0.5, v * mat.scale * 0.5, octaves: 3)
                    let base = SceneGenerator.mix(mat.color, mat.accent, min(max(0.5 + k, 0), 1))
                    let s = 1 + mat.contrast * 1.6 * n
                    return (base.0 * s, base.1 * s, base.2 * s)
                }
                let ca = shade(a), cb = shade(b)
                let c = SceneGenerator.mix(ca, cb, t)
                let light = 1 + lightStrength * ((u - 0.5) * lx + (v - 0.5) * ly) * 2
                let i = (y * width + x) * 3
                pixels[i] = ImageFilters.clamp01(c.0 * light + 0.006 * PixelNoise.gaussian(noiseSeed, x, y, 0))
                pixels[i + 1] = ImageFilters.clamp01(c.1 * light + 0.006 * PixelNoise.gaussian(noiseSeed, x, y, 1))
                pixels[i + 2] = ImageFilters.clamp01(c.2 * light + 0.006 * PixelNoise.gaussian(noiseSeed, x, y, 2))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
