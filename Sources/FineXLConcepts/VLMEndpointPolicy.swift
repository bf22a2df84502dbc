import FineXLCore
import FineXLSupport
import Foundation

/// Who decides where images and the API key go when a notebook asks a VLM.
///
/// A notebook is shared and rendered by people who did not write it, so it must not choose
/// where the user's key or images are sent:
/// - the key (`FINEXL_VLM_API_KEY`, else `OPENAI_API_KEY`) goes only to the endpoint the user
///   named (`--vlm-endpoint`, else `FINEXL_VLM_ENDPOINT`);
/// - a notebook's own `endpoint:` is used only when the user consents on the command line
///   (`--allow-notebook-endpoint`), and even then gets no key unless it is the user's endpoint;
/// - plain `http://` is refused for every endpoint except this machine (see `VLMSettings.requireSecureTransport`).
package struct VLMEndpointPolicy: Sendable, Equatable {
    /// The endpoint named on the command line; nil falls back to `FINEXL_VLM_ENDPOINT`.
    package var userEndpoint: String?
    /// The user's consent that a notebook may name its own endpoint (sent no key).
    package var allowsNotebookEndpoint: Bool

    package init(userEndpoint: String? = nil, allowsNotebookEndpoint: Bool = false) {
        self.userEndpoint = userEndpoint
        self.allowsNotebookEndpoint = allowsNotebookEndpoint
    }

    /// The command-line flag that gives consent, named in messages.
    package static let consentFlag = "--allow-notebook-endpoint"

    /// Settings for a notebook's `concepts` directive with `from: vlm`.
    /// - Parameter notebookEndpoint: the directive's `endpoint:`, nil when it names none.
    package func settings(
        notebookEndpoint: String?, model: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        cacheDirectory: URL? = nil, rounds: Int = 4, pairsPerRound: Int = 3
    ) throws -> VLMSettings {
        let user = Self.nonEmpty(userEndpoint) ?? Self.nonEmpty(environment["FINEXL_VLM_ENDPOINT"])
        if let notebookText = Self.nonEmpty(notebookEndpoint) {
            let requested = try VLMSettings.chatCompletionsURL(notebookText)
            let isUsers = try user.map { Self.sameEndpoint(try VLMSettings.chatCompletionsURL($0), requested) } ?? false
            if !isUsers {
                guard allowsNotebookEndpoint else {
                    throw FineXLError("the notebook asks to send the images to VLM endpoint \(VLMSettings.describe(requested)), "
                        + "which you did not choose; to use it, render with \(Self.consentFlag) (it is sent no API key), "
                        + "or name it yourself with FINEXL_VLM_ENDPOINT (or --vlm-endpoint) if you trust it with your key")
                }
                var keyless = environment
                keyless["FINEXL_VLM_API_KEY"] = nil
                keyless["OPENAI_API_KEY"] = nil
                return try VLMSettings.fromEnvironment(
                    endpoint: notebookText, model: model, environment: keyless,
                    cacheDirectory: cacheDirectory, rounds: rounds, pairsPerRound: pairsPerRound)
            }
        }
        // The user's endpoint, the only one the key may go to.
        return try VLMSettings.fromEnvironment(
            endpoint: user, model: model, environment: environment,
            cacheDirectory: cacheDirectory, rounds: rounds, pairsPerRound: pairsPerRound)
    }

    /// Same scheme, host (case-insensitively), port and path.
    static func sameEndpoint(_ a: URL, _ b: URL) -> Bool {
        func parts(_ url: URL) -> [String] {
            let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
            let scheme = components?.scheme?.lowercased() ?? ""
            let port = components?.port ?? (scheme == "https" ? 443 : 80)
            return [scheme, components?.host?.lowercased() ?? "", String(port), components?.path ?? "",
                    components?.query ?? "", components?.user ?? ""]
        }
        return parts(a) == parts(b)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }
}
