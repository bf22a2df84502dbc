import FineXLTestSupport
import Foundation

/// The VLM tests' server: the shared test server playing an OpenAI-compatible endpoint.
typealias LocalHTTPServer = TestHTTPServer

extension TestHTTPServer {
    /// The endpoint's base URL, as a user names it ("…/v1").
    var baseURL: String { endpoint + "/v1" }

    /// The body of a chat completion whose message is `content`.
    static func chatCompletion(_ content: String) -> String {
        let object: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "model": "test-model",
            "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": content]]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
