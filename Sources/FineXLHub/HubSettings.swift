import Foundation

/// Where the Hugging Face cache is, which hub to ask, and how: read from the same
/// environment variables `huggingface_hub` reads, so both tools share one cache.
package struct HubSettings: Sendable {
    /// The hub cache: `$HF_HUB_CACHE`, else `$HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`,
    /// else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`.
    package var cache: URL
    /// `$HF_ENDPOINT`, else the public hub.
    package var endpoint: URL
    /// `$HF_TOKEN`, else the token `huggingface-cli login` stored (`$HF_TOKEN_PATH`, else `$HF_HOME/token`).
    package var token: String?
    /// `HF_HUB_OFFLINE=1`: never touch the network.
    package var offline: Bool
    /// Seconds without an answer before a metadata request (`HF_HUB_ETAG_TIMEOUT`) or a
    /// download (`HF_HUB_DOWNLOAD_TIMEOUT`) gives up; short, so a machine without network fails fast.
    package var metadataTimeout: Double
    package var downloadTimeout: Double
    /// A progress line on stderr, when stderr is a terminal.
    package var showProgress: Bool

    package static let publicEndpoint = URL(string: "https://huggingface.co")!

    package init(cache: URL, endpoint: URL = HubSettings.publicEndpoint, token: String? = nil, offline: Bool = false,
                metadataTimeout: Double = 10, downloadTimeout: Double = 10, showProgress: Bool = false) {
        self.cache = cache
        self.endpoint = endpoint
        self.token = token
        self.offline = offline
        self.metadataTimeout = metadataTimeout
        self.downloadTimeout = downloadTimeout
        self.showProgress = showProgress
    }

    /// The settings `huggingface_hub` would use in this environment.
    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        func path(_ text: String) -> URL {
            URL(fileURLWithPath: Self.expandingTilde(text, home: value("HOME")), isDirectory: true)
        }
        let home: URL
        if let hfHome = value("HF_HOME") {
            home = path(hfHome)
        } else {
            home = path(value("XDG_CACHE_HOME") ?? "~/.cache").appendingPathComponent("huggingface", isDirectory: true)
        }
        cache = (value("HF_HUB_CACHE") ?? value("HUGGINGFACE_HUB_CACHE")).map(path)
            ?? home.appendingPathComponent("hub", isDirectory: true)
        var endpointText = value("HF_ENDPOINT") ?? Self.publicEndpoint.absoluteString
        while endpointText.hasSuffix("/") { endpointText.removeLast() }
        endpoint = URL(string: endpointText) ?? Self.publicEndpoint
        if let token = value("HF_TOKEN") ?? value("HUGGING_FACE_HUB_TOKEN") {
            self.token = token
        } else {
            let tokenFile = value("HF_TOKEN_PATH").map { URL(fileURLWithPath: Self.expandingTilde($0, home: value("HOME"))) }
                ?? home.appendingPathComponent("token")
            let stored = (try? String(contentsOf: tokenFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            token = stored?.isEmpty == false ? stored : nil
        }
        offline = ["1", "ON", "YES", "TRUE"].contains(value("HF_HUB_OFFLINE")?.uppercased() ?? "")
        metadataTimeout = value("HF_HUB_ETAG_TIMEOUT").flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 10
        downloadTimeout = value("HF_HUB_DOWNLOAD_TIMEOUT").flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 10
        showProgress = isatty(STDERR_FILENO) == 1
    }

    static func expandingTilde(_ text: String, home: String?) -> String {
        guard text == "~" || text.hasPrefix("~/") else { return text }
        let homePath = home ?? FileManager.default.homeDirectoryForCurrentUser.path
        return homePath + text.dropFirst()
    }
}
