import Dispatch
import Foundation

/// The element-wise and row-wise steps between matrix products, vectorized
/// with 8-wide SIMD and spread over the cores by rows.
enum Kernels {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` on contiguous slices of `0..<count`, one slice per core.
    static func parallelFor(_ count: Int, minimumPerTask: Int = 1, _ body: (Range<Int>) -> Void) {
        let tasks = max(1, min(cores, count / max(1, minimumPerTask)))
        if tasks == 1 {
            body(0..<count)
            return
        }
        // Each task writes a disjoint slice of rows, so sharing `body` is safe.
        withoutActuallyEscaping(body) { body in
            let shared = SharedBody(run: body)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let begin = count * task / tasks
                let end = count * (task + 1) / tasks
                if begin < end { shared.run(begin..<end) }
            }
        }
    }

    private struct SharedBody: @unchecked Sendable {
        let run: (Range<Int>) -> Void
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            acc0 += load(a + i) * load(b + i)
            acc1 += load(a + i + 8) * load(b + i + 8)
            i += 16
        }
        if i + 8 <= n {
            acc0 += load(a + i) * load(b + i)
            i += 8
        }
        var sum = (acc0 + acc1).sum()
        while i < n {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// y += s·x
    @inline(__always)
    static func axpy(_ s: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let vs = SIMD8<Float>(repeating: s)
        var i = 0
        while i + 8 <= n {
            store(load(y + i) + vs * load(x + i), y + i)
            i += 8
        }
        while i < n {
            y[i] += s * x[i]
            i += 1
        }
    }

    /// e^x to about 2 ulp (Cephes' expf polynomial on x − n·ln 2).
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let x = x.clamped(lowerBound: SIMD8(repeating: -87.33654), upperBound: SIMD8(repeating: 88.37626))
        let n = (x * 1.44269504088896341).rounded(.toNearestOrEven)
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        // 2^n by building the exponent field; n + 127 stays in 1...254 after the clamp.
        let exponent = (SIMD8<Int32>(n, rounding: .toNearestOrEven) &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }

    /// Layer normalization of each `width`-long row of `source` into `destination`
    /// (which may be `source`).
    static func layerNorm(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>,
                          rows: Int, width: Int, sourceStride: Int? = nil,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        let stride = sourceStride ?? width
        parallelFor(rows, minimumPerTask: 16) { range in
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
        parallelFor(rows, minimumPerTask: 8) { range in
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
    /// 1/√d scale; `causal` lets token i see tokens 0...i only.
    static func attention(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                          output: UnsafeMutablePointer<Float>, sequences: Int, tokens: Int,
                          heads: Int, headDimension: Int, causal: Bool) {
        let width = heads * headDimension
        let jobs = sequences * heads
        parallelFor(jobs) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: tokens + 8) { scores in
                let s = scores.baseAddress!
                for job in range {
                    let sequence = job / heads
                    let head = job % heads
                    let base = sequence * tokens * width + head * headDimension
                    for i in 0..<tokens {
                        let qi = q + base + i * width
                        let visible = causal ? i + 1 : tokens
                        var maximum = -Float.infinity
                        for j in 0..<visible {
                            let score = dot(qi, k + base + j * width, headDimension)
                            s[j] = score
                            maximum = max(maximum, score)
                        }
                        var total: Float = 0
                        var j = 0
                        let vmax = SIMD8<Float>(repeating: maximum)
                        while j + 8 <= visible {
                            let e = exp(load(s + j) - vmax)
                            store(e, s + j)
                            total += e.sum()
                            j += 8
                        }
                        while j < visible {
                            let e = Foundation.exp(s[j] - maximum)
                            s[j] = e
                            total += e
                            j += 1
                        }
                        let out = output + base + i * width
                        out.update(repeating: 0, count: headDimension)
                        let inverse = 1 / total
                        for j in 0..<visible {
                            axpy(s[j] * inverse, v + base + j * width, out, headDimension)
                        }
                    }
                }
            }
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
