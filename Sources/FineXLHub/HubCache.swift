import FineXLSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One repository's folder in the Hugging Face cache, laid out as `huggingface_hub` writes it:
///
///     models--ORG--NAME/refs/REVISION          the commit a branch or tag pointed to
///     models--ORG--NAME/blobs/ETAG             file contents, named by the hub's ETag
///     models--ORG--NAME/snapshots/COMMIT/FILE  symlinks to ../../blobs/ETAG
///     models--ORG--NAME/.no_exist/COMMIT/FILE  empty: the hub has no such file at that commit
///     .locks/models--ORG--NAME/ETAG.lock       held while a blob is downloaded
struct HubCache {
    let root: URL
    let repository: String

    var folderName: String { "models--" + repository.replacingOccurrences(of: "/", with: "--") }
    var folder: URL { root.appendingPathComponent(folderName, isDirectory: true) }

    func snapshot(_ commit: String) -> URL {
        folder.appendingPathComponent("snapshots", isDirectory: true).appendingPathComponent(commit, isDirectory: true)
    }

    func blob(_ etag: String) -> URL {
        folder.appendingPathComponent("blobs", isDirectory: true).appendingPathComponent(etag)
    }

    func lock(_ etag: String) -> URL {
        root.appendingPathComponent(".locks", isDirectory: true).appendingPathComponent(folderName, isDirectory: true)
            .appendingPathComponent(etag + ".lock")
    }

    private func ref(_ revision: String) -> URL {
        folder.appendingPathComponent("refs", isDirectory: true).appendingPathComponent(revision)
    }

    private func noExist(_ commit: String, _ file: String) -> URL {
        folder.appendingPathComponent(".no_exist", isDirectory: true).appendingPathComponent(commit, isDirectory: true)
            .appendingPathComponent(file)
    }

    static func isCommitHash(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// The commit `revision` names in the cache: itself when it is a commit hash, else what `refs/` holds.
    func commit(for revision: String) -> String? {
        if Self.isCommitHash(revision) { return revision }
        guard let text = try? String(contentsOf: ref(revision), encoding: .utf8) else { return nil }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return Self.isCommitHash(commit) ? commit : nil
    }

    /// True when the snapshot has `file` and its target is readable (a dangling symlink is not a file).
    func has(_ file: String, at commit: String) -> Bool {
        FileManager.default.isReadableFile(atPath: snapshot(commit).appendingPathComponent(file).path)
    }

    func isKnownMissing(_ file: String, at commit: String) -> Bool {
        FileManager.default.fileExists(atPath: noExist(commit, file).path)
    }

    func markMissing(_ file: String, at commit: String) throws {
        let marker = noExist(commit, file)
        try Self.createDirectory(marker.deletingLastPathComponent())
        guard FileManager.default.createFile(atPath: marker.path, contents: Data()) else {
            throw HubError(.writeFailed, "cannot write \(marker.path) in the Hugging Face cache")
        }
    }

    /// Points `snapshots/COMMIT/FILE` at its blob with a relative link, as `huggingface_hub` does;
    /// made under a temporary name and renamed over, so the link is never seen half made.
    func link(_ file: String, at commit: String, to etag: String) throws {
        let link = snapshot(commit).appendingPathComponent(file)
        try Self.createDirectory(link.deletingLastPathComponent())
        let depth = file.split(separator: "/").count - 1
        let target = String(repeating: "../", count: depth + 2) + "blobs/" + etag
        let temporary = link.deletingLastPathComponent().appendingPathComponent(".\(link.lastPathComponent).\(getpid()).\(UUID().uuidString).tmp")
        guard symlink(target, temporary.path) == 0 else {
            throw HubError(.writeFailed, "cannot create the link \(link.path) in the Hugging Face cache: \(String(cString: strerror(errno)))")
        }
        guard rename(temporary.path, link.path) == 0 else {
            let cause = String(cString: strerror(errno))
            unlink(temporary.path)
            throw HubError(.writeFailed, "cannot create the link \(link.path) in the Hugging Face cache: \(cause)")
        }
    }

    /// Records that `revision` (a branch or tag) points at `commit`; a commit needs no ref.
    func record(_ revision: String, commit: String) throws {
        guard revision != commit else { return }
        let file = ref(revision)
        try Self.createDirectory(file.deletingLastPathComponent())
        do {
            try Data(commit.utf8).write(to: file, options: .atomic)
        } catch {
            throw HubError(.writeFailed, "cannot write \(file.path) in the Hugging Face cache: \(error.localizedDescription)")
        }
    }

    static func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw HubError(.writeFailed, "cannot create the folder \(url.path) in the Hugging Face cache: " + Folder.obstacle(url, error))
        }
    }
}

/// An exclusive `flock` on a lock file, the kind `huggingface_hub`'s file lock takes, so two
/// processes (two shards starting at once, or FineXL and transformers) never write one blob together.
final class HubFileLock {
    private let descriptor: Int32

    init(_ url: URL) throws {
        try HubCache.createDirectory(url.deletingLastPathComponent())
        descriptor = open(url.path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else {
            throw HubError(.writeFailed, "cannot open the lock file \(url.path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let cause = String(cString: strerror(errno))
                close(descriptor)
                throw HubError(.writeFailed, "cannot lock \(url.path): \(cause)")
            }
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
