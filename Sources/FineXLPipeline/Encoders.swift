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

/// The encoders a user can name (`--encoder`, a notebook's `encoder:`).
public enum EncoderKind: String, Sendable, CaseIterable {
    case descriptor, clip, npy
}

/// Who named the encoder, so messages speak the user's vocabulary (`--model` or `model:`).
public enum EncoderSetting: Sendable {
    case commandLine
    /// A notebook's front matter; a CLIP model folder that is not there makes the encoder
    /// unavailable (the notebook renders with a note) rather than the notebook wrong.
    case notebook
}

extension EncoderSpec {
    /// The one place an encoder named by a user becomes a spec. `model` is the folder as the user
    /// wrote it; `resolve` turns it into a location (relative to the notebook or the working folder).
    public static func parse(_ kind: EncoderKind, model: String?, from setting: EncoderSetting,
                             resolve: (String) -> URL) throws -> EncoderSpec {
        switch kind {
        case .descriptor:
            return .descriptor
        case .clip:
            guard let model else {
                switch setting {
                case .commandLine:
                    throw FineXLError("--encoder clip needs --model DIR (a transformers CLIP model folder)")
                case .notebook:
                    throw FineXLError("This notebook uses CLIP but names no model folder. Add `model: models/clip-vit-base-patch32` "
                        + "to the front matter and download the model with `\(clipDownloadCommand(into: "models/clip-vit-base-patch32"))`; "
                        + "the CLIP steps were skipped.", kind: .encoderUnavailable)
                }
            }
            let folder = resolve(model)
            if setting == .notebook, !FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) {
                throw FineXLError("The CLIP model folder `\(model)` (\(folder.path)) is not here, so the CLIP steps "
                    + "were skipped. Get it with `\(clipDownloadCommand(into: folder.path))` "
                    + "(any transformers CLIPModel folder with config.json, model.safetensors, vocab.json and merges.txt works), "
                    + "then render again.", kind: .encoderUnavailable)
            }
            return .clip(model: folder)
        case .npy:
            guard let model else {
                switch setting {
                case .commandLine:
                    throw FineXLError("--encoder npy needs --model DIR holding base.npy and personal.npy")
                case .notebook:
                    throw FineXLError("`encoder: npy` needs `model:` naming the folder with base.npy, personal.npy, concepts.npy "
                                      + "and concepts.txt")
                }
            }
            return .npy(directory: resolve(model))
        }
    }

    /// How to get the CLIP model the paper uses into `folder`.
    public static func clipDownloadCommand(into folder: String) -> String {
        "huggingface-cli download openai/clip-vit-base-patch32 --local-dir \(folder)"
    }
}
