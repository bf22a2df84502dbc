import Foundation

/// What a user wrote for a model: a folder on this machine, or a Hugging Face id
/// `ORG/NAME`, optionally `@REVISION` (a branch, a tag or a commit).
package enum ModelReference: Equatable, Sendable, CustomStringConvertible {
    case folder(URL)
    case hub(HubModelID)

    /// A path that exists is a folder (relative paths against `directory`); otherwise text shaped
    /// like `ORG/NAME[@REVISION]` is a hub id; anything else is a folder (that is not there).
    package init(parsing text: String, relativeTo directory: URL) {
        let expanded = HubSettings.expandingTilde(text, home: ProcessInfo.processInfo.environment["HOME"])
        let folder = expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded).standardizedFileURL
            : directory.appendingPathComponent(expanded).standardizedFileURL
        if FileManager.default.fileExists(atPath: folder.path) {
            self = .folder(folder)
        } else if let id = HubModelID(text) {
            self = .hub(id)
        } else {
            self = .folder(folder)
        }
    }

    package var description: String {
        switch self {
        case .folder(let url): return url.path
        case .hub(let id): return id.description
        }
    }
}

/// `ORG/NAME` with an optional revision, spelled as the hub allows repository names.
package struct HubModelID: Equatable, Sendable, CustomStringConvertible {
    /// `ORG/NAME`.
    package var repository: String
    /// A branch, tag or commit; nil means `main`.
    package var revision: String?

    package init?(_ text: String) {
        var name = Substring(text)
        var revision: String?
        if let at = text.firstIndex(of: "@") {
            name = text[..<at]
            let rest = text[text.index(after: at)...]
            guard !rest.isEmpty, !rest.contains(where: { $0.isWhitespace }), !rest.contains(".."),
                  !rest.hasPrefix("/") else { return nil }
            revision = String(rest)
        }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(Self.isValidName) else { return nil }
        repository = String(name)
        self.revision = revision
    }

    package init(repository: String, revision: String? = nil) {
        self.repository = repository
        self.revision = revision
    }

    /// The hub's rule: letters, digits, `-`, `_`, `.`; no `--` or `..`; not starting or ending with `-` or `.`.
    private static func isValidName(_ part: Substring) -> Bool {
        guard (1...96).contains(part.count), !part.contains("--"), !part.contains("..") else { return false }
        guard let first = part.first, let last = part.last, !"-.".contains(first), !"-.".contains(last) else { return false }
        return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    package var description: String { revision.map { "\(repository)@\($0)" } ?? repository }
}
