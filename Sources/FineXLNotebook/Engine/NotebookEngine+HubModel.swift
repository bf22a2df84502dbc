import FineXLHub
import Foundation

extension NotebookEngine {
    /// The front matter's `model:` under `encoder: clip`: a folder next to the notebook, or a
    /// Hugging Face id from the cache (downloaded when missing). A model that simply is not here
    /// (no folder; no cache and no network, or offline) becomes a note saying how to get it, not a failure.
    func clipModelFolder(_ model: String) throws -> URL {
        switch ModelReference(parsing: model, relativeTo: directory) {
        case .folder(let folder):
            // A folder that is there but is not a model is a mistake in the notebook, not a model still to download.
            if let problem = Self.clipFolderProblem(folder) {
                throw DirectiveFailure("the CLIP model folder `\(model)` \(problem)", line: notebook.frontMatter.modelLine)
            }
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) else {
                throw EncoderUnavailable(message: "The CLIP model folder `\(model)` is not here, so the CLIP steps "
                    + "were skipped. Name a Hugging Face id instead (`model: openai/clip-vit-base-patch32`), or fill the "
                    + "folder with `huggingface-cli download openai/clip-vit-base-patch32 --local-dir \(model)` (any "
                    + "transformers CLIPModel folder with config.json, model.safetensors, vocab.json and merges.txt works), "
                    + "then render again.")
            }
            return folder
        case .hub(let id):
            do {
                return try HubResolver().resolve(id)
            } catch let error as HubError where error.isUnavailable {
                let why = error.kind == .offlineMissing ? "HF_HUB_OFFLINE is set" : (error.cause ?? "the hub could not be reached")
                throw EncoderUnavailable(message: "The CLIP model `\(id)` is not in the Hugging Face cache and \(why), so the "
                    + "CLIP steps were skipped. Get it with `\(HubResolver.downloadCommand(id))` on a machine with network "
                    + "(or render once with network), then render again.")
            } catch let error as HubError {
                throw DirectiveFailure(error.message, line: notebook.frontMatter.modelLine)
            }
        }
    }
}
