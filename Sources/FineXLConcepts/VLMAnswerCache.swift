import FineXLSupport
import Foundation

/// Model answers on disk, one file per question, named by the SHA-256 of the question.
/// The question is what was asked (endpoint path, model, messages with their images, options);
/// the API key is not part of it and is never written here.
struct VLMAnswerCache {
    let directory: URL

    private struct Entry: Codable {
        var schema = "finexl.vlm-answer/1"
        var model: String
        var content: String
    }

    /// The key of a request: the host is left out so the same model reached as `localhost`
    /// or through a tunnel shares its answers.
    static func key(endpoint: URL, body: Data) -> String {
        var hasher = SHA256()
        hasher.update(endpoint.path)
        hasher.update([0])
        hasher.update(body)
        return hasher.finalizeHex()
    }

    func answer(forKey key: String) -> String? {
        // An unreadable or foreign file is a miss: the question is asked again and the file replaced.
        guard let data = try? Data(contentsOf: file(forKey: key)),
              let entry = try? JSONDecoder().decode(Entry.self, from: data)
        else { return nil }
        return entry.content
    }

    func store(_ content: String, model: String, forKey key: String) throws {
        let file = file(forKey: key)
        try Folder.create(directory, for: "VLM answer cache")
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(Entry(model: model, content: content)), to: file)
        } catch {
            throw FineXLError("cannot write VLM answer cache file \(file.path): \(error.localizedDescription)")
        }
    }

    private func file(forKey key: String) -> URL {
        directory.appendingPathComponent("vlm-\(key).json")
    }
}
