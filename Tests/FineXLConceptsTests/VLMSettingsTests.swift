import FineXLConcepts
import FineXLSupport
import XCTest

final class VLMSettingsTests: XCTestCase {
    func testBaseURLGetsTheChatCompletionsPath() throws {
        XCTAssertEqual(try VLMSettings.chatCompletionsURL("https://api.openai.com/v1").absoluteString,
                       "https://api.openai.com/v1/chat/completions")
        XCTAssertEqual(try VLMSettings.chatCompletionsURL("http://localhost:11434/v1/").absoluteString,
                       "http://localhost:11434/v1/chat/completions")
        XCTAssertEqual(try VLMSettings.chatCompletionsURL("http://localhost:8000").absoluteString,
                       "http://localhost:8000/v1/chat/completions")
    }

    func testFullChatCompletionsURLIsKept() throws {
        XCTAssertEqual(try VLMSettings.chatCompletionsURL(" http://host:8080/v1/chat/completions ").absoluteString,
                       "http://host:8080/v1/chat/completions")
    }

    func testNonHTTPEndpointIsAnErrorQuotingIt() {
        for bad in ["localhost:11434", "ftp://example.com/v1", "not a url", ""] {
            XCTAssertThrowsError(try VLMSettings.chatCompletionsURL(bad), bad) { error in
                let message = (error as? FineXLError)?.message ?? ""
                XCTAssertTrue(message.contains("\"\(bad)\""), message)
            }
        }
    }

    func testFlagsWinOverEnvironment() throws {
        let environment = ["FINEXL_VLM_ENDPOINT": "https://env:1/v1", "FINEXL_VLM_MODEL": "env-model"]
        let settings = try VLMSettings.fromEnvironment(endpoint: "https://flag:2/v1", model: "flag-model",
                                                       environment: environment)
        XCTAssertEqual(settings.endpoint.absoluteString, "https://flag:2/v1/chat/completions")
        XCTAssertEqual(settings.model, "flag-model")
    }

    func testEnvironmentFillsMissingFlagsAndDefaultsHold() throws {
        let environment = ["FINEXL_VLM_ENDPOINT": "https://env:1/v1", "FINEXL_VLM_MODEL": "env-model",
                           "OPENAI_API_KEY": "openai-key"]
        let settings = try VLMSettings.fromEnvironment(endpoint: nil, model: "", environment: environment)
        XCTAssertEqual(settings.endpoint.absoluteString, "https://env:1/v1/chat/completions")
        XCTAssertEqual(settings.model, "env-model")
        XCTAssertEqual(settings.apiKey, "openai-key")
        XCTAssertEqual(settings.timeout, 60)
        XCTAssertEqual(settings.maxRetries, 4)
        XCTAssertEqual(settings.rounds, 4)
        XCTAssertEqual(settings.pairsPerRound, 3)
    }

    func testFineXLKeyWinsOverOpenAIKey() throws {
        let environment = ["FINEXL_VLM_API_KEY": "finexl-key", "OPENAI_API_KEY": "openai-key"]
        let settings = try VLMSettings.fromEnvironment(endpoint: "https://h/v1", model: "m", environment: environment)
        XCTAssertEqual(settings.apiKey, "finexl-key")
        XCTAssertNil(try VLMSettings.fromEnvironment(endpoint: "https://h/v1", model: "m", environment: [:]).apiKey)
    }

    func testMissingEndpointOrModelSaysWhatToSet() {
        XCTAssertThrowsError(try VLMSettings.fromEnvironment(endpoint: nil, model: "m", environment: [:])) { error in
            let message = (error as? FineXLError)?.message ?? ""
            XCTAssertTrue(message.contains("--vlm-endpoint") && message.contains("FINEXL_VLM_ENDPOINT"), message)
        }
        XCTAssertThrowsError(try VLMSettings.fromEnvironment(endpoint: "https://h/v1", model: nil, environment: [:])) { error in
            let message = (error as? FineXLError)?.message ?? ""
            XCTAssertTrue(message.contains("--vlm-model") && message.contains("FINEXL_VLM_MODEL"), message)
        }
    }

    func testRejectsNonsensicalCounts() {
        XCTAssertThrowsError(try VLMSettings.fromEnvironment(endpoint: "https://h/v1", model: "m", environment: [:], timeout: 0))
        XCTAssertThrowsError(try VLMSettings.fromEnvironment(endpoint: "https://h/v1", model: "m", environment: [:], rounds: 0))
    }
}
