import FineXLSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads one blob into the cache: into `blobs/ETAG.incomplete` (resumed with a Range
/// request when a previous try left one), checked against the size and, for large files,
/// the SHA-256 the hub stated, then renamed to `blobs/ETAG`.
struct HubDownload {
    let id: HubModelID
    let file: String
    let metadata: HubFileMetadata
    let cache: HubCache
    let settings: HubSettings

    /// Tries after a broken connection, each resuming where the last stopped.
    static let attempts = 4

    func run(progress: HubProgress) throws {
        let blob = cache.blob(metadata.etag)
        if FileManager.default.fileExists(atPath: blob.path) { return }
        let lock = try HubFileLock(cache.lock(metadata.etag))
        defer { withExtendedLifetime(lock) {} }
        // Another process may have finished it while this one waited for the lock.
        if FileManager.default.fileExists(atPath: blob.path) { return }
        try HubCache.createDirectory(blob.deletingLastPathComponent())
        let incomplete = URL(fileURLWithPath: blob.path + ".incomplete")
        try fetch(into: incomplete, progress: progress)
        try verify(incomplete)
        guard rename(incomplete.path, blob.path) == 0 else {
            throw HubError(.writeFailed, "cannot move \(file) of model \(id) into place at \(blob.path): \(String(cString: strerror(errno)))")
        }
    }

    private func fetch(into incomplete: URL, progress: HubProgress) throws {
        let transport = HubTransport(timeout: settings.downloadTimeout)
        var url = metadata.location
        var failures = 0
        var redirects = 0
        var lastCause = ""
        while true {
            var offset = Self.size(of: incomplete)
            if let expected = metadata.size {
                if offset == expected { return }
                if offset > expected {
                    try? FileManager.default.removeItem(at: incomplete)
                    offset = 0
                }
            }
            guard failures < Self.attempts else {
                throw HubError(.transferFailed, "download of \(file) of model \(id) stopped at \(offset) of "
                    + "\(metadata.size.map(String.init) ?? "?") bytes after \(Self.attempts) tries (\(lastCause)); "
                    + "run again to resume from \(incomplete.path)")
            }
            var request = URLRequest(url: url)
            request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
            request.setValue(HubFileMetadata.userAgent, forHTTPHeaderField: "User-Agent")
            // As huggingface_hub: the token goes to the hub's own host, never to a CDN a redirect names.
            if let token = settings.token, HubOrigin.isSameOrHub(url, from: metadata.resolveURL, endpoint: settings.endpoint) {
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            }
            if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }

            let writer = try BlobWriter(incomplete, offset: offset, id: id, file: file)
            let label = "\(id.repository) \(file)"
            progress.show(label, done: offset, total: metadata.size)
            var written = offset
            let response: HubTransport.Response
            do {
                response = try transport.perform(request, acceptStatus: offset > 0 ? [206] : [200]) { chunk in
                    try writer.write(chunk)
                    written += Int64(chunk.count)
                    progress.show(label, done: written, total: metadata.size)
                }
                try writer.close()
            } catch HubTransport.Failure.transport(let error, _, _) {
                try writer.close()
                failures += 1
                lastCause = HubFileMetadata.describe(error, timeout: settings.downloadTimeout)
                continue
            } catch HubTransport.Failure.sink(let error) {
                try? writer.close()
                throw writeFailure(error, incomplete)
            }
            switch response.status {
            case offset > 0 ? 206 : 200:
                guard metadata.size != nil else { return }
                // A body shorter than stated without a transport error still counts as broken.
                if Self.size(of: incomplete) != metadata.size {
                    failures += 1
                    lastCause = "the body ended early"
                }
            case 300..<400 where response.location != nil && redirects < 5:
                url = response.location!
                redirects += 1
            case 416, 200:
                // The range is not served (or not understood): start over from the first byte.
                try? FileManager.default.removeItem(at: incomplete)
                failures += 1
                lastCause = "HTTP \(response.status) to a range request"
            default:
                throw HubFileMetadata.failure(response, id: id, revision: metadata.commit, file: file, settings: settings)
            }
        }
    }

    private func verify(_ incomplete: URL) throws {
        guard metadata.isLargeFile else { return }
        let digest: String
        do {
            digest = try Self.sha256(of: incomplete)
        } catch {
            throw HubError(.writeFailed, "cannot read back \(incomplete.path): \(error.localizedDescription)")
        }
        guard digest == metadata.etag.lowercased() else {
            try? FileManager.default.removeItem(at: incomplete)
            throw HubError(.checksumMismatch, "checksum mismatch for \(file) of model \(id): the download's SHA-256 is "
                + "\(digest), the hub states \(metadata.etag); the download was deleted, run again to fetch it anew")
        }
    }

    private func writeFailure(_ error: Error, _ incomplete: URL) -> HubError {
        let posix = (error as NSError).domain == NSPOSIXErrorDomain ? Int32((error as NSError).code) : 0
        let underlying = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)
        let code = posix != 0 ? posix : (underlying?.domain == NSPOSIXErrorDomain ? Int32(underlying!.code) : 0)
        let cause = code == ENOSPC || code == EDQUOT ? "the disk is full" : (code != 0 ? String(cString: strerror(code)) : error.localizedDescription)
        return HubError(.writeFailed, "cannot write \(file) of model \(id) to \(incomplete.path): \(cause); "
            + "the partial download stays there and is resumed by the next run")
    }

    static func size(of url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return hasher.finalizeHex()
    }
}

/// Appends to a blob's `.incomplete` file from `offset`; every write error is thrown, so a full
/// disk stops the download with its cause.
private final class BlobWriter: @unchecked Sendable {
    private let handle: FileHandle
    private var closed = false

    init(_ url: URL, offset: Int64, id: HubModelID, file: String) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw HubError(.writeFailed, "cannot create \(url.path) for \(file) of model \(id): \(String(cString: strerror(errno)))")
            }
        }
        do {
            handle = try FileHandle(forWritingTo: url)
            if offset == 0 { try handle.truncate(atOffset: 0) } else { try handle.seek(toOffset: UInt64(offset)) }
        } catch {
            throw HubError(.writeFailed, "cannot open \(url.path) for \(file) of model \(id): \(error.localizedDescription)")
        }
    }

    func write(_ data: Data) throws {
        try handle.write(contentsOf: data)
    }

    func close() throws {
        guard !closed else { return }
        closed = true
        try handle.synchronize()
        try handle.close()
    }
}

/// One line on stderr while files download, redrawn at most ten times a second.
final class HubProgress {
    let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ label: String, done: Int64, total: Int64?) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        drawn = true
        let megabytes = { (bytes: Int64) in String(format: "%.1f", Double(bytes) / 1_000_000) }
        let of = total.map { " / \(megabytes($0)) MB" } ?? " MB"
        FileHandle.standardError.write(Data("\r\u{1B}[Kdownloading \(label) \(megabytes(done))\(of)".utf8))
    }

    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
