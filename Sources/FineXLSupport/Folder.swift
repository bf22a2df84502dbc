import Foundation

/// Creating the folders FineXL writes into (caches, outputs), with one kind of message when
/// it cannot: which folder, and which part of its path is in the way.
package enum Folder {
    /// Creates `url` and its missing parents; `what` names the folder in the error
    /// ("embedding cache" → "cannot create the embedding cache folder …").
    package static func create(_ url: URL, for what: String) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw FineXLError("cannot create the \(what) folder \(url.path): " + obstacle(url, error))
        }
    }

    /// Why `folder` could not be made: the part of its path that exists but is not a folder
    /// ("/data/cache is a regular file, not a folder"), else the system's reason.
    package static func obstacle(_ folder: URL, _ error: Error) -> String {
        var part = folder
        while part.path != "/" {
            let kind = FileKind.at(part.path)
            if kind != .missing && kind != .directory { return "\(part.path) is \(kind.description), not a folder" }
            part = part.deletingLastPathComponent()
        }
        return (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
