import FineXLSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the hub states about one file, from a HEAD of its `resolve` URL (as
/// `huggingface_hub.get_hf_file_metadata` reads it).
struct HubFileMetadata {
    /// `X-Repo-Commit`: the commit the revision resolved to.
    var commit: String
    /// `X-Linked-Etag` (large files: their SHA-256) or `ETag` (small files: their git blob id), unquoted.
    var etag: String
    /// `X-Linked-Size`, else `Content-Length`.
    var size: Int64?
    /// Where to download from: the redirect's target for large files (a CDN), else the resolve URL.
    var location: URL
    /// The resolve URL asked; the token goes only to its host.
    var resolveURL: URL
    /// Stored through Git LFS: the hub states the SHA-256, and it is checked.
    var isLargeFile: Bool

    /// The hub has no such file at that revision; the repository and revision exist.
    struct EntryMissing: Error {
        var commit: String?
        var error: HubError
    }

    static func resolveURL(endpoint: URL, repository: String, revision: String, file: String) -> URL {
        // As huggingface_hub quotes them: the revision entirely (a branch may hold "/"), the file per path segment.
        let revisionPart = revision.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? revision
        let filePart = file.split(separator: "/").map {
            String($0).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? String($0)
        }.joined(separator: "/")
        return URL(string: "\(endpoint.absoluteString)/\(repository)/resolve/\(revisionPart)/\(filePart)")!
    }

    /// `W/"abc"` and `"abc"` are both `abc`.
    static func normalize(etag: String) -> String {
        var text = Substring(etag.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        return text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    static func fetch(id: HubModelID, revision: String, file: String, settings: HubSettings) throws -> HubFileMetadata {
        let resolveURL = resolveURL(endpoint: settings.endpoint, repository: id.repository, revision: revision, file: file)
        let transport = HubTransport(timeout: settings.metadataTimeout, deadline: settings.metadataTimeout)
        var url = resolveURL
        var response: HubTransport.Response
        var redirects = 0
        while true {
            var request = URLRequest(url: url)
            request.httpMethod = "HEAD"
            // The real size, not that of a compressed body.
            request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
            request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
            if let token = settings.token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            do {
                response = try transport.perform(request)
            } catch HubTransport.Failure.transport(let error, _, _) {
                let cause = "\(settings.endpoint.absoluteString) could not be reached (\(describe(error, timeout: settings.metadataTimeout)))"
                throw HubError(.unreachable, "cannot get \(file) of model \(id): \(cause); it is not in the Hugging Face cache "
                    + "\(settings.cache.path) either (fill it on a machine with network: `\(HubResolver.downloadCommand(id))`)",
                    cause: cause)
            }
            // Redirects within the hub (a renamed repository) are followed with the token; one to another
            // host (a large file's signed CDN URL) is the answer, and its headers carry the metadata.
            if (300..<400).contains(response.status), let next = response.location,
               HubOrigin.isSameOrHub(next, from: url, endpoint: settings.endpoint) {
                guard redirects < 10 else {
                    throw HubError(.transferFailed, "cannot get \(file) of model \(id): more than 10 redirects from \(resolveURL.absoluteString)")
                }
                url = next
                redirects += 1
                continue
            }
            break
        }
        guard (200..<400).contains(response.status) else {
            let error = failure(response, id: id, revision: revision, file: file, settings: settings)
            if response.header("X-Error-Code") == "EntryNotFound"
                || (response.status == 404 && response.header("X-Error-Code") == nil) {
                throw EntryMissing(commit: response.header("X-Repo-Commit").flatMap { HubCache.isCommitHash($0) ? $0 : nil },
                                   error: error)
            }
            throw error
        }
        let linkedEtag = response.header("X-Linked-Etag")
        guard let commit = response.header("X-Repo-Commit"), HubCache.isCommitHash(commit),
              let etag = (linkedEtag ?? response.header("ETag")).map(normalize(etag:)), !etag.isEmpty,
              !etag.contains("/"), etag != ".", etag != ".." else {
            throw HubError(.transferFailed, "cannot get \(file) of model \(id): the answer of \(settings.endpoint.absoluteString) "
                + "has no commit (X-Repo-Commit) or no ETag; is HF_ENDPOINT a Hugging Face hub?")
        }
        let size = (response.header("X-Linked-Size") ?? response.header("Content-Length")).flatMap { Int64($0) }
        let location = (300..<400).contains(response.status) ? (response.location ?? url) : url
        let isSHA256 = etag.count == 64 && etag.allSatisfy(\.isHexDigit)
        return HubFileMetadata(commit: commit, etag: etag, size: size, location: location, resolveURL: resolveURL,
                               isLargeFile: linkedEtag != nil || isSHA256)
    }

    /// The error for a refused request, from the status and the hub's `X-Error-Code`.
    static func failure(_ response: HubTransport.Response, id: HubModelID, revision: String, file: String,
                        settings: HubSettings) -> HubError {
        let code = response.header("X-Error-Code")
        let hub = settings.endpoint.absoluteString
        switch (code, response.status) {
        case ("RepoNotFound", _):
            let hint = settings.token == nil ? " (or it is private: set HF_TOKEN to a token that can read it)" : ""
            return HubError(.notFound, "model \(id): no such repository on \(hub)\(hint)")
        case ("GatedRepo", _):
            if settings.token == nil {
                return HubError(.accessDenied, "model \(id) is gated: accept its conditions at \(hub)/\(id.repository) "
                    + "and set HF_TOKEN to a token of that account (HTTP \(response.status) for \(file))")
            }
            return HubError(.accessDenied, "model \(id) is gated and the token in HF_TOKEN has not been granted access; "
                + "request it at \(hub)/\(id.repository) (HTTP \(response.status) for \(file))")
        case ("RevisionNotFound", _):
            return HubError(.notFound, "model \(id): the repository has no revision \(revision)")
        case ("EntryNotFound", _), (nil, 404):
            return HubError(.notFound, "model \(id) has no file \(file) at revision \(revision) "
                + "(FineXL reads a transformers CLIPModel folder: \(HubFiles.clip.required.joined(separator: ", ")))")
        case (_, 401), (_, 403):
            if settings.token == nil {
                return HubError(.accessDenied, "model \(id) needs a token (HTTP \(response.status) for \(file)): set HF_TOKEN")
            }
            return HubError(.accessDenied, "model \(id): the hub refused the token in HF_TOKEN (HTTP \(response.status) for \(file))")
        default:
            let message = response.header("X-Error-Message").map { ": \($0)" } ?? ""
            return HubError(.transferFailed, "cannot get \(file) of model \(id): \(hub) answered HTTP \(response.status)\(message)")
        }
    }

    static func describe(_ error: URLError, timeout: Double) -> String {
        switch error.code {
        case .timedOut: return "no answer within \(String(format: "%g", timeout)) s"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .cannotConnectToHost: return "connection refused"
        case .notConnectedToInternet: return "no network"
        case .networkConnectionLost: return "the connection broke"
        default: return error.localizedDescription
        }
    }

    static var userAgent: String { "finexl/\(FineXLVersion.current)" }
}
