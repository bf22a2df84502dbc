import FineXLCLIP
import FineXLCore
import FineXLDescriptor
import FineXLHub
import FineXLSupport
import Foundation

/// Which encoder to use.
package enum EncoderSpec: Sendable, Equatable, CustomStringConvertible {
    /// The built-in descriptor encoder: nothing downloaded.
    case descriptor
    /// A transformers CLIP model folder.
    case clip(model: URL)
    /// Precomputed embeddings: base.npy, personal.npy, concepts.npy + concepts.txt.
    case npy(directory: URL)

    package var description: String {
        switch self {
        case .descriptor: return "descriptor encoder"
        case .clip(let model): return "CLIP model \(model.path)"
        case .npy(let directory): return "precomputed embeddings in \(directory.path)"
        }
    }
}

package enum Encoders {
    package static func make(_ spec: EncoderSpec) throws -> any ImageEncoder {
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
package enum EncoderKind: String, Sendable, CaseIterable {
    case descriptor, clip, npy
}

/// Who named the encoder, so messages speak the user's vocabulary (`--model` or `model:`).
package enum EncoderSetting: Sendable {
    case commandLine
    /// A notebook's front matter; a CLIP model folder that is not there makes the encoder
    /// unavailable (the notebook renders with a note) rather than the notebook wrong.
    case notebook
}

extension EncoderSpec {
    /// The one place an encoder named by a user becomes a spec. `model` is the folder or
    /// Hugging Face id as the user wrote it; relative folders start at `directory` (the notebook's
    /// folder or the working folder). A CLIP id is looked up in the Hugging Face cache and
    /// downloaded into it when missing.
    package static func parse(_ kind: EncoderKind, model: String?, from setting: EncoderSetting,
                             relativeTo directory: URL) throws -> EncoderSpec {
        switch kind {
        case .descriptor:
            return .descriptor
        case .clip:
            guard let model else {
                switch setting {
                case .commandLine:
                    throw FineXLError("--encoder clip needs --model DIR or ORG/NAME (a transformers CLIP model folder or Hugging Face id)")
                case .notebook:
                    throw FineXLError("This notebook uses CLIP but names no model. Add `model: \(paperModel)` (a Hugging Face id, "
                        + "or a transformers CLIPModel folder) to the front matter; the CLIP steps were skipped.",
                        kind: .encoderUnavailable)
                }
            }
            switch setting {
            case .commandLine: return .clip(model: try ModelFolder.resolve(model, relativeTo: directory))
            case .notebook: return .clip(model: try notebookModel(model, relativeTo: directory))
            }
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
            return .npy(directory: localFolder(model, relativeTo: directory))
        }
    }

    /// `path` with `~` expanded, relative paths starting at `directory`.
    static func localFolder(_ path: String, relativeTo directory: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return directory.appendingPathComponent(expanded).standardizedFileURL
    }

    /// The CLIP model the paper uses.
    package static let paperModel = "openai/clip-vit-base-patch32"

    /// A notebook's `model:` under `encoder: clip`. A model that simply is not here (no folder; no
    /// cache and no network, or offline) makes the encoder unavailable: the notebook renders with a
    /// note saying how to get it. A folder that is there but is not a model is a mistake in the notebook.
    static func notebookModel(_ model: String, relativeTo directory: URL) throws -> URL {
        switch ModelReference(parsing: model, relativeTo: directory) {
        case .folder(let folder):
            // Named from the notebook's folder, so the report does not carry this machine's folders.
            let shown = DisplayPath.relative(folder, to: directory)
            if let problem = clipFolderProblem(folder) {
                throw FineXLError("the CLIP model folder `\(shown)` \(problem)")
            }
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) else {
                throw FineXLError("The CLIP model folder `\(shown)` is not here, so the CLIP steps were skipped. Name a "
                    + "Hugging Face id instead (`model: \(paperModel)`), or fill the folder from the notebook's folder with "
                    + "`huggingface-cli download \(paperModel) --local-dir \(shown)` (any transformers CLIPModel folder with "
                    + "config.json, model.safetensors, vocab.json and merges.txt works), then render again.",
                    kind: .encoderUnavailable)
            }
            return folder
        case .hub(let id):
            do {
                return try HubResolver().resolve(id)
            } catch let error as HubError where error.isUnavailable {
                let why = error.kind == .offlineMissing ? "HF_HUB_OFFLINE is set" : (error.cause ?? "the hub could not be reached")
                throw FineXLError("The CLIP model `\(id)` is not in the Hugging Face cache and \(why), so the CLIP steps were "
                    + "skipped. Get it with `\(HubResolver.downloadCommand(id))` on a machine with network (or render once "
                    + "with network), then render again.", kind: .encoderUnavailable)
            } catch let error as HubError {
                throw FineXLError(error.message)
            }
        }
    }

    /// What is wrong with a CLIP model path that exists, or nil when it is missing (to download) or complete.
    static func clipFolderProblem(_ folder: URL) -> String? {
        switch FileKind.at(folder.path) {
        case .missing: return nil
        case .directory: break
        case .regular: return "is a file; `model:` names the folder holding the model's files"
        case let kind: return "is \(kind.description)"
        }
        let needed = ["config.json", "model.safetensors", "vocab.json", "merges.txt"]
        let missing = needed.filter { FileKind.at(folder.appendingPathComponent($0).path) != .regular }
        guard !missing.isEmpty else { return nil }
        return "exists but is not a CLIP model: it has no " + missing.joined(separator: ", ")
            + " (a transformers CLIPModel folder has config.json, model.safetensors, vocab.json and merges.txt)"
    }
}
