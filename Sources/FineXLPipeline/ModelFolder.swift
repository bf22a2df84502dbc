import FineXLCore
import FineXLHub
import FineXLSupport
import Foundation

/// `--model` as a user types it: a folder, or a Hugging Face id `ORG/NAME[@REVISION]` found in
/// (or downloaded into) the Hugging Face cache.
package enum ModelFolder {
    package static func resolve(_ text: String,
                               relativeTo directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                               settings: HubSettings = HubSettings()) throws -> URL {
        let reference = ModelReference(parsing: text, relativeTo: directory)
        do {
            return try HubResolver(settings: settings).folder(for: reference)
        } catch let error as HubError {
            // Text like `models/clip` is an id only because no such folder exists; say so.
            let folderNote = [.notFound, .unreachable, .offlineMissing].contains(error.kind) && !text.contains("@")
                ? " (and there is no folder \(text) here)" : ""
            throw FineXLError(error.message + folderNote)
        }
    }
}
