import Foundation

/// A small deterministic random number generator (SplitMix64), so bootstrap
/// intervals and sampled VLM rounds are reproducible from a seed.
package struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal deviate (Box–Muller).
    package mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A deviate of Student's t distribution with `degrees` (≥ 1) degrees of freedom: a normal
    /// over the root of a mean of `degrees` squared normals.
    package mutating func studentT(degrees: Int) -> Double {
        let z = normal(), degrees = max(degrees, 1)
        var squares = 0.0
        for _ in 0..<degrees {
            let n = normal()
            squares += n * n
        }
        return z / (squares / Double(degrees)).squareRoot()
    }
}
