import FineXLCore
import FineXLHub
import Foundation

/// `--model` as a user types it: a folder, or a Hugging Face id `ORG/NAME[@REVISION]` found in
/// (or downloaded into) the Hugging Face cache.
public enum ModelFolder {
    public static func resolve(_ text: String,
                               relativeTo directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                               settings: HubSettings = HubSettings()) throws -> URL {
        do {
            return try HubResolver(settings: settings).folder(for: ModelReference(parsing: text, relativeTo: directory))
        } catch let error as HubError {
            throw FineXLError(error.message)
        }
    }
}
