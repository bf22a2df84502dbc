import FineXLCLIP
import FineXLCore
import FineXLDescriptor
import Foundation

/// Which encoder to use.
public enum EncoderSpec: Sendable, Equatable, CustomStringConvertible {
    /// The built-in descriptor encoder: nothing downloaded.
    case descriptor
    /// A transformers CLIP model folder.
    case clip(model: URL)
    /// Precomputed embeddings: base.npy, personal.npy, concepts.npy + concepts.txt.
    case npy(directory: URL)

    public var description: String {
        switch self {
        case .descriptor: return "descriptor encoder"
        case .clip(let model): return "CLIP model \(model.path)"
        case .npy(let directory): return "precomputed embeddings in \(directory.path)"
        }
    }
}

public enum Encoders {
    public static func make(_ spec: EncoderSpec) throws -> any ImageEncoder {
        switch spec {
        case .descriptor:
            return DescriptorEncoder()
        case .clip(let model):
            return try CLIPEncoder(model: CLIPModel.load(from: model))
        case .npy(let directory):
            return try PrecomputedEmbeddings.conceptEncoder(in: directory)
        }
    }
}
