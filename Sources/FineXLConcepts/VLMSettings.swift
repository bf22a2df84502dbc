import FineXLCore
import FineXLSupport
import Foundation

/// How to reach a vision-language model and how much to ask it.
package struct VLMSettings: Sendable {
    /// The chat-completions URL requests go to (already resolved from a base URL).
    package var endpoint: URL
    package var model: String
    /// Sent only as `Authorization: Bearer`; local servers usually need none.
    package var apiKey: String?
    /// Seconds one request may take before it is abandoned.
    package var timeout: Double
    /// Extra attempts after a rate limit, a server error, a dropped connection or a timeout.
    package var maxRetries: Int
    /// Proposal requests, each over different sampled pairs.
    package var rounds: Int
    /// Base/personalized pairs shown in one proposal request.
    package var pairsPerRound: Int
    /// Seeds the choice of pairs per round, so runs are repeatable.
    package var seed: UInt64
    /// Where answers are kept so that a re-run sends nothing; nil disables the cache.
    package var cacheDirectory: URL?
    /// First wait before a retry, doubled on each further retry.
    package var retryBaseDelay: Double
    /// Longest side of an image as sent to the model.
    package var maxImageSide: Int

    package init(endpoint: URL, model: String, apiKey: String? = nil, timeout: Double = 60, maxRetries: Int = 4,
                rounds: Int = 4, pairsPerRound: Int = 3, seed: UInt64 = 0, cacheDirectory: URL? = nil,
                retryBaseDelay: Double = 1, maxImageSide: Int = 512) {
        self.endpoint = endpoint
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.rounds = rounds
        self.pairsPerRound = pairsPerRound
        self.seed = seed
        self.cacheDirectory = cacheDirectory
        self.retryBaseDelay = retryBaseDelay
        self.maxImageSide = maxImageSide
    }

    /// Settings from `--vlm-endpoint` / `--vlm-model` (nil when not given), falling back to
    /// `FINEXL_VLM_ENDPOINT` / `FINEXL_VLM_MODEL`; the key comes from `FINEXL_VLM_API_KEY`,
    /// else `OPENAI_API_KEY`. Empty values count as unset.
    package static func fromEnvironment(
        endpoint: String?, model: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        cacheDirectory: URL? = nil, seed: UInt64 = 0, timeout: Double = 60, maxRetries: Int = 4,
        rounds: Int = 4, pairsPerRound: Int = 3
    ) throws -> VLMSettings {
        func value(_ flag: String?, _ variable: String) -> String? {
            let chosen = nonEmpty(flag) ?? nonEmpty(environment[variable])
            return chosen.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        guard let endpointText = value(endpoint, "FINEXL_VLM_ENDPOINT") else {
            throw FineXLError("no VLM endpoint: pass --vlm-endpoint URL or set FINEXL_VLM_ENDPOINT "
                + "(e.g. https://api.openai.com/v1 or http://localhost:11434/v1)")
        }
        guard let modelName = value(model, "FINEXL_VLM_MODEL") else {
            throw FineXLError("no VLM model: pass --vlm-model NAME or set FINEXL_VLM_MODEL (e.g. gpt-4o)")
        }
        let apiKey = nonEmpty(environment["FINEXL_VLM_API_KEY"]) ?? nonEmpty(environment["OPENAI_API_KEY"])
        let settings = VLMSettings(
            endpoint: try chatCompletionsURL(endpointText), model: modelName,
            apiKey: apiKey?.trimmingCharacters(in: .whitespacesAndNewlines), timeout: timeout,
            maxRetries: maxRetries, rounds: rounds, pairsPerRound: pairsPerRound, seed: seed,
            cacheDirectory: cacheDirectory)
        try settings.validate()
        return settings
    }

    /// Throws when a number makes no sense (settings can also come from a notebook) or the
    /// endpoint would be reached over plain http beyond this machine.
    package func validate() throws {
        try Self.requireSecureTransport(endpoint)
        guard timeout > 0, timeout.isFinite else {
            throw FineXLError("VLM timeout must be a positive number of seconds, got \(timeout)")
        }
        guard maxRetries >= 0 else { throw FineXLError("VLM retries must be 0 or more, got \(maxRetries)") }
        guard rounds >= 1 else { throw FineXLError("VLM rounds must be at least 1, got \(rounds)") }
        guard pairsPerRound >= 1 else {
            throw FineXLError("VLM pairs per round must be at least 1, got \(pairsPerRound)")
        }
        guard maxImageSide >= 16 else {
            throw FineXLError("VLM image size must be at least 16 pixels, got \(maxImageSide)")
        }
        guard retryBaseDelay >= 0, retryBaseDelay.isFinite else {
            throw FineXLError("VLM retry delay must be 0 or more seconds, got \(retryBaseDelay)")
        }
        guard !model.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FineXLError("VLM model name is empty; pass --vlm-model NAME or set FINEXL_VLM_MODEL")
        }
    }

    /// Accepts the full chat-completions URL or a base URL (`…/v1`, or a bare host, which
    /// OpenAI-compatible servers serve under `/v1`).
    package static func chatCompletionsURL(_ text: String) throws -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard var components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else {
            throw FineXLError("VLM endpoint \"\(trimmed.prefix(120))\" is not an http:// or https:// URL "
                + "(expected e.g. https://api.openai.com/v1 or http://localhost:11434/v1/chat/completions)")
        }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/chat/completions") {
            // Already the full URL.
        } else if path.isEmpty {
            path = "/v1/chat/completions"
        } else {
            path += "/chat/completions"
        }
        components.path = path
        guard let url = components.url else {
            throw FineXLError("VLM endpoint \"\(trimmed.prefix(120))\" is not a valid URL")
        }
        return url
    }

    /// Refuses plain `http://` except to this machine (127.0.0.0/8, ::1, localhost): the images,
    /// and the API key when there is one, would otherwise cross the network unencrypted.
    package static func requireSecureTransport(_ url: URL) throws {
        guard url.scheme?.lowercased() == "http" else { return }
        let host = (URLComponents(url: url, resolvingAgainstBaseURL: false)?.host ?? "").lowercased()
        guard !isLoopback(host) else { return }
        throw FineXLError("VLM endpoint \(describe(url)) uses plain http, which would send the images (and any API key) "
            + "unencrypted; use https://, or a server on this machine (http://localhost, 127.0.0.1 or [::1])")
    }

    /// Whether a URL host names this machine: `localhost`, 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        if name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        let values = octets.map { $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } ? Int($0) : nil }
        guard values.count == 4, values.allSatisfy({ $0 != nil && $0! <= 255 }) else { return false }
        return values[0] == 127
    }

    /// The endpoint as shown in messages: no user, password or query, which may hold secrets.
    package static func describe(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.path }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? url.path
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }
}
