import Foundation

/// Scheme, host and port of a URL (the scheme's default port when none is written): the unit
/// `huggingface_hub` decides by whether a redirect is followed with the token or is a CDN's signed URL.
struct HubOrigin: Hashable {
    var scheme: String
    var host: String
    var port: Int

    init(_ url: URL) {
        scheme = url.scheme?.lowercased() ?? ""
        host = url.host?.lowercased() ?? ""
        port = url.port ?? ["http": 80, "https": 443][scheme] ?? 0
    }

    /// Hosts trusted with the token: the public hub, its staging host, `hf.co` and the configured endpoint.
    static func isSameOrHub(_ target: URL, from url: URL, endpoint: URL) -> Bool {
        let hubs = ["https://huggingface.co", "https://hub-ci.huggingface.co", "https://hf.co"]
            .compactMap(URL.init(string:)).map(HubOrigin.init) + [HubOrigin(endpoint), HubOrigin(url)]
        return hubs.contains(HubOrigin(target))
    }
}
