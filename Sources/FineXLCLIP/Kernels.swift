import Dispatch
import FineXLCore
import FineXLSupport
import Foundation

/// The element-wise and row-wise steps between matrix products, vectorized
/// with 8-wide SIMD and spread over the cores by rows.
enum Kernels {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// e^x to about 2 ulp (Cephes' expf polynomial on x − n·ln 2). Rounding
    /// and 2^n use the 1.5·2²³ trick: Swift's generic SIMD float→int
    /// conversion and `rounded` fall back to per-lane library calls.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let low = SIMD8<Float>(repeating: -87.33654)
        let high = SIMD8<Float>(repeating: 88.37626)
        var x = x.replacing(with: low, where: x .< low)
        x = x.replacing(with: high, where: x .> high)
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x * 1.44269504088896341 + magic
        let n = shifted - magic
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        // The low mantissa bits of `shifted` hold n; n + 127 stays in 1...254 after the clamp.
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &+ (127 - 0x4B40_0000)
        return p * unsafeBitCast(bits &<< 23, to: SIMD8<Float>.self)
    }

    /// Layer normalization of each `width`-long row of `source` into `destination`
    /// (which may be `source`).
    static func layerNorm(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>,
                          rows: Int, width: Int, sourceStride: Int? = nil,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        let stride = sourceStride ?? width
        Parallel.slices(rows, minimumPerTask: 16) { range in
            for row in range {
                let x = source + row * stride
                let y = destination + row * width
                var sum: Float = 0
                var i = 0
                var acc = SIMD8<Float>()
                while i + 8 <= width { acc += load(x + i); i += 8 }
                sum = acc.sum()
                while i < width { sum += x[i]; i += 1 }
                let mean = sum / Float(width)
                let vm = SIMD8<Float>(repeating: mean)
                var accSq = SIMD8<Float>()
                i = 0
                while i + 8 <= width { let d = load(x + i) - vm; accSq += d * d; i += 8 }
                var squares = accSq.sum()
                while i < width { let d = x[i] - mean; squares += d * d; i += 1 }
                let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
                let vi = SIMD8<Float>(repeating: inverse)
                i = 0
                while i + 8 <= width {
                    store((load(x + i) - vm) * vi * load(gamma + i) + load(beta + i), y + i)
                    i += 8
                }
                while i < width {
                    y[i] = (x[i] - mean) * inverse * gamma[i] + beta[i]
                    i += 1
                }
            }
        }
    }

    /// Adds `bias` to every row and applies `activation` when given.
    static func addBias(_ matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                        bias: UnsafePointer<Float>, activation: CLIPConfig.Activation? = nil) {
        Parallel.slices(rows, minimumPerTask: 8) { range in
            for row in range {
                let y = matrix + row * width
                var i = 0
                switch activation {
                case nil:
                    while i + 8 <= width { store(load(y + i) + load(bias + i), y + i); i += 8 }
                    while i < width { y[i] += bias[i]; i += 1 }
                case .quickGELU:
                    // x·σ(1.702x)
                    let one = SIMD8<Float>(repeating: 1)
                    while i + 8 <= width {
                        let v = load(y + i) + load(bias + i)
                        store(v / (one + exp(v * -1.702)), y + i)
                        i += 8
                    }
                    while i < width {
                        let v = y[i] + bias[i]
                        y[i] = v / (1 + Foundation.exp(-1.702 * v))
                        i += 1
                    }
                case .gelu:
                    while i < width {
                        let v = y[i] + bias[i]
                        y[i] = 0.5 * v * (1 + erf(v * 0.70710678118654752))
                        i += 1
                    }
                }
            }
        }
    }

    /// softmax(q·kᵀ)·v for every (sequence, head): q already carries the
    /// 1/√d scale; `causal` lets token i see tokens 0...i only. Each job copies
    /// its head's keys transposed and zero-padded to a multiple of 8, then keeps
    /// its sums in registers: scores for 4 queries × 8 keys at a time, outputs
    /// 32 columns at a time.
    static func attention(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                          output: UnsafeMutablePointer<Float>, sequences: Int, tokens: Int,
                          heads: Int, headDimension d: Int, causal: Bool) {
        let width = heads * d
        let jobs = sequences * heads
        let padded = (tokens + 7) / 8 * 8
        Parallel.slices(jobs) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: d * padded + 4 * padded) { buffer in
                let keysT = buffer.baseAddress!
                let scores = keysT + d * padded
                keysT.update(repeating: 0, count: d * padded)
                for job in range {
                    let sequence = job / heads
                    let head = job % heads
                    let base = sequence * tokens * width + head * d
                    for j in 0..<tokens {
                        let kj = k + base + j * width
                        for c in 0..<d { keysT[c * padded + j] = kj[c] }
                    }
                    var i0 = 0
                    while i0 < tokens {
                        let rows = min(4, tokens - i0)
                        let q0 = q + base + i0 * width
                        let q1 = q + base + min(i0 + 1, tokens - 1) * width
                        let q2 = q + base + min(i0 + 2, tokens - 1) * width
                        let q3 = q + base + min(i0 + 3, tokens - 1) * width
                        let reach = causal ? i0 + rows : tokens
                        var block = 0
                        while block < reach {
                            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                            let column = keysT + block
                            for c in 0..<d {
                                let kv = load(column + c * padded)
                                a0 += kv * q0[c]
                                a1 += kv * q1[c]
                                a2 += kv * q2[c]
                                a3 += kv * q3[c]
                            }
                            store(a0, scores + block)
                            store(a1, scores + padded + block)
                            store(a2, scores + 2 * padded + block)
                            store(a3, scores + 3 * padded + block)
                            block += 8
                        }
                        for r in 0..<rows {
                            let i = i0 + r
                            softmaxAndMix(scores + r * padded, visible: causal ? i + 1 : tokens,
                                          values: v + base, stride: width, d: d, into: output + base + i * width)
                        }
                        i0 += rows
                    }
                }
            }
        }
    }

    /// Turns one row of scores into probabilities and writes Σ_j p_j·v_j.
    @inline(__always)
    private static func softmaxAndMix(_ s: UnsafeMutablePointer<Float>, visible: Int, values: UnsafePointer<Float>,
                                      stride: Int, d: Int, into out: UnsafeMutablePointer<Float>) {
        var maximum = -Float.infinity
        for j in 0..<visible { maximum = max(maximum, s[j]) }
        var total: Float = 0
        var j = 0
        let vmax = SIMD8<Float>(repeating: maximum)
        var sums = SIMD8<Float>()
        while j + 8 <= visible {
            let e = exp(load(s + j) - vmax)
            store(e, s + j)
            sums += e
            j += 8
        }
        total = sums.sum()
        while j < visible {
            let e = Foundation.exp(s[j] - maximum)
            s[j] = e
            total += e
            j += 1
        }
        let inverse = 1 / total
        var c = 0
        while c + 32 <= d {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            for j in 0..<visible {
                let row = values + j * stride + c
                let p = s[j]
                a0 += load(row) * p
                a1 += load(row + 8) * p
                a2 += load(row + 16) * p
                a3 += load(row + 24) * p
            }
            store(a0 * inverse, out + c)
            store(a1 * inverse, out + c + 8)
            store(a2 * inverse, out + c + 16)
            store(a3 * inverse, out + c + 24)
            c += 32
        }
        while c + 8 <= d {
            var a0 = SIMD8<Float>()
            for j in 0..<visible { a0 += load(values + j * stride + c) * s[j] }
            store(a0 * inverse, out + c)
            c += 8
        }
        while c < d {
            var a: Float = 0
            for j in 0..<visible { a += values[j * stride + c] * s[j] }
            out[c] = a * inverse
            c += 1
        }
    }

    /// Scales each row to unit length.
    static func normalizeRows(_ rows: [[Float]]) -> [[Float]] {
        rows.map { row in
            var squares: Float = 0
            for x in row { squares += x * x }
            let norm = squares.squareRoot()
            return norm > 0 ? row.map { $0 / norm } : row
        }
    }
}
