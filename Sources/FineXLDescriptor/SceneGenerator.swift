import FineXLSupport
import Foundation

/// The procedural "base model": a prompt and a seed give a deterministic outdoor scene —
/// sky gradient with clouds, sun or moon, hilly ground with texture, and a handful of
/// shaded objects. Words of the prompt steer the time of day, the place, the colours and
/// the objects; the seed varies everything else.
package struct SceneGenerator: Sendable {
    package init() {}

    static let times = ["at noon", "at sunset", "at dawn", "at night", "on an overcast day", "in the morning", "at dusk"]
    static let places = ["in a meadow", "in the desert", "in the snow", "on a beach", "by a lake", "in the mountains",
                         "in a city", "in a forest"]
    static let colorWords: [(String, (Float, Float, Float))] = [
        ("red", (0.8, 0.12, 0.1)), ("orange", (0.95, 0.5, 0.1)), ("yellow", (0.95, 0.85, 0.15)),
        ("green", (0.15, 0.6, 0.2)), ("blue", (0.12, 0.3, 0.85)), ("purple", (0.5, 0.2, 0.65)),
        ("pink", (0.95, 0.5, 0.7)), ("white", (0.93, 0.93, 0.9)), ("black", (0.07, 0.07, 0.08)),
        ("brown", (0.45, 0.28, 0.12)), ("teal", (0.1, 0.55, 0.55)),
    ]
    static let objects = ["house", "tree", "ball", "balloon", "car", "tower", "boat", "rock", "tent", "lamp post"]

    /// A prompt drawn from the vocabulary the generator understands.
    package static func prompt(seed: UInt64) -> String {
        var rng = SeededGenerator(seed: seed ^ 0x5CE9E)
        let color = colorWords[Int.random(in: 0..<colorWords.count, using: &rng)].0
        let object = objects[Int.random(in: 0..<objects.count, using: &rng)]
        let place = places[Int.random(in: 0..<places.count, using: &rng)]
        let time = times[Int.random(in: 0..<times.count, using: &rng)]
        let article = color.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return "\(article) \(color) \(object) \(place) \(time)"
    }

    private struct Shape {
        enum Form { case circle, box, triangle, ellipse }
        var form: Form
        var cx, cy, rx, ry: Float
        var color: (Float, Float, Float)
        var textureSeed: UInt64
    }

    package func render(prompt: String, seed: UInt64, width: Int, height: Int) -> RGBImage {
        let words = prompt.lowercased()
        var rng = SeededGenerator(seed: seed &* 0x9E37_79B9 ^ UInt64(truncatingIfNeeded: words.hashValueStable))
        func random(_ a: Float, _ b: Float) -> Float { Float.random(in: a...b, using: &rng) }
        func jitter(_ c: (Float, Float, Float), _ amount: Float) -> (Float, Float, Float) {
            (ImageFilters.clamp01(c.0 + random(-amount, amount)), ImageFilters.clamp01(c.1 + random(-amount, amount)),
             ImageFilters.clamp01(c.2 + random(-amount, amount)))
        }

        // Sky from the time of day.
        var skyTop: (Float, Float, Float) = (0.25, 0.5, 0.9), skyHorizon: (Float, Float, Float) = (0.7, 0.85, 1.0)
        var light: Float = 1, sunColor: (Float, Float, Float) = (1, 0.97, 0.85), showSun = true, moon = false
        if words.contains("sunset") || words.contains("dusk") {
            skyTop = (0.25, 0.2, 0.5); skyHorizon = (1.0, 0.55, 0.3); light = 0.75; sunColor = (1, 0.6, 0.3)
        } else if words.contains("dawn") || words.contains("morning") {
            skyTop = (0.4, 0.55, 0.85); skyHorizon = (1.0, 0.82, 0.65); light = 0.9; sunColor = (1, 0.85, 0.6)
        } else if words.contains("night") {
            skyTop = (0.02, 0.03, 0.1); skyHorizon = (0.1, 0.13, 0.28); light = 0.3; sunColor = (0.9, 0.92, 1); moon = true
        } else if words.contains("overcast") {
            skyTop = (0.58, 0.6, 0.63); skyHorizon = (0.8, 0.8, 0.82); light = 0.8; showSun = false
        }
        skyTop = jitter(skyTop, 0.06)
        skyHorizon = jitter(skyHorizon, 0.06)

        // Ground from the place.
        var ground: (Float, Float, Float) = (0.3, 0.55, 0.2)
        var water = false, farMountains = false, buildings = false
        if words.contains("desert") { ground = (0.85, 0.68, 0.42) }
        else if words.contains("snow") { ground = (0.9, 0.92, 0.96) }
        else if words.contains("beach") { ground = (0.9, 0.8, 0.6); water = true }
        else if words.contains("lake") { water = true }
        else if words.contains("mountain") { ground = (0.35, 0.42, 0.3); farMountains = true }
        else if words.contains("city") { ground = (0.45, 0.45, 0.47); buildings = true }
        else if words.contains("forest") { ground = (0.15, 0.35, 0.15) }
        ground = jitter(ground, 0.07)

        let horizon = random(0.42, 0.68)
        let hillAmplitude = random(0.02, 0.09)
        let hillSeed = rng.next(), cloudSeed = rng.next(), groundSeed = rng.next(), mountainSeed = rng.next()
        let cloudCover = words.contains("overcast") ? random(0.5, 0.8) : random(0.0, 0.45)
        let sunX = random(0.1, 0.9), sunY = random(0.08, horizon - 0.12), sunR = random(0.035, 0.07)
        let groundScale = random(6, 16)

        // Objects: the prompt's colour and object lead, the seed adds others.
        var shapes: [Shape] = []
        let promptColor = Self.colorWords.first { words.contains($0.0) }?.1
        let objectCount = Int.random(in: 3...7, using: &rng)
        for k in 0..<objectCount {
            let depth = random(0, 1)
            let baseY = horizon + 0.03 + depth * (0.97 - horizon)
            let size = (0.05 + 0.16 * depth) * random(0.7, 1.3)
            let form: Shape.Form
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: form = .circle
            case 1: form = .box
            case 2: form = .triangle
            default: form = .ellipse
            }
            var color: (Float, Float, Float)
            if k == 0, let promptColor {
                color = jitter(promptColor, 0.05)
            } else {
                let hue = random(0, 1), sat = random(0.2, 0.9), value = random(0.25, 0.95)
                color = Self.hsv(hue, sat, value)
            }
            let rx = size * random(0.5, 1.1), ry = size * random(0.6, 1.4)
            shapes.append(Shape(form: form, cx: random(0.05, 0.95), cy: baseY - ry, rx: rx, ry: ry, color: color,
                                textureSeed: rng.next()))
        }
        if buildings {
            for _ in 0..<Int.random(in: 3...6, using: &rng) {
                let w = random(0.05, 0.14), h = random(0.1, 0.3)
                shapes.insert(Shape(form: .box, cx: random(0, 1), cy: horizon - h + 0.02, rx: w, ry: h,
                                    color: Self.hsv(random(0, 1), random(0, 0.25), random(0.3, 0.8)),
                                    textureSeed: rng.next()), at: 0)
            }
        }
        shapes.sort { $0.cy + $0.ry < $1.cy + $1.ry }
        let noiseSeed = rng.next()
        let lightSide = sunX < 0.5 ? Float(-1) : 1

        var pixels = [Float](repeating: 0, count: width * height * 3)
        let aspect = Float(width) / Float(height)
        let pixel = 1 / Float(height)
        for y in 0..<height {
            let v = (Float(y) + 0.5) / Float(height)
            for x in 0..<width {
                let u = (Float(x) + 0.5) / Float(height)  // square units, u in 0...aspect
                let ux = u / aspect
                let hill = horizon - hillAmplitude * (0.5 + 0.5 * PixelNoise.fractal(hillSeed, ux * 3, 0.5, octaves: 4))
                var c: (Float, Float, Float)
                if v < hill {
                    let t = min(max(v / max(hill, 0.01), 0), 1)
                    c = Self.mix(skyTop, skyHorizon, t * t)
                    if farMountains {
                        let ridge = hill - 0.12 - 0.1 * PixelNoise.fractal(mountainSeed, ux * 4, 1.7, octaves: 5)
                        let cover = Self.coverage(ridge - v, pixel)
                        c = Self.mix(c, Self.mix((0.35, 0.4, 0.55), skyHorizon, 0.35), cover)
                    }
                    if showSun {
                        let d = ((ux - sunX) * aspect * (ux - sunX) * aspect + (v - sunY) * (v - sunY)).squareRoot()
                        let glow = expf(-max(d - sunR, 0) * 14) * (moon ? 0.15 : 0.45)
                        c = Self.mix(c, sunColor, min(1, glow + Self.coverage(sunR - d, pixel)))
                    }
                    let cloud = PixelNoise.fractal(cloudSeed, u * 4, v * 9, octaves: 5)
                    let cloudAmount = min(max((cloud + 0.35 - 0.9 * (1 - cloudCover)) * 2.5, 0), 0.9)
                    c = Self.mix(c, (light * 0.95, light * 0.95, light * 0.97), cloudAmount * (1 - t * 0.5))
                } else {
                    let depth = (v - hill) / max(1 - hill, 0.01)
                    let n = PixelNoise.fractal(groundSeed, u * groundScale, v * groundScale * 2.5, octaves: 6)
                    let shade = light * (0.7 + 0.35 * depth) * (1 + 0.28 * n)
                    c = (ground.0 * shade, ground.1 * shade, ground.2 * shade)
                    if water && depth < 0.45 {
                        let ripple = PixelNoise.fractal(groundSeed &+ 1, u * 3, v * 40, octaves: 4)
                        let w = Self.mix(skyHorizon, (0.1, 0.25, 0.45), 0.5 + 0.25 * ripple)
                        c = Self.mix(c, (w.0 * light, w.1 * light, w.2 * light), Self.coverage(0.45 - depth, pixel * 2))
                    }
                }
                for shape in shapes {
                    let dx = (u - shape.cx * aspect) / shape.rx, dy = (v - shape.cy) / shape.ry
                    let d: Float
                    switch shape.form {
                    case .circle, .ellipse: d = ((dx * dx + dy * dy).squareRoot() - 1) * min(shape.rx, shape.ry)
                    case .box: d = (max(abs(dx), abs(dy)) - 1) * min(shape.rx, shape.ry)
                    case .triangle: d = max(dy - 1, (abs(dx) * 2 - 1 - dy) * 0.45) * min(shape.rx, shape.ry)
                    }
                    let cover = Self.coverage(-d, pixel)
                    if cover > 0 {
                        let shading = light * (0.75 + 0.25 * lightSide * dx - 0.1 * dy)
                        let texture = 1 + 0.08 * PixelNoise.fractal(shape.textureSeed, u * 30, v * 30, octaves: 3)
                        let s = shading * texture
                        c = Self.mix(c, (shape.color.0 * s, shape.color.1 * s, shape.color.2 * s), cover)
                    }
                }
                let i = (y * width + x) * 3
                // A little sensor noise, as every photograph has.
                pixels[i] = ImageFilters.clamp01(c.0 + 0.006 * PixelNoise.gaussian(noiseSeed, x, y, 0))
                pixels[i + 1] = ImageFilters.clamp01(c.1 + 0.006 * PixelNoise.gaussian(noiseSeed, x, y, 1))
                pixels[i + 2] = ImageFilters.clamp01(c.2 + 0.006 * PixelNoise.gaussian(noiseSeed, x, y, 2))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @inline(__always)
    static func coverage(_ signedInside: Float, _ pixel: Float) -> Float {
        min(max(0.5 + signedInside / pixel, 0), 1)
    }

    @inline(__always)
    static func mix(_ a: (Float, Float, Float), _ b: (Float, Float, Float), _ t: Float) -> (Float, Float, Float) {
        (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, a.2 + (b.2 - a.2) * t)
    }

    static func hsv(_ h: Float, _ s: Float, _ v: Float) -> (Float, Float, Float) {
        let k = { (n: Float) -> Float in
            let m = (n + h * 6).truncatingRemainder(dividingBy: 6)
            return v - v * s * max(0, min(m, 4 - m, 1))
        }
        return (k(5), k(3), k(1))
    }
}

extension String {
    /// A hash that does not change between runs (Swift's `hashValue` is randomly seeded).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01B3
        }
        return h
    }
}
