import FineXLSupport
import Foundation

/// Finds the generation prompt of each pair, which concept mapping needs (paper Eq. 6).
/// Looked for, in order: `manifest.json` (schema `finexl.synth/1`) in the folder holding both
/// image folders, then `prompts.txt` in the base folder, then in that common folder.
enum PairPrompts {
    static let manifestSchema = "finexl.synth/1"

    static func load(base: URL, personal: URL, names: [String]) throws -> [String]? {
        let parent = base.standardizedFileURL.deletingLastPathComponent()
        let sharesParent = parent.path == personal.standardizedFileURL.deletingLastPathComponent().path
        // Keep relative paths relative in messages: derive file URLs from the user's own URL.
        let parentOfBase = base.deletingLastPathComponent()
        var candidates: [(url: URL, isManifest: Bool)] = []
        if sharesParent { candidates.append((parentOfBase.appendingPathComponent("manifest.json"), true)) }
        candidates.append((base.appendingPathComponent("prompts.txt"), false))
        if sharesParent { candidates.append((parentOfBase.appendingPathComponent("prompts.txt"), false)) }

        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.url.path) {
            let name = ImageDecoder.displayName(of: candidate.url)
            guard let data = FileManager.default.contents(atPath: candidate.url.path) else {
                throw FineXLError("\(name) cannot be read")
            }
            if candidate.isManifest {
                if let prompts = try fromManifest(data, name: name, names: names) { return prompts }
            } else {
                return try fromPromptsText(data, name: name, names: names)
            }
        }
        return nil
    }

    /// Prompts from a synthesis manifest, or nil when its pairs carry no prompts at all.
    static func fromManifest(_ data: Data, name: String, names: [String]) throws -> [String]? {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw FineXLError("\(name) is not valid JSON")
        }
        guard let object = root as? [String: Any] else {
            throw FineXLError("\(name) must hold a JSON object with \"schema\" and \"pairs\"")
        }
        guard let schema = object["schema"] as? String, schema == manifestSchema else {
            let found = (object["schema"] as? String).map { "\"\($0)\"" } ?? "none"
            throw FineXLError("\(name) has schema \(found); expected \"\(manifestSchema)\"")
        }
        guard let pairs = object["pairs"] as? [Any] else {
            throw FineXLError("\(name) has no \"pairs\" list")
        }
        var promptByName: [String: String] = [:]
        var pairsWithoutPrompt = 0
        for (index, entry) in pairs.enumerated() {
            guard let pair = entry as? [String: Any], let pairName = pair["name"] as? String else {
                throw FineXLError("\(name): pairs[\(index)] needs a string \"name\"")
            }
            switch pair["prompt"] {
            case nil:
                pairsWithoutPrompt += 1
            case let prompt as String:
                if promptByName.updateValue(prompt, forKey: pairName) != nil {
                    throw FineXLError("\(name): pair \"\(pairName)\" appears twice")
                }
            default:
                throw FineXLError("\(name): pairs[\(index)] \"prompt\" must be a string")
            }
        }
        if promptByName.isEmpty && pairsWithoutPrompt > 0 { return nil }
        return try inPairOrder(promptByName, names: names, source: name)
    }

    /// Prompts from text: one per line in pair order, or `name<TAB>prompt` lines.
    static func fromPromptsText(_ data: Data, name: String, names: [String]) throws -> [String] {
        guard var text = String(data: data, encoding: .utf8) else {
            throw FineXLError("\(name) is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var lines: [(number: Int, text: String)] = []
        // "\r\n" is one Character in Swift, so it must be named as a separator of its own.
        let rawLines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (offset, raw) in rawLines.enumerated() {
            let line = String(raw)
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append((offset + 1, line)) }
        }
        guard !lines.isEmpty else { throw FineXLError("\(name) holds no prompts") }

        let keyed = lines[0].text.contains("\t")
        if !keyed {
            if let tabbed = lines.first(where: { $0.text.contains("\t") }) {
                throw FineXLError("\(name) line \(tabbed.number): a name<TAB>prompt line among plain prompt lines; "
                    + "use one form throughout")
            }
            guard lines.count == names.count else {
                throw FineXLError("\(name) has \(lines.count) prompts for \(names.count) image pairs; "
                    + "give one line per pair in sorted pair order, or name<TAB>prompt lines")
            }
            return lines.map { $0.text.trimmingCharacters(in: .whitespaces) }
        }
        var promptByName: [String: String] = [:]
        for line in lines {
            guard let tab = line.text.firstIndex(of: "\t") else {
                throw FineXLError("\(name) line \(line.number): expected name<TAB>prompt")
            }
            let key = line.text[..<tab].trimmingCharacters(in: .whitespaces)
            let prompt = line.text[line.text.index(after: tab)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, !prompt.isEmpty else {
                throw FineXLError("\(name) line \(line.number): expected name<TAB>prompt")
            }
            if promptByName.updateValue(prompt, forKey: key) != nil {
                throw FineXLError("\(name) line \(line.number): pair \"\(key)\" already has a prompt")
            }
        }
        return try inPairOrder(promptByName, names: names, source: name)
    }

    private static func inPairOrder(_ promptByName: [String: String], names: [String], source: String) throws -> [String] {
        let missing = names.filter { promptByName[$0] == nil }
        guard missing.isEmpty else {
            var listed = missing.prefix(10).joined(separator: ", ")
            if missing.count > 10 { listed += ", …" }
            throw FineXLError("\(source) has no prompt for \(missing.count) of \(names.count) pairs: \(listed)")
        }
        return names.map { promptByName[$0]! }
    }
}
