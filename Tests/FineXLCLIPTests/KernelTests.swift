@testable import FineXLCLIP
import Foundation
import XCTest

/// The vectorized kernels against plain double-precision loops, at sizes the
/// fixture models do not reach (ViT-B heads are 64 wide).
final class KernelTests: XCTestCase {
    private func randomValues(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed | 1
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2000) / 1000 - 1
        }
    }

    private func naiveAttention(q: [Float], k: [Float], v: [Float], sequences: Int, tokens: Int,
                                heads: Int, d: Int, causal: Bool) -> [Float] {
        let width = heads * d
        var out = [Float](repeating: 0, count: sequences * tokens * width)
        for s in 0..<sequences {
            for h in 0..<heads {
                for i in 0..<tokens {
                    let visible = causal ? i + 1 : tokens
                    var scores = [Double](repeating: 0, count: visible)
                    for j in 0..<visible {
                        for c in 0..<d {
                            scores[j] += Double(q[(s * tokens + i) * width + h * d + c]) * Double(k[(s * tokens + j) * width + h * d + c])
                        }
                    }
                    let maximum = scores.max()!
                    let weights = scores.map { Foundation.exp($0 - maximum) }
                    let total = weights.reduce(0, +)
                    for c in 0..<d {
                        var sum = 0.0
                        for j in 0..<visible { sum += weights[j] / total * Double(v[(s * tokens + j) * width + h * d + c]) }
                        out[(s * tokens + i) * width + h * d + c] = Float(sum)
                    }
                }
            }
        }
        return out
    }

    func testAttentionMatchesPlainLoops() {
        for (d, tokens, causal) in [(64, 50, false), (40, 13, true), (37, 9, false), (8, 17, true)] {
            let (sequences, heads) = (2, 3)
            let count = sequences * tokens * heads * d
            let q = randomValues(count, seed: 1), k = randomValues(count, seed: 2), v = randomValues(count, seed: 3)
            var out = [Float](repeating: .nan, count: count)
            q.withUnsafeBufferPointer { q in
                k.withUnsafeBufferPointer { k in
                    v.withUnsafeBufferPointer { v in
                        out.withUnsafeMutableBufferPointer { out in
                            Kernels.attention(q: q.baseAddress!, k: k.baseAddress!, v: v.baseAddress!,
                                              output: out.baseAddress!, sequences: sequences, tokens: tokens,
                                              heads: heads, headDimension: d, causal: causal)
                        }
                    }
                }
            }
            let expected = naiveAttention(q: q, k: k, v: v, sequences: sequences, tokens: tokens,
                                          heads: heads, d: d, causal: causal)
            XCTAssertLessThanOrEqual(maxAbsDifference(out, expected), 1e-5, "d \(d), \(tokens) tokens, causal \(causal)")
        }
    }

    func testVectorExpIsAccurateAcrossTheRange() {
        var worst: Double = 0
        var x: Float = -87
        while x < 88 {
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0137 })
            let result = Kernels.exp(lanes)
            for lane in 0..<8 {
                let exact = Foundation.exp(Double(lanes[lane]))
                worst = max(worst, abs(Double(result[lane]) - exact) / exact)
            }
            x += 0.173
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(Kernels.exp(SIMD8(repeating: -200))[0], Float(Foundation.exp(-87.33654)), accuracy: 1e-40)
        XCTAssertTrue(Kernels.exp(SIMD8(repeating: 200))[0].isFinite)
    }

    func testQuickGELUAndGELUMatchTheirDefinitions() {
        let inputs = randomValues(37, seed: 9).map { $0 * 6 }
        let bias = [Float](repeating: 0.25, count: 37)
        for activation in [CLIPConfig.Activation.quickGELU, .gelu] {
            var values = inputs
            values.withUnsafeMutableBufferPointer { values in
                bias.withUnsafeBufferPointer { bias in
                    Kernels.addBias(values.baseAddress!, rows: 1, width: 37, bias: bias.baseAddress!, activation: activation)
                }
            }
            for (x0, y) in zip(inputs, values) {
                let x = Double(x0) + 0.25
                let expected = activation == .quickGELU ? x / (1 + Foundation.exp(-1.702 * x)) : 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
                XCTAssertEqual(Double(y), expected, accuracy: 1e-5)
            }
        }
    }
}
