import FineXLSupport
import Foundation

/// The sizes of a CLIP model as `transformers` writes them in `config.json`.
/// Keys a config leaves out take `transformers`' defaults (ViT-B/32).
package struct CLIPConfig: Sendable, Equatable {
    package enum Activation: String, Sendable {
        case quickGELU = "quick_gelu"
        case gelu = "gelu"
    }

    /// One transformer stack (the text or the vision tower).
    package struct Tower: Sendable, Equatable {
        package var hiddenSize: Int
        package var intermediateSize: Int
        package var layers: Int
        package var heads: Int
        package var activation: Activation
        package var layerNormEpsilon: Float

        package var headDimension: Int { hiddenSize / heads }
    }

    package var text: Tower
    package var vision: Tower
    package var vocabularySize: Int
    package var maxPositions: Int
    /// The text model pools at the first `eosTokenID`; configs written before
    /// transformers fixed this say 2, which means "the largest token id".
    package var eosTokenID: Int
    package var imageSize: Int
    package var patchSize: Int
    package var channels: Int
    /// The top-level `projection_dim`: the length of every embedding.
    package var projectionDimension: Int

    package var patchesPerSide: Int { imageSize / patchSize }
    package var visionTokens: Int { patchesPerSide * patchesPerSide + 1 }

    /// transformers' defaults, which are OpenAI's ViT-B/32.
    package static let vitB32 = CLIPConfig(
        text: Tower(hiddenSize: 512, intermediateSize: 2048, layers: 12, heads: 8,
                    activation: .quickGELU, layerNormEpsilon: 1e-5),
        vision: Tower(hiddenSize: 768, intermediateSize: 3072, layers: 12, heads: 12,
                      activation: .quickGELU, layerNormEpsilon: 1e-5),
        vocabularySize: 49408, maxPositions: 77, eosTokenID: 49407,
        imageSize: 224, patchSize: 32, channels: 3, projectionDimension: 512)

    package init(text: Tower, vision: Tower, vocabularySize: Int, maxPositions: Int, eosTokenID: Int,
                imageSize: Int, patchSize: Int, channels: Int, projectionDimension: Int) {
        self.text = text
        self.vision = vision
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
        self.eosTokenID = eosTokenID
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.channels = channels
        self.projectionDimension = projectionDimension
    }

    /// Parses `config.json`; `name` is used in error messages.
    package init(json data: Data, name: String) throws {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw FineXLError("\(name): not a JSON object")
        }
        let textJSON = root["text_config"] as? [String: Any] ?? [:]
        let visionJSON = root["vision_config"] as? [String: Any] ?? [:]
        let defaults = Self.vitB32

        // Each bound is far above every published CLIP (ViT-bigG: hidden 1664, 48 layers, 336 px) and
        // keeps every tensor and activation size computable without overflow; the weights file must
        // then hold tensors of these sizes, so memory follows the file, not the config.
        func int(_ object: [String: Any], _ key: String, _ fallback: Int, _ path: String,
                 from low: Int = 1, to high: Int = 65_536) throws -> Int {
            guard let value = object[key], !(value is NSNull) else { return fallback }
            guard let number = JSONNumber.whole(value, from: low, to: high) else {
                throw FineXLError("\(name): \(path)\(key) must be a whole number from \(low) to \(high), found \(value)")
            }
            return number
        }
        func tower(_ object: [String: Any], _ fallback: Tower, _ path: String) throws -> Tower {
            var tower = fallback
            tower.hiddenSize = try int(object, "hidden_size", fallback.hiddenSize, path)
            tower.intermediateSize = try int(object, "intermediate_size", fallback.intermediateSize, path)
            tower.layers = try int(object, "num_hidden_layers", fallback.layers, path, to: 1024)
            tower.heads = try int(object, "num_attention_heads", fallback.heads, path)
            if let act = object["hidden_act"] {
                guard let raw = act as? String, let activation = Activation(rawValue: raw) else {
                    throw FineXLError("\(name): \(path)hidden_act \(act) is not supported (quick_gelu or gelu)")
                }
                tower.activation = activation
            }
            if let eps = object["layer_norm_eps"], !(eps is NSNull) {
                guard let number = JSONNumber.finite(eps), number > 0, Float(number).isFinite else {
                    throw FineXLError("\(name): \(path)layer_norm_eps must be a small positive number, found \(eps)")
                }
                tower.layerNormEpsilon = Float(number)
            }
            guard tower.hiddenSize % tower.heads == 0 else {
                throw FineXLError("\(name): \(path)hidden_size \(tower.hiddenSize) is not divisible by num_attention_heads \(tower.heads)")
            }
            return tower
        }

        text = try tower(textJSON, defaults.text, "text_config.")
        vision = try tower(visionJSON, defaults.vision, "vision_config.")
        vocabularySize = try int(textJSON, "vocab_size", defaults.vocabularySize, "text_config.", to: 10_000_000)
        maxPositions = try int(textJSON, "max_position_embeddings", defaults.maxPositions, "text_config.", to: 4096)
        eosTokenID = try int(textJSON, "eos_token_id", defaults.eosTokenID, "text_config.", from: 0, to: 10_000_000)
        imageSize = try int(visionJSON, "image_size", defaults.imageSize, "vision_config.",
                            to: CLIPImagePreprocessor.maxSide)
        patchSize = try int(visionJSON, "patch_size", defaults.patchSize, "vision_config.", to: imageSize)
        channels = try int(visionJSON, "num_channels", defaults.channels, "vision_config.", to: 16)
        projectionDimension = try int(root, "projection_dim", defaults.projectionDimension, "")
        guard imageSize % patchSize == 0 else {
            throw FineXLError("\(name): vision_config.image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
        // Attention holds tokens² values per head: 64×64 patches (4097 tokens) is 67 MB a head.
        guard patchesPerSide <= 64 else {
            throw FineXLError("\(name): vision_config.image_size \(imageSize) / patch_size \(patchSize) gives \(patchesPerSide) patches a side; at most 64 are supported")
        }
        guard channels == 3 else {
            throw FineXLError("\(name): vision_config.num_channels is \(channels); only RGB (3) models are supported")
        }
    }
}

/// Numbers as `JSONSerialization` gives them, checked exactly: a JSON integer of 2^64 or more, or
/// with a fraction, must not be cut to a small Int by `intValue`.
enum JSONNumber {
    /// `value` when it is a JSON number (not `true`/`false`) that is a whole number in `low...high`.
    static func whole(_ value: Any?, from low: Int, to high: Int) -> Int? {
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double.rounded() == double, double >= Double(low), double <= Double(high) else {
            return nil
        }
        // Past 2^53 a Double no longer tells whole numbers apart; the integer must agree with it.
        let integer = number.int64Value
        guard Double(integer) == double, integer >= Int64(low), integer <= Int64(high) else { return nil }
        return Int(integer)
    }

    /// `value` when it is a finite JSON number (not `true`/`false`).
    static func finite(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber, !isBoolean(number), number.doubleValue.isFinite else { return nil }
        return number.doubleValue
    }

    /// JSON `true`/`false` arrive as NSNumbers of C type `char`; numbers never do.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
