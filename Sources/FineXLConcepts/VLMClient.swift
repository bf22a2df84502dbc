import FineXLCore
import FineXLSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Asks an OpenAI-compatible chat-completions endpoint one question at a time and returns
/// the JSON object in its answer. Transient failures (rate limits, server errors, dropped
/// connections, timeouts) are retried with exponential backoff; answers without JSON are
/// asked again a few times; answers are cached on disk by a hash of the question.
final class VLMClient {
    let settings: VLMSettings
    private(set) var requestsSent = 0
    private(set) var cacheHits = 0
    private let cache: VLMAnswerCache?
    private let session: URLSession
    private let clock: any VLMClock

    /// Re-asks after an answer with no usable JSON; few, because at temperature 0 the
    /// same question tends to get the same answer.
    static let unusableAnswerRetries = 2

    init(settings: VLMSettings, clock: any VLMClock) {
        self.settings = settings
        self.clock = clock
        cache = settings.cacheDirectory.map(VLMAnswerCache.init(directory:))
        let configuration = URLSessionConfiguration.ephemeral
        // The deadline is enforced in `perform`: swift-corelibs-foundation truncates these
        // to whole seconds (a 0.5 s timeout fires at once), so they are only a backstop.
        configuration.timeoutIntervalForRequest = Self.backstop(settings.timeout)
        configuration.timeoutIntervalForResource = Self.backstop(settings.timeout)
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// The endpoint as shown in messages: no user, password or query, which may hold secrets.
    var endpointDescription: String { VLMSettings.describe(settings.endpoint) }

    /// The model kept answering without the JSON asked for; callers decide whether that is fatal.
    struct UnusableAnswer: Error {
        let message: String
    }

    /// The first JSON object in the model's answer that `accept` takes, from the cache when
    /// this exact question was answered before. `what` names the question in errors.
    /// Throws `UnusableAnswer` when the model never gave such JSON, else `FineXLError`.
    func jsonAnswer(to request: ChatRequest, what: String, accept: ([String: Any]) -> Bool) throws -> [String: Any] {
        let body = try encode(request, what: what)
        // Keyed by the question as written, so a re-run hits the cache whichever form was sent.
        let key = VLMAnswerCache.key(endpoint: settings.endpoint, body: body)
        if let cached = cache?.answer(forKey: key), let object = JSONAnswer.firstObject(in: cached), accept(object) {
            cacheHits += 1
            return object
        }
        var lastAnswer = ""
        for _ in 0...Self.unusableAnswerRetries {
            let content = try completionAcceptingFormat(request, body: body, what: what)
            if let object = JSONAnswer.firstObject(in: content), accept(object) {
                try cache?.store(content, model: settings.model, forKey: key)
                return object
            }
            lastAnswer = content
        }
        throw UnusableAnswer(message: "VLM model \"\(settings.model)\" at \(endpointDescription) did not answer "
            + "\(what) with the JSON asked for after \(Self.unusableAnswerRetries + 1) tries; last answer: "
            + "\"\(redacted(JSONAnswer.quote(lastAnswer)))\"")
    }

    /// Some servers (LM Studio, older llama.cpp builds) refuse `response_format: json_object`;
    /// the prompt asks for JSON anyway, so the request is sent again without it, and so are
    /// later ones.
    private var omitsResponseFormat = false

    private func completionAcceptingFormat(_ request: ChatRequest, body: Data, what: String) throws -> String {
        if !omitsResponseFormat {
            do {
                return try completion(body: body)
            } catch is ResponseFormatRefused {
                omitsResponseFormat = true
            }
        }
        var plain = request
        plain.responseFormat = nil
        do {
            return try completion(body: try encode(plain, what: what))
        } catch let refused as ResponseFormatRefused {
            throw refused.error
        }
    }

    private func encode(_ request: ChatRequest, what: String) throws -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try encoder.encode(request)
        } catch {
            throw FineXLError("cannot encode the VLM request for \(what): \(error.localizedDescription)")
        }
    }

    /// An HTTP 400 that blames `response_format`.
    private struct ResponseFormatRefused: Error {
        let error: FineXLError
    }

    /// Sends the body, retrying transient failures, and returns the answer's message text.
    private func completion(body: Data) throws -> String {
        var request = URLRequest(url: settings.endpoint, timeoutInterval: Self.backstop(settings.timeout))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let apiKey = settings.apiKey {
            request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        }
        var attempt = 0
        while true {
            requestsSent += 1
            let outcome = perform(request)
            let retryable: String
            var serverDelay: Double?
            switch outcome {
            case .response(let status, _, let data) where (200..<300).contains(status):
                return try messageContent(of: data)
            case .response(let status, let retryAfter, let data):
                let detail = serverMessage(data)
                if status == 429 || status == 408 || (500..<600).contains(status) {
                    retryable = "HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")"
                    serverDelay = retryAfter
                } else if status == 400 && detail.contains("response_format") {
                    throw ResponseFormatRefused(error: httpError(status: status, detail: detail))
                } else {
                    throw httpError(status: status, detail: detail)
                }
            case .failure(let error):
                retryable = try transportFailure(error)
            }
            guard attempt < settings.maxRetries else {
                throw FineXLError("VLM endpoint \(endpointDescription) still failing after "
                    + "\(attempt + 1) attempt\(attempt == 0 ? "" : "s"): \(retryable)")
            }
            let backoff = settings.retryBaseDelay * pow(2, Double(attempt))
            clock.sleep(seconds: min(Self.longestWait, max(backoff, serverDelay ?? 0)))
            attempt += 1
        }
    }

    /// URLSession's own timeout, a whole second past ours, so ours always reports first.
    private static func backstop(_ timeout: Double) -> Double {
        (timeout + 1).rounded(.up)
    }

    /// Waits longer than this are cut short: a user is watching.
    static let longestWait = 120.0

    private enum Outcome {
        case response(status: Int, retryAfter: Double?, data: Data)
        case failure(URLError)
    }

    /// Runs one request synchronously: the public API is synchronous and URLSession's
    /// completion handler runs on the session's own queue, so waiting here cannot deadlock.
    private func perform(_ request: URLRequest) -> Outcome {
        let box = CompletionBox()
        let clock = clock
        let task = session.dataTask(with: request) { data, response, error in
            let outcome: Outcome
            if let response = response as? HTTPURLResponse {
                // Taken as seconds from now, so a date means waiting until then (within `longestWait`).
                let retryAfter = response.value(forHTTPHeaderField: "Retry-After")
                    .flatMap { RetryAfter.delay($0, now: clock.now) }
                outcome = .response(status: response.statusCode, retryAfter: retryAfter, data: data ?? Data())
            } else if let error = error as? URLError {
                outcome = .failure(error)
            } else {
                outcome = .failure(URLError(.unknown, userInfo: [
                    NSLocalizedDescriptionKey: error?.localizedDescription ?? "no response",
                ]))
            }
            box.finish(outcome)
        }
        task.resume()
        if box.semaphore.wait(timeout: .now() + settings.timeout) == .timedOut {
            task.cancel()
            // An answer that landed between the deadline and the cancel is kept, not asked again.
            if case .response? = box.outcome { return box.outcome! }
            return .failure(URLError(.timedOut))
        }
        return box.outcome ?? .failure(URLError(.unknown))
    }

    private final class CompletionBox: @unchecked Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var stored: Outcome?

        var outcome: Outcome? { lock.withLock { stored } }

        func finish(_ outcome: Outcome) {
            lock.withLock { stored = outcome }
            semaphore.signal()
        }
    }

    /// A description of a retryable failure, or a thrown error for one retrying cannot fix.
    private func transportFailure(_ error: URLError) throws -> String {
        switch error.code {
        case .timedOut:
            return "no answer within \(Self.seconds(settings.timeout))"
        case .networkConnectionLost, .badServerResponse, .cannotParseResponse, .zeroByteResource:
            return "the connection was dropped"
        case .cannotConnectToHost:
            throw FineXLError("cannot connect to VLM endpoint \(endpointDescription): connection refused "
                + "(is the server running and listening there?)")
        case .cannotFindHost, .dnsLookupFailed:
            throw FineXLError("cannot find the host of VLM endpoint \(endpointDescription)")
        case .notConnectedToInternet:
            throw FineXLError("cannot reach VLM endpoint \(endpointDescription): no network connection")
        case .unsupportedURL, .badURL:
            throw FineXLError("VLM endpoint \(endpointDescription) is not a URL this system can request")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            throw FineXLError("cannot open a secure connection to VLM endpoint \(endpointDescription): "
                + redacted(error.localizedDescription))
        default:
            throw FineXLError("request to VLM endpoint \(endpointDescription) failed: "
                + redacted(error.localizedDescription))
        }
    }

    private func httpError(status: Int, detail: String) -> FineXLError {
        let said = detail.isEmpty ? "" : " (server said: \(detail))"
        switch status {
        case 401, 403:
            let hint = settings.apiKey == nil
                ? "no key is set; set FINEXL_VLM_API_KEY or OPENAI_API_KEY"
                : "check FINEXL_VLM_API_KEY or OPENAI_API_KEY"
            return FineXLError("VLM endpoint \(endpointDescription) rejected the API key (HTTP \(status)); "
                + hint + said)
        case 404:
            return FineXLError("VLM endpoint \(endpointDescription) answered HTTP 404: model "
                + "\"\(settings.model)\" or the endpoint path was not found" + said)
        default:
            return FineXLError("VLM endpoint \(endpointDescription) refused the request for model "
                + "\"\(settings.model)\" (HTTP \(status))" + said)
        }
    }

    /// The text of the first choice; servers send it as a string or as a list of text parts.
    private func messageContent(of data: Data) throws -> String {
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        let choices = object?["choices"] as? [[String: Any]]
        let message = choices?.first?["message"] as? [String: Any]
        if let text = message?["content"] as? String {
            return text
        }
        if let parts = message?["content"] as? [[String: Any]] {
            return parts.compactMap { $0["text"] as? String }.joined(separator: "\n")
        }
        let text = String(decoding: data, as: UTF8.self)
        throw FineXLError("VLM endpoint \(endpointDescription) sent something that is not a chat completion "
            + "for model \"\(settings.model)\": \"\(redacted(JSONAnswer.quote(text)))\"")
    }

    /// The message of an OpenAI-style error body, or the start of whatever was sent.
    private func serverMessage(_ data: Data) -> String {
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        if let error = object?["error"] as? [String: Any], let message = error["message"] as? String {
            return redacted(JSONAnswer.quote(message, limit: 200))
        }
        if let message = object?["error"] as? String {
            return redacted(JSONAnswer.quote(message, limit: 200))
        }
        return redacted(JSONAnswer.quote(String(decoding: data, as: UTF8.self), limit: 200))
    }

    /// Servers sometimes echo the key they were given; it must not reach a message.
    func redacted(_ text: String) -> String {
        guard let key = settings.apiKey, !key.isEmpty else { return text }
        return text.replacingOccurrences(of: key, with: "[API key]")
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
