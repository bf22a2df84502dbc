import Foundation

/// Deterministic randomness for the procedural images and the grain aspects.
///
/// A counter-based hash (not a stateful generator) so every pixel's value depends
/// only on (seed, coordinates): images render identically in any order and on any
/// number of threads.
enum PixelNoise {
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func hash(_ seed: UInt64, _ a: Int, _ b: Int, _ c: Int = 0) -> UInt64 {
        mix(seed ^ mix(UInt64(bitPattern: Int64(a)) &* 0x1000_0000_01B3 ^ mix(UInt64(bitPattern: Int64(b)) ^ UInt64(bitPattern: Int64(c)) &* 0x5851_F42D_4C95_7F2D)))
    }

    /// Uniform in [0, 1).
    @inline(__always)
    static func uniform(_ seed: UInt64, _ a: Int, _ b: Int, _ c: Int = 0) -> Float {
        Float(hash(seed, a, b, c) >> 40) * (1.0 / 16_777_216.0)
    }

    /// Standard normal, from two hashed uniforms (Box–Muller).
    @inline(__always)
    static func gaussian(_ seed: UInt64, _ a: Int, _ b: Int, _ c: Int = 0) -> Float {
        let h = hash(seed, a, b, c)
        let u1 = (Float(h >> 40) + 0.5) * (1.0 / 16_777_216.0)
        let u2 = Float((h >> 16) & 0xFF_FFFF) * (1.0 / 16_777_216.0)
        return (-2 * logf(u1)).squareRoot() * cosf(2 * Float.pi * u2)
    }

    /// Smooth lattice value noise in about [-1, 1], continuous in (x, y).
    static func value(_ seed: UInt64, _ x: Float, _ y: Float) -> Float {
        let x0 = x.rounded(.down), y0 = y.rounded(.down)
        let ix = Int(x0), iy = Int(y0)
        let fx = x - x0, fy = y - y0
        let sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy)
        let v00 = uniform(seed, ix, iy), v10 = uniform(seed, ix + 1, iy)
        let v01 = uniform(seed, ix, iy + 1), v11 = uniform(seed, ix + 1, iy + 1)
        let top = v00 + (v10 - v00) * sx
        let bottom = v01 + (v11 - v01) * sx
        return 2 * (top + (bottom - top) * sy) - 1
    }

    /// Fractal (1/f-like) noise: octaves whose amplitude falls by `persistence` per doubling
    /// of frequency; persistence 0.5 gives the 1/f² power spectrum of natural images.
    static func fractal(_ seed: UInt64, _ x: Float, _ y: Float, octaves: Int, persistence: Float = 0.5) -> Float {
        var sum: Float = 0, amplitude: Float = 1, frequency: Float = 1, norm: Float = 0
        for octave in 0..<octaves {
            sum += amplitude * value(seed &+ UInt64(octave) &* 7919, x * frequency + Float(octave) * 17.3, y * frequency)
            norm += amplitude
            amplitude *= persistence
            frequency *= 2
        }
        return sum / norm
    }
}

