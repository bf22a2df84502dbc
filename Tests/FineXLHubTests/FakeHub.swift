import FineXLSupport
import Foundation

/// Plays the Hugging Face hub's `resolve` endpoint for the tiny CLIP fixture, the way the real
/// hub answers: small files straight with a quoted `ETag`; large (LFS) files with a 302 to a CDN
/// on another host (`localhost` instead of `127.0.0.1`), `X-Linked-Etag` = their SHA-256 and
/// `X-Linked-Size`; `X-Repo-Commit` on every answer; `X-Error-Code` on refusals.
final class FakeHub: @unchecked Sendable {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/clip/quickgelu-fp32")
    static let commit = "4f0c1d2e3b4a59687766554433221100ffeeddcc"
    static let tagCommit = "aaaabbbbccccddddeeeeffff0000111122223333"
    static let largeFiles: Set<String> = ["model.safetensors"]

    struct Options {
        var repository = "org/tiny-clip"
        /// A repository that answers only to `Bearer good-token`.
        var gated = false
        /// The CDN sends the large file with one byte changed.
        var corruptLargeFile = false
        /// The first CDN answer breaks off after this many bytes.
        var cutFirstDownloadAfter: Int?
        /// Files the repository does not have.
        var absent: Set<String> = []
    }

    let options: Options
    let files: [String: Data]
    /// SHA-256 of each file, computed once (the debug build hashes slowly).
    let digests: [String: String]
    private let lock = NSLock()
    private var cdnAnswers = 0
    private(set) var server: HubTestServer!

    init(_ options: Options = Options()) throws {
        self.options = options
        var files: [String: Data] = [:]
        for name in ["config.json", "model.safetensors", "vocab.json", "merges.txt", "preprocessor_config.json"]
        where !options.absent.contains(name) {
            files[name] = try Data(contentsOf: Self.fixture.appendingPathComponent(name))
        }
        self.files = files
        digests = files.mapValues(Self.sha256)
        server = try HubTestServer { [unowned self] request in self.answer(request) }
    }

    var endpoint: String { server.endpoint }
    var requests: [HubTestServer.Request] { server.requests }

    static func sha256(_ data: Data) -> String { SHA256.hex(bytes: data) }
    /// Stands in for the git blob id the hub gives small files (40 hex digits, not their SHA-256).
    static func smallEtag(_ data: Data) -> String { String(sha256(data).prefix(40)) }

    private func answer(_ request: HubTestServer.Request) -> HubTestServer.Reply {
        let path = request.path.removingPercentEncoding ?? request.path
        if path.hasPrefix("/cdn/") { return cdn(String(path.dropFirst(5)), request) }
        let prefix = "/\(options.repository)/resolve/"
        // A renamed repository: the hub answers its old name with a relative redirect to the new one.
        if path.hasPrefix("/org/old-name/resolve/") {
            return HubTestServer.Reply(status: 307, headers: [
                "Location": "/\(options.repository)/resolve/" + path.dropFirst("/org/old-name/resolve/".count),
            ])
        }
        guard path.hasPrefix(prefix) else {
            return HubTestServer.Reply(status: 401, headers: ["X-Error-Code": "RepoNotFound",
                                                              "X-Error-Message": "Repository not found"])
        }
        if options.gated && request.headers["authorization"] != "Bearer good-token" {
            return HubTestServer.Reply(status: 401, headers: ["X-Error-Code": "GatedRepo",
                                                              "X-Error-Message": "Access to model is restricted"])
        }
        let rest = path.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return HubTestServer.Reply(status: 400) }
        let revision = String(rest[..<slash])
        let file = String(rest[rest.index(after: slash)...])
        let commit: String
        switch revision {
        case "main", Self.commit: commit = Self.commit
        case "v1", Self.tagCommit: commit = Self.tagCommit
        default:
            return HubTestServer.Reply(status: 404, headers: ["X-Error-Code": "RevisionNotFound"])
        }
        guard let data = files[file] else {
            return HubTestServer.Reply(status: 404, headers: ["X-Error-Code": "EntryNotFound", "X-Repo-Commit": commit])
        }
        if Self.largeFiles.contains(file) {
            let sha = digests[file]!
            return HubTestServer.Reply(status: 302, headers: [
                "Location": "http://localhost:\(server.port)/cdn/\(sha)",
                "X-Linked-Etag": "\"\(sha)\"", "X-Linked-Size": String(data.count), "ETag": "W/\"redirect\"",
                "X-Repo-Commit": commit,
            ])
        }
        return HubTestServer.Reply(status: 200, headers: ["ETag": "\"\(digests[file]!.prefix(40))\"", "X-Repo-Commit": commit],
                                   body: data)
    }

    /// The CDN: serves large files by SHA-256, with byte ranges.
    private func cdn(_ sha: String, _ request: HubTestServer.Request) -> HubTestServer.Reply {
        guard let file = digests.first(where: { $0.value == sha })?.key, var data = files[file] else {
            return HubTestServer.Reply(status: 404)
        }
        if options.corruptLargeFile { data[data.count / 2] ^= 0xFF }
        var reply = HubTestServer.Reply(status: 200, headers: ["ETag": "\"\(sha)\""], body: data)
        if let range = request.headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"),
           let start = Int(range.dropFirst(6).dropLast()) {
            guard start < data.count else {
                return HubTestServer.Reply(status: 416, headers: ["Content-Range": "bytes */\(data.count)"])
            }
            reply = HubTestServer.Reply(status: 206, headers: ["Content-Range": "bytes \(start)-\(data.count - 1)/\(data.count)"],
                                        body: data.subdata(in: start..<data.count))
        }
        if request.method == "GET" {
            let first: Bool = lock.withLock {
                cdnAnswers += 1
                return cdnAnswers == 1
            }
            if first, let cut = options.cutFirstDownloadAfter { reply.cutAfter = cut }
        }
        return reply
    }
}
