import FineXLCore
import FineXLSupport
import Foundation

/// CLIP's image and text towers loaded from a `transformers` CLIPModel folder
/// (`config.json`, `model.safetensors`, `vocab.json`, `merges.txt`, optional
/// `preprocessor_config.json`), run in float32 on the CPU.
package final class CLIPModel: @unchecked Sendable {
    package let config: CLIPConfig
    package let tokenizer: CLIPTokenizer
    package let preprocessor: CLIPImagePreprocessor
    /// SHA-256 over config.json, preprocessor_config.json, the tokenizer files'
    /// sizes and the weights' size, header and 64 strided samples.
    package let identity: String
    /// Images per forward pass (texts: twice as many): large enough for the
    /// matrix products to run at full speed (800 rows for ViT-B/32), small
    /// enough to keep activations near 50 MB. Set it before sharing the model
    /// between threads.
    package var batchSize = 16

    private let weights: SafeTensors
    private let vision: Transformer
    private let text: Transformer
    private let patchWeight: UnsafePointer<Float>
    private let classEmbedding: UnsafePointer<Float>
    private let visionPositions: UnsafePointer<Float>
    private let preNorm: Transformer.LayerNorm
    private let postNorm: Transformer.LayerNorm
    private let visualProjection: UnsafePointer<Float>
    private let tokenEmbedding: UnsafePointer<Float>
    private let textPositions: UnsafePointer<Float>
    private let finalNorm: Transformer.LayerNorm
    private let textProjection: UnsafePointer<Float>

    /// Loads a model folder; every missing file or mismatched tensor is a `FineXLError` naming it.
    package static func load(from directory: URL) throws -> CLIPModel {
        switch FileKind.at(directory.path) {
        case .directory: break
        case .missing: throw FineXLError("\(directory.path): no such CLIP model folder")
        case let kind: throw FineXLError("\(directory.path) is \(kind.description), not a CLIP model folder")
        }
        func required(_ name: String) throws -> URL {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                let pickle = directory.appendingPathComponent("pytorch_model.bin")
                if name == "model.safetensors", FileManager.default.fileExists(atPath: pickle.path) {
                    throw FineXLError("\(url.path): missing; the folder has only pytorch_model.bin, which is not read (save the model with safe_serialization=True)")
                }
                throw FineXLError("\(url.path): missing from the CLIP model folder")
            }
            return url
        }
        let configURL = try required("config.json")
        let configData: Data
        do { configData = try Data(contentsOf: configURL) } catch {
            throw FineXLError("\(configURL.path): cannot read")
        }
        let config = try CLIPConfig(json: configData, name: configURL.path)
        let weights = try SafeTensors(contentsOf: try required("model.safetensors"))
        let vocabURL = try required("vocab.json")
        let mergesURL = try required("merges.txt")
        let tokenizer = try CLIPTokenizer(vocabulary: vocabURL, merges: mergesURL,
                                          contextLength: min(77, config.maxPositions))
        let preprocessorURL = directory.appendingPathComponent("preprocessor_config.json")
        var preprocessorData = Data()
        let preprocessor: CLIPImagePreprocessor
        if FileManager.default.fileExists(atPath: preprocessorURL.path) {
            do { preprocessorData = try Data(contentsOf: preprocessorURL) } catch {
                throw FineXLError("\(preprocessorURL.path): cannot read")
            }
            preprocessor = try CLIPImagePreprocessor(json: preprocessorData, name: preprocessorURL.path,
                                                     imageSize: config.imageSize)
        } else {
            preprocessor = CLIPImagePreprocessor(imageSize: config.imageSize)
        }
        let size = preprocessor.outputSize(for: config.imageSize, config.imageSize)
        guard size.width == config.imageSize, size.height == config.imageSize else {
            throw FineXLError("\(preprocessorURL.path): crops to \(size.width)×\(size.height) but the model takes \(config.imageSize)×\(config.imageSize)")
        }
        var hasher = FineXLSupport.SHA256()
        hasher.update(Array(configData))
        hasher.update(Array(preprocessorData))
        for url in [vocabURL, mergesURL] {
            let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            hasher.update("\(url.lastPathComponent):\(bytes)")
        }
        hasher.update(weights.contentDigest())
        return try CLIPModel(config: config, weights: weights, tokenizer: tokenizer,
                             preprocessor: preprocessor, identity: hasher.finalizeHex())
    }

    /// Every tensor the model reads, with the shape `config` implies.
    package static func tensorShapes(_ config: CLIPConfig) -> [(name: String, shape: [Int])] {
        var shapes: [(name: String, shape: [Int])] = []
        func tower(_ prefix: String, _ tower: CLIPConfig.Tower) {
            let h = tower.hiddenSize, m = tower.intermediateSize
            for i in 0..<tower.layers {
                let p = "\(prefix).encoder.layers.\(i)."
                for norm in ["layer_norm1", "layer_norm2"] {
                    shapes += [(p + norm + ".weight", [h]), (p + norm + ".bias", [h])]
                }
                for projection in ["q_proj", "k_proj", "v_proj", "out_proj"] {
                    shapes += [(p + "self_attn.\(projection).weight", [h, h]), (p + "self_attn.\(projection).bias", [h])]
                }
                shapes += [(p + "mlp.fc1.weight", [m, h]), (p + "mlp.fc1.bias", [m]),
                           (p + "mlp.fc2.weight", [h, m]), (p + "mlp.fc2.bias", [h])]
            }
        }
        let v = config.vision.hiddenSize, t = config.text.hiddenSize
        shapes += [("vision_model.embeddings.patch_embedding.weight", [v, config.channels, config.patchSize, config.patchSize]),
                   ("vision_model.embeddings.class_embedding", [v]),
                   ("vision_model.embeddings.position_embedding.weight", [config.visionTokens, v])]
        for norm in ["vision_model.pre_layrnorm", "vision_model.post_layernorm"] {
            shapes += [(norm + ".weight", [v]), (norm + ".bias", [v])]
        }
        tower("vision_model", config.vision)
        shapes.append(("visual_projection.weight", [config.projectionDimension, v]))
        shapes += [("text_model.embeddings.token_embedding.weight", [config.vocabularySize, t]),
                   ("text_model.embeddings.position_embedding.weight", [config.maxPositions, t])]
        tower("text_model", config.text)
        shapes += [("text_model.final_layer_norm.weight", [t]), ("text_model.final_layer_norm.bias", [t]),
                   ("text_projection.weight", [config.projectionDimension, t])]
        return shapes
    }

    package init(config: CLIPConfig, weights: SafeTensors, tokenizer: CLIPTokenizer,
         preprocessor: CLIPImagePreprocessor, identity: String) throws {
        self.config = config
        self.weights = weights
        self.tokenizer = tokenizer
        self.preprocessor = preprocessor
        self.identity = identity
        let v = config.vision.hiddenSize
        let t = config.text.hiddenSize
        let p = config.patchSize
        vision = try Transformer(weights, prefix: "vision_model.encoder.layers", tower: config.vision)
        text = try Transformer(weights, prefix: "text_model.encoder.layers", tower: config.text)
        patchWeight = try weights.floats("vision_model.embeddings.patch_embedding.weight",
                                         shape: [v, config.channels, p, p]).baseAddress!
        classEmbedding = try weights.floats("vision_model.embeddings.class_embedding", shape: [v]).baseAddress!
        visionPositions = try weights.floats("vision_model.embeddings.position_embedding.weight",
                                             shape: [config.visionTokens, v]).baseAddress!
        preNorm = try .init(weights, "vision_model.pre_layrnorm", width: v, epsilon: config.vision.layerNormEpsilon)
        postNorm = try .init(weights, "vision_model.post_layernorm", width: v, epsilon: config.vision.layerNormEpsilon)
        visualProjection = try weights.floats("visual_projection.weight",
                                              shape: [config.projectionDimension, v]).baseAddress!
        tokenEmbedding = try weights.floats("text_model.embeddings.token_embedding.weight",
                                            shape: [config.vocabularySize, t]).baseAddress!
        textPositions = try weights.floats("text_model.embeddings.position_embedding.weight",
                                           shape: [config.maxPositions, t]).baseAddress!
        finalNorm = try .init(weights, "text_model.final_layer_norm", width: t, epsilon: config.text.layerNormEpsilon)
        textProjection = try weights.floats("text_projection.weight",
                                            shape: [config.projectionDimension, t]).baseAddress!
    }

    /// Multiply-adds of one image through the vision tower, for GFLOP/s figures.
    package var imageMultiplyAdds: Double {
        let v = Double(config.vision.hiddenSize)
        let patchInputs = Double(config.channels * config.patchSize * config.patchSize)
        let patches = Double(config.visionTokens - 1)
        return patches * patchInputs * v
            + Double(config.visionTokens) * vision.multiplyAdds(tokens: config.visionTokens)
            + v * Double(config.projectionDimension)
    }

    // MARK: Images

    /// The model's input for one image: channel-first normalized pixels, as
    /// the reference image processor produces them.
    package func preprocess(_ image: RGBImage) -> [Float] {
        let count = config.channels * config.imageSize * config.imageSize
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            preprocessor.process(image, into: buffer)
            initialized = count
        }
    }

    /// L2-normalized projected image embeddings, in order.
    package func embedImages(_ images: [RGBImage]) throws -> [[Float]] {
        var result: [[Float]] = []
        result.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let end = min(images.count, start + max(1, batchSize))
            result += embedImageBatch(Array(images[start..<end]))
            start = end
        }
        return result
    }

    private func embedImageBatch(_ images: [RGBImage]) -> [[Float]] {
        let count = images.count
        let side = config.imageSize
        let p = config.patchSize
        let grid = config.patchesPerSide
        let patches = grid * grid
        let patchInputs = config.channels * p * p
        let tokens = config.visionTokens
        let v = config.vision.hiddenSize
        let plane = side * side * config.channels

        let pixels = UnsafeMutableBufferPointer<Float>.allocate(capacity: count * plane)
        defer { pixels.deallocate() }
        Parallel.slices(count) { range in
            for i in range {
                preprocessor.process(images[i], into: UnsafeMutableBufferPointer(rebasing: pixels[(i * plane)..<((i + 1) * plane)]))
            }
        }
        // The stride-p convolution as one product: each patch unrolled in the
        // weight's (channel, row, column) order.
        let unrolled = UnsafeMutablePointer<Float>.allocate(capacity: count * patches * patchInputs)
        defer { unrolled.deallocate() }
        Parallel.slices(count * patches) { range in
            for index in range {
                let image = index / patches
                let patch = index % patches
                let py = patch / grid, px = patch % grid
                let row = unrolled + index * patchInputs
                let source = pixels.baseAddress! + image * plane
                for c in 0..<config.channels {
                    for dy in 0..<p {
                        let from = source + c * side * side + (py * p + dy) * side + px * p
                        (row + (c * p + dy) * p).update(from: from, count: p)
                    }
                }
            }
        }
        let embedded = UnsafeMutablePointer<Float>.allocate(capacity: count * patches * v)
        defer { embedded.deallocate() }
        BLAS.sgemm(transposeB: true, m: count * patches, n: v, k: patchInputs, a: unrolled, lda: patchInputs,
                   b: patchWeight, ldb: patchInputs, c: embedded, ldc: v)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: count * tokens * v)
        defer { x.deallocate() }
        Parallel.slices(count) { range in
            for image in range {
                let base = x + image * tokens * v
                for i in 0..<v { base[i] = classEmbedding[i] + visionPositions[i] }
                for patch in 0..<patches {
                    let row = base + (patch + 1) * v
                    let from = embedded + (image * patches + patch) * v
                    let position = visionPositions + (patch + 1) * v
                    for i in 0..<v { row[i] = from[i] + position[i] }
                }
            }
        }
        preNorm.apply(x, x, rows: count * tokens, width: v)
        vision.forward(x, sequences: count, tokens: tokens, causal: false)
        let pooled = UnsafeMutablePointer<Float>.allocate(capacity: count * v)
        defer { pooled.deallocate() }
        postNorm.apply(x, pooled, rows: count, width: v, sourceStride: tokens * v)
        return project(pooled, rows: count, width: v, projection: visualProjection)
    }

    private func project(_ pooled: UnsafePointer<Float>, rows: Int, width: Int, projection: UnsafePointer<Float>) -> [[Float]] {
        let d = config.projectionDimension
        var out = [Float](repeating: 0, count: rows * d)
        out.withUnsafeMutableBufferPointer { buffer in
            BLAS.sgemm(transposeB: true, m: rows, n: d, k: width, a: pooled, lda: width,
                       b: projection, ldb: width, c: buffer.baseAddress!, ldc: d)
        }
        return Kernels.normalizeRows((0..<rows).map { Array(out[($0 * d)..<(($0 + 1) * d)]) })
    }

    // MARK: Texts

    /// L2-normalized projected text embeddings, in order; texts longer than
    /// the context are truncated (see `tokenizer.encode(_:).truncated`).
    package func embedTexts(_ texts: [String]) throws -> [[Float]] {
        try embedTokens(texts.map { tokenizer.encode($0).ids })
    }

    /// Embeddings of already tokenized texts (start and end tokens included).
    package func embedTokens(_ sequences: [[Int]]) throws -> [[Float]] {
        for (index, ids) in sequences.enumerated() {
            guard !ids.isEmpty, ids.count <= config.maxPositions else {
                throw FineXLError("text \(index + 1): \(ids.count) tokens, the model takes 1...\(config.maxPositions)")
            }
            if let bad = ids.first(where: { $0 < 0 || $0 >= config.vocabularySize }) {
                throw FineXLError("text \(index + 1): token id \(bad) is outside the vocabulary of \(config.vocabularySize)")
            }
        }
        // Sorting by length keeps padding small; the causal mask makes padding
        // after the pooled token irrelevant, so none is masked.
        let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
        var embeddings = [[Float]](repeating: [], count: sequences.count)
        let textBatch = max(1, batchSize * 2)
        var start = 0
        while start < order.count {
            let end = min(order.count, start + textBatch)
            let indices = Array(order[start..<end])
            let batch = embedTextBatch(indices.map { sequences[$0] })
            for (i, embedding) in zip(indices, batch) { embeddings[i] = embedding }
            start = end
        }
        return embeddings
    }

    /// Where transformers pools: the first end token, or for configs that
    /// still say `eos_token_id: 2`, the largest id.
    private func poolIndex(_ ids: [Int]) -> Int {
        if config.eosTokenID == 2 {
            var best = 0
            for (i, id) in ids.enumerated() where id > ids[best] { best = i }
            return best
        }
        return ids.firstIndex(of: config.eosTokenID) ?? 0
    }

    private func embedTextBatch(_ sequences: [[Int]]) -> [[Float]] {
        let count = sequences.count
        let tokens = sequences.map(\.count).max() ?? 1
        let t = config.text.hiddenSize
        let x = UnsafeMutablePointer<Float>.allocate(capacity: count * tokens * t)
        defer { x.deallocate() }
        for (s, ids) in sequences.enumerated() {
            for position in 0..<tokens {
                let id = position < ids.count ? ids[position] : ids[ids.count - 1]
                let row = x + (s * tokens + position) * t
                let token = tokenEmbedding + id * t
                let place = textPositions + position * t
                for i in 0..<t { row[i] = token[i] + place[i] }
            }
        }
        text.forward(x, sequences: count, tokens: tokens, causal: true)
        let pooled = UnsafeMutablePointer<Float>.allocate(capacity: count * t)
        defer { pooled.deallocate() }
        for (s, ids) in sequences.enumerated() {
            finalNorm.apply(x + (s * tokens + poolIndex(ids)) * t, pooled + s * t, rows: 1, width: t)
        }
        return project(pooled, rows: count, width: t, projection: textProjection)
    }
}
