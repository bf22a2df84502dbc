import FineXLCore
import FineXLSupport

/// A stack of CLIP encoder layers (pre-LN attention, then pre-LN MLP, each with
/// a residual), shared by the text and the vision tower. The weights point into
/// the memory-mapped safetensors file.
struct Transformer: @unchecked Sendable {
    struct Linear {
        /// PyTorch layout: `outputs × inputs`, so products use it transposed.
        var weight: UnsafePointer<Float>
        var bias: UnsafePointer<Float>
        var inputs: Int
        var outputs: Int

        init(_ weights: SafeTensors, _ prefix: String, inputs: Int, outputs: Int) throws {
            weight = try weights.floats(prefix + ".weight", shape: [outputs, inputs]).baseAddress!
            bias = try weights.floats(prefix + ".bias", shape: [outputs]).baseAddress!
            self.inputs = inputs
            self.outputs = outputs
        }

        /// `y = x·Wᵀ` (+ `y` when `accumulate`), bias not yet added.
        func multiply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
            BLAS.sgemm(transposeB: true, m: rows, n: outputs, k: inputs, a: x, lda: inputs,
                       b: weight, ldb: inputs, beta: accumulate ? 1 : 0, c: y, ldc: outputs)
        }
    }

    struct LayerNorm {
        var gamma: UnsafePointer<Float>
        var beta: UnsafePointer<Float>
        var epsilon: Float

        init(_ weights: SafeTensors, _ prefix: String, width: Int, epsilon: Float) throws {
            gamma = try weights.floats(prefix + ".weight", shape: [width]).baseAddress!
            beta = try weights.floats(prefix + ".bias", shape: [width]).baseAddress!
            self.epsilon = epsilon
        }

        func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, width: Int, sourceStride: Int? = nil) {
            Kernels.layerNorm(x, y, rows: rows, width: width, sourceStride: sourceStride,
                              gamma: gamma, beta: beta, epsilon: epsilon)
        }
    }

    struct Layer {
        var norm1: LayerNorm
        var query: Linear
        var key: Linear
        var value: Linear
        var out: Linear
        var norm2: LayerNorm
        var fc1: Linear
        var fc2: Linear
    }

    let tower: CLIPConfig.Tower
    let layers: [Layer]

    init(_ weights: SafeTensors, prefix: String, tower: CLIPConfig.Tower) throws {
        self.tower = tower
        let h = tower.hiddenSize
        let m = tower.intermediateSize
        layers = try (0..<tower.layers).map { i in
            let p = "\(prefix).\(i)."
            return Layer(
                norm1: try LayerNorm(weights, p + "layer_norm1", width: h, epsilon: tower.layerNormEpsilon),
                query: try Linear(weights, p + "self_attn.q_proj", inputs: h, outputs: h),
                key: try Linear(weights, p + "self_attn.k_proj", inputs: h, outputs: h),
                value: try Linear(weights, p + "self_attn.v_proj", inputs: h, outputs: h),
                out: try Linear(weights, p + "self_attn.out_proj", inputs: h, outputs: h),
                norm2: try LayerNorm(weights, p + "layer_norm2", width: h, epsilon: tower.layerNormEpsilon),
                fc1: try Linear(weights, p + "mlp.fc1", inputs: h, outputs: m),
                fc2: try Linear(weights, p + "mlp.fc2", inputs: m, outputs: h))
        }
    }

    /// Multiply-adds of one token through every layer (attention over `tokens`).
    func multiplyAdds(tokens: Int) -> Double {
        let h = Double(tower.hiddenSize)
        let m = Double(tower.intermediateSize)
        let perLayer = 4 * h * h + 2 * h * m + 2 * Double(tokens) * h
        return perLayer * Double(tower.layers)
    }

    /// Runs every layer in place on `x`: `sequences × tokens` rows of the hidden size.
    func forward(_ x: UnsafeMutablePointer<Float>, sequences: Int, tokens: Int, causal: Bool) {
        let rows = sequences * tokens
        let h = tower.hiddenSize
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rows * (4 * h + tower.intermediateSize))
        defer { scratch.deallocate() }
        let normed = scratch
        let q = normed + rows * h
        let k = q + rows * h
        let v = k + rows * h
        let mlp = v + rows * h
        let attended = normed  // free again once q, k, v are computed
        let scale = 1 / Float(tower.headDimension).squareRoot()
        for layer in layers {
            layer.norm1.apply(x, normed, rows: rows, width: h)
            layer.query.multiply(normed, rows: rows, into: q)
            layer.key.multiply(normed, rows: rows, into: k)
            layer.value.multiply(normed, rows: rows, into: v)
            Parallel.slices(rows, minimumPerTask: 16) { range in
                for row in range {
                    let qr = q + row * h, kr = k + row * h, vr = v + row * h
                    for i in 0..<h {
                        qr[i] = (qr[i] + layer.query.bias[i]) * scale
                        kr[i] += layer.key.bias[i]
                        vr[i] += layer.value.bias[i]
                    }
                }
            }
            Kernels.attention(q: q, k: k, v: v, output: attended, sequences: sequences, tokens: tokens,
                              heads: tower.heads, headDimension: tower.headDimension, causal: causal)
            layer.out.multiply(attended, rows: rows, into: x, accumulate: true)
            Kernels.addBias(x, rows: rows, width: h, bias: layer.out.bias)
            layer.norm2.apply(x, normed, rows: rows, width: h)
            layer.fc1.multiply(normed, rows: rows, into: mlp)
            Kernels.addBias(mlp, rows: rows, width: tower.intermediateSize, bias: layer.fc1.bias, activation: tower.activation)
            layer.fc2.multiply(mlp, rows: rows, into: x, accumulate: true)
            Kernels.addBias(x, rows: rows, width: h, bias: layer.fc2.bias)
        }
    }
}
