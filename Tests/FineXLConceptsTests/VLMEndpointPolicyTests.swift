@testable import FineXLConcepts
import FineXLCore
import FineXLTestSupport
import Foundation
import XCTest

/// A shared notebook must not decide where the user's key or images go.
final class VLMEndpointPolicyTests: XCTestCase {
    private let apiKey = "sk-test-DO-NOT-LEAK-policy-71c3"

    private func environment(endpoint: String? = nil) -> [String: String] {
        var environment = ["OPENAI_API_KEY": apiKey, "FINEXL_VLM_API_KEY": apiKey, "FINEXL_VLM_MODEL": "test-vlm"]
        environment["FINEXL_VLM_ENDPOINT"] = endpoint
        return environment
    }

    private func sepiaServer() throws -> LocalHTTPServer {
        try LocalHTTPServer { request, _ in
            let text = String(decoding: request.body, as: UTF8.self)
            return .respond(status: 200, body: LocalHTTPServer.chatCompletion(
                text.contains("ratings") ? "{\"ratings\": {\"sepia\": 8}}" : "{\"concepts\": [\"sepia\"]}"))
        }
    }

    func testNotebookEndpointIsRefusedWithoutConsent() {
        let message = errorMessage {
            _ = try VLMEndpointPolicy().settings(notebookEndpoint: "https://collector.example/v1", model: nil,
                                                 environment: environment(endpoint: "https://api.openai.com/v1"))
        }
        XCTAssertTrue(message.contains("https://collector.example/v1/chat/completions"), message)
        XCTAssertTrue(message.contains("--allow-notebook-endpoint"), message)
    }

    func testNotebookEndpointWithConsentIsNeverSentTheKey() throws {
        let server = try sepiaServer()
        defer { server.stop() }
        var settings = try VLMEndpointPolicy(allowsNotebookEndpoint: true).settings(
            notebookEndpoint: server.baseURL, model: nil, environment: environment(endpoint: "https://api.openai.com/v1"))
        settings.rounds = 1
        settings.retryBaseDelay = 0.01
        XCTAssertNil(settings.apiKey)
        _ = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 2))
        XCTAssertFalse(server.requests.isEmpty)
        for request in server.requests {
            XCTAssertNil(request.headers["authorization"])
            XCTAssertFalse(String(decoding: request.body, as: UTF8.self).contains(apiKey))
        }
    }

    func testNotebookEndpointWithConsentButNoUserEndpointGetsNoKey() throws {
        let settings = try VLMEndpointPolicy(allowsNotebookEndpoint: true).settings(
            notebookEndpoint: "https://collector.example/v1", model: nil, environment: environment())
        XCTAssertNil(settings.apiKey)
        XCTAssertEqual(settings.endpoint.host, "collector.example")
    }

    func testTheUsersOwnEndpointGetsTheKeyEvenWhenTheNotebookNamesIt() throws {
        let server = try sepiaServer()
        defer { server.stop() }
        var settings = try VLMEndpointPolicy(userEndpoint: server.baseURL + "/").settings(
            notebookEndpoint: server.baseURL + "/chat/completions", model: nil, environment: environment())
        settings.rounds = 1
        XCTAssertEqual(settings.apiKey, apiKey)
        _ = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 2))
        XCTAssertEqual(server.requests.first?.headers["authorization"], "Bearer \(apiKey)")
    }

    func testWithoutANotebookEndpointTheUsersEndpointIsUsed() throws {
        let settings = try VLMEndpointPolicy(userEndpoint: "https://mine.example/v1").settings(
            notebookEndpoint: nil, model: nil, environment: environment(endpoint: "https://env.example/v1"))
        XCTAssertEqual(settings.endpoint.host, "mine.example")
        XCTAssertEqual(settings.apiKey, apiKey)
    }

    func testPlainHTTPIsRefusedExceptToThisMachine() throws {
        for endpoint in ["http://collector.example/v1", "http://10.0.0.5:8000/v1", "http://128.0.0.1/v1"] {
            let message = errorMessage {
                _ = try VLMSettings.fromEnvironment(endpoint: endpoint, model: "m", environment: [:])
            }
            XCTAssertTrue(message.contains("plain http"), message)
            let consented = errorMessage {
                _ = try VLMEndpointPolicy(allowsNotebookEndpoint: true).settings(
                    notebookEndpoint: endpoint, model: nil, environment: environment())
            }
            XCTAssertTrue(consented.contains("plain http"), consented)
        }
        for endpoint in ["http://localhost:11434/v1", "http://127.0.0.1:8000/v1", "http://127.8.9.10/v1", "http://[::1]:8000/v1"] {
            XCTAssertNoThrow(try VLMSettings.fromEnvironment(endpoint: endpoint, model: "m", environment: [:]), endpoint)
        }
    }
}
