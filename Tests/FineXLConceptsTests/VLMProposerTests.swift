@testable import FineXLConcepts
import FineXLCore
import FineXLImage
import FineXLSupport
import FineXLTestSupport
import Foundation
import XCTest

final class VLMProposerTests: XCTestCase {
    private let apiKey = "sk-test-DO-NOT-LEAK-4f2a9c"
    private var cacheDirectory: URL!

    override func setUpWithError() throws {
        cacheDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("finexl-vlm-tests-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: cacheDirectory)
    }

    private func settings(_ server: LocalHTTPServer, key: String? = nil, rounds: Int = 2, pairsPerRound: Int = 2,
                          timeout: Double = 10, maxRetries: Int = 4, cache: Bool = true) throws -> VLMSettings {
        var settings = VLMSettings(
            endpoint: try VLMSettings.chatCompletionsURL(server.baseURL), model: "test-vlm", apiKey: key,
            timeout: timeout, maxRetries: maxRetries, rounds: rounds, pairsPerRound: pairsPerRound, seed: 7,
            cacheDirectory: cache ? cacheDirectory : nil)
        settings.retryBaseDelay = 0.01
        return settings
    }

    private static func isRatingRequest(_ request: LocalHTTPServer.Request) -> Bool {
        String(decoding: request.body, as: UTF8.self).contains("{\\\"ratings\\\"")
    }

    /// The answer of a server whose model sees sepia and rates it 2.
    private static func sepiaAnswer(_ request: LocalHTTPServer.Request) -> LocalHTTPServer.Reply {
        .respond(status: 200, body: LocalHTTPServer.chatCompletion(
            isRatingRequest(request) ? "{\"ratings\": {\"sepia\": 2}}" : "{\"concepts\": [\"sepia\"]}"))
    }

    private static func textParts(_ request: LocalHTTPServer.Request) -> [String] {
        let messages = request.json?["messages"] as? [[String: Any]] ?? []
        let parts = messages.flatMap { $0["content"] as? [[String: Any]] ?? [] }
        return parts.compactMap { $0["text"] as? String }
    }

    private static func imageURLs(_ request: LocalHTTPServer.Request) -> [String] {
        let messages = request.json?["messages"] as? [[String: Any]] ?? []
        let parts = messages.flatMap { $0["content"] as? [[String: Any]] ?? [] }
        return parts.compactMap { ($0["image_url"] as? [String: Any])?["url"] as? String }
    }

    /// A server giving the same proposal every round and fixed ratings.
    private func conceptServer(_ proposal: String, ratings: String = "{\"ratings\": {\"warm tones\": 8, \"Film Grain\": \"3\"}}")
        throws -> LocalHTTPServer
    {
        try LocalHTTPServer { request, _ in
            if Self.isRatingRequest(request) {
                return .respond(status: 200, body: LocalHTTPServer.chatCompletion(ratings))
            }
            return .respond(status: 200, body: LocalHTTPServer.chatCompletion(proposal))
        }
    }

    // MARK: Request shape

    func testRequestCarriesModelJSONFormatAndImagesAsSmallPNGDataURLs() throws {
        let server = try conceptServer("{\"concepts\": [\"warm tones\"]}")
        defer { server.stop() }
        let pairs = InMemoryPairs(count: 3, width: 700, height: 300)
        _ = try VLMProposer(settings: settings(server, rounds: 1, pairsPerRound: 2)).propose(from: pairs)

        let proposal = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(proposal.method, "POST")
        XCTAssertEqual(proposal.path, "/v1/chat/completions")
        XCTAssertEqual(proposal.headers["content-type"], "application/json")
        let json = try XCTUnwrap(proposal.json)
        XCTAssertEqual(json["model"] as? String, "test-vlm")
        XCTAssertEqual((json["temperature"] as? NSNumber)?.doubleValue, 0)
        XCTAssertEqual((json["response_format"] as? [String: Any])?["type"] as? String, "json_object")
        let texts = Self.textParts(proposal)
        XCTAssertTrue(texts.contains("Pair 1 — image A (base), image B (personalized):"), "\(texts)")
        XCTAssertTrue(texts.contains("Pair 2 — image A (base), image B (personalized):"), "\(texts)")
        XCTAssertTrue(texts[0].contains("{\"concepts\""))
        XCTAssertTrue(texts[0].contains("NOT in content"))

        let urls = Self.imageURLs(proposal)
        XCTAssertEqual(urls.count, 4)
        for url in urls {
            XCTAssertTrue(url.hasPrefix("data:image/png;base64,"))
            let png = try XCTUnwrap(Data(base64Encoded: String(url.dropFirst("data:image/png;base64,".count))))
            let size = try XCTUnwrap(PNGHeader.size(of: [UInt8](png)), "not a PNG")
            XCTAssertEqual(size.width, 512)
            XCTAssertEqual(size.height, 219, accuracy: 1)
            let decoded = try ImageDecoder.decode(bytes: [UInt8](png), name: "sent image")
            XCTAssertEqual(decoded.width, size.width)
            XCTAssertEqual(decoded.height, size.height)
        }
    }

    func testSendsLargeRequestsIntact() throws {
        let server = try conceptServer("{\"concepts\": [\"grainy\"]}", ratings: "{\"ratings\": {\"grainy\": 7}}")
        defer { server.stop() }
        let result = try VLMProposer(settings: settings(server, rounds: 1, pairsPerRound: 1))
            .propose(from: InMemoryPairs(count: 1, width: 320, height: 320, noise: true))
        XCTAssertEqual(result.concepts.first?.naiveStrength, 7)
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertGreaterThan(request.body.count, 500_000)
        XCTAssertEqual(Self.imageURLs(request).count, 2)
    }

    func testSendsTheKeyOnlyAsBearerHeader() throws {
        let server = try conceptServer("{\"concepts\": [\"sepia\"]}")
        defer { server.stop() }
        _ = try VLMProposer(settings: settings(server, key: apiKey, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        XCTAssertFalse(server.requests.isEmpty)
        for request in server.requests {
            XCTAssertEqual(request.headers["authorization"], "Bearer \(apiKey)")
            XCTAssertFalse(String(decoding: request.body, as: UTF8.self).contains(apiKey))
        }
    }

    func testSendsNoAuthorizationWithoutKey() throws {
        let server = try conceptServer("{\"concepts\": [\"sepia\"]}")
        defer { server.stop() }
        _ = try VLMProposer(settings: settings(server, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        XCTAssertNil(server.requests.first?.headers["authorization"])
    }

    // MARK: Answers

    func testUnitesRoundsRemembersWhichProposedEachAndKeepsRatings() throws {
        let answers = [
            "{\"concepts\": [\"Warm tones\", \"film grain\"]}",
            "{\"concepts\": [\"vignette\"]}",
            "{\"concepts\": [\"warm tone\", \"Vignette.\"]}",
        ]
        let server = try LocalHTTPServer { request, index in
            if Self.isRatingRequest(request) {
                return .respond(status: 200, body: LocalHTTPServer.chatCompletion(
                    "{\"ratings\": {\"Warm Tones\": 8, \"film grain\": \"3.5\", \"vignette\": 42}}"))
            }
            return .respond(status: 200, body: LocalHTTPServer.chatCompletion(answers[index]))
        }
        defer { server.stop() }
        let result = try VLMProposer(settings: settings(server, rounds: 3)).propose(from: InMemoryPairs(count: 6))

        XCTAssertEqual(result.concepts.map(\.name), ["warm tones", "film grain", "vignette"])
        XCTAssertEqual(result.concepts.map(\.rounds), [[1, 3], [1], [2, 3]])
        XCTAssertEqual(result.concepts[0].naiveStrength, 8)
        XCTAssertEqual(result.concepts[1].naiveStrength, 3.5)
        XCTAssertNil(result.concepts[2].naiveStrength, "42 is outside 0–10")
        XCTAssertTrue(result.warnings.contains { $0.contains("\"vignette\"") }, "\(result.warnings)")
        XCTAssertEqual(result.concepts[0].origin, ConceptOrigin(kind: .vlm, detail: "VLM rounds 1, 3", naiveStrength: 8))
        XCTAssertEqual(result.concepts[1].origin.detail, "VLM round 1")
        XCTAssertEqual(result.requestsSent, 4)
        XCTAssertEqual(result.cacheHits, 0)
        XCTAssertTrue(result.rejected.isEmpty)

        let ratingRequest = try XCTUnwrap(server.requests.last)
        XCTAssertTrue(Self.textParts(ratingRequest)[0].contains("\"warm tones\", \"film grain\", \"vignette\""))
    }

    func testAcceptsAnswersWrappedInProseOrCodeFences() throws {
        let answers = [
            "Looking at the pairs, I notice:\n{\"concepts\": [\"sepia\"]}\nLet me know!",
            "```json\n{\"concepts\": [\"film grain\"]}\n```",
        ]
        let server = try LocalHTTPServer { request, index in
            if Self.isRatingRequest(request) {
                return .respond(status: 200, body: LocalHTTPServer.chatCompletion("```\n{\"ratings\": {\"sepia\": 9}}\n```"))
            }
            return .respond(status: 200, body: LocalHTTPServer.chatCompletion(answers[index]))
        }
        defer { server.stop() }
        let result = try VLMProposer(settings: settings(server, rounds: 2)).propose(from: InMemoryPairs(count: 4))
        XCTAssertEqual(result.concepts.map(\.name), ["sepia", "film grain"])
        XCTAssertEqual(result.concepts[0].naiveStrength, 9)
    }

    func testRejectsAnswersThatAreNotConceptsWithReasons() throws {
        let answer = """
            {"concepts": ["warm tones", "the colors are a lot warmer", "", 7, "1234", "a dog", "WARM TONES", "grainy"]}
            """
        let server = try conceptServer(answer)
        defer { server.stop() }
        let result = try VLMProposer(settings: settings(server, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        XCTAssertEqual(result.concepts.map(\.name), ["warm tones", "grainy"])
        let reasons = Dictionary(result.rejected.map { ($0.text, $0.reason) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(reasons["the colors are a lot warmer"], "longer than 3 words")
        XCTAssertEqual(reasons[""], "empty")
        XCTAssertEqual(reasons["7"], "not a string")
        XCTAssertEqual(reasons["1234"], "digits only")
        XCTAssertEqual(reasons["a dog"], "names content (\"dog\"), not style")
        XCTAssertEqual(reasons["WARM TONES"], "duplicate of \"warm tones\"")
        XCTAssertEqual(result.rejected.count, 6)
    }

    func testAcceptsOtherShapesOfAConceptList() {
        XCTAssertEqual(VLMProposer.proposedItems(in: ["concepts": "sepia, film grain"]) as? [String], ["sepia", " film grain"])
        XCTAssertEqual(VLMProposer.proposedItems(in: ["differences": ["sepia"]]) as? [String], ["sepia"])
        XCTAssertNil(VLMProposer.proposedItems(in: ["a": ["x"], "b": ["y"]]))
        XCTAssertNil(VLMProposer.proposedItems(in: ["concepts": 3]))
    }

    func testAcceptsConceptsGivenAsNamedObjectsAndListsRepeatedJunkOnce() throws {
        let server = try conceptServer("{\"concepts\": [{\"name\": \"Sepia\"}, {\"score\": 3}, \"dog\"]}",
                                       ratings: "{\"ratings\": {\"sepia\": 5}}")
        defer { server.stop() }
        let result = try VLMProposer(settings: settings(server, rounds: 3, pairsPerRound: 1)).propose(from: InMemoryPairs(count: 3))
        XCTAssertEqual(result.concepts.map(\.name), ["sepia"])
        XCTAssertEqual(result.concepts[0].rounds, [1, 2, 3])
        XCTAssertEqual(result.rejected.map(\.text), ["{\"score\":3}", "dog"])
    }

    func testInvalidSettingsAreRejectedBeforeAnythingIsSent() throws {
        let server = try conceptServer("{\"concepts\": [\"sepia\"]}")
        defer { server.stop() }
        var settings = try settings(server)
        settings.pairsPerRound = 0
        let message = errorMessage { _ = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 2)) }
        XCTAssertTrue(message.contains("pairs per round"), message)
        XCTAssertTrue(server.requests.isEmpty)
    }

    func testAnswerWithoutJSONFailsNamingModelAndQuotingAnswer() throws {
        let prose = "The second image of each pair looks warmer and has more grain than the first one does, overall."
        let server = try LocalHTTPServer { _, _ in .respond(status: 200, body: LocalHTTPServer.chatCompletion(prose)) }
        defer { server.stop() }
        let message = errorMessage {
            _ = try VLMProposer(settings: settings(server, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        }
        XCTAssertTrue(message.contains("\"test-vlm\""), message)
        XCTAssertTrue(message.contains("The second image of each pair looks warmer"), message)
        XCTAssertFalse(message.contains("first one does, overall"), "quote should stop at 80 characters: \(message)")
        XCTAssertEqual(server.requests.count, VLMClient.unusableAnswerRetries + 1)
    }

    func testRatingsTheModelWillNotGiveBecomeAWarning() throws {
        let server = try LocalHTTPServer { request, _ in
            .respond(status: 200, body: LocalHTTPServer.chatCompletion(
                Self.isRatingRequest(request) ? "I cannot rate that." : "{\"concepts\": [\"sepia\"]}"))
        }
        defer { server.stop() }
        let result = try VLMProposer(settings: settings(server, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        XCTAssertEqual(result.concepts.map(\.name), ["sepia"])
        XCTAssertNil(result.concepts[0].naiveStrength)
        XCTAssertEqual(result.warnings.count, 1)
        XCTAssertTrue(result.warnings[0].contains("ratings"), result.warnings[0])
    }

    func testNoUsableConceptIsAnError() throws {
        let server = try conceptServer("{\"concepts\": [\"a big red car\", \"dog\"]}")
        defer { server.stop() }
        let message = errorMessage {
            _ = try VLMProposer(settings: settings(server, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        }
        XCTAssertTrue(message.contains("proposed no usable concept"), message)
        XCTAssertTrue(message.contains("longer than 3 words"), message)
    }

    // MARK: Rounds

    func testRoundsShowDifferentPairsDeterministically() throws {
        func shownImages(seed: UInt64) throws -> [[String]] {
            let server = try conceptServer("{\"concepts\": [\"sepia\"]}")
            defer { server.stop() }
            var settings = try settings(server, rounds: 2, pairsPerRound: 2, cache: false)
            settings.seed = seed
            _ = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 4))
            return server.requests.filter { !Self.isRatingRequest($0) }.map(Self.imageURLs)
        }
        let first = try shownImages(seed: 7)
        XCTAssertEqual(first.count, 2)
        XCTAssertEqual(Set(first[0]).intersection(first[1]).count, 0, "rounds should show different pairs")
        XCTAssertEqual(try shownImages(seed: 7), first)
    }

    func testRoundsThatWouldRepeatTheSameQuestionAreSkipped() throws {
        let server = try conceptServer("{\"concepts\": [\"sepia\"]}", ratings: "{\"ratings\": {\"sepia\": 5}}")
        defer { server.stop() }
        let result = try VLMProposer(settings: settings(server, rounds: 4, pairsPerRound: 3, cache: false))
            .propose(from: InMemoryPairs(count: 2))
        XCTAssertEqual(result.requestsSent, 2, "one proposal round over both pairs, then the ratings")
        XCTAssertEqual(result.concepts.first?.rounds, [1])
        XCTAssertEqual(server.requests.first.map(Self.imageURLs)?.count, 4)
    }

    // MARK: Failures

    func testRetriesAfterRateLimitThenSucceeds() throws {
        let server = try LocalHTTPServer { request, index in
            if index < 2 {
                return .respond(status: 429, headers: ["Retry-After": "0"], body: "{\"error\": {\"message\": \"slow down\"}}")
            }
            return Self.sepiaAnswer(request)
        }
        defer { server.stop() }
        let result = try VLMProposer(settings: settings(server, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        XCTAssertEqual(result.concepts.map(\.name), ["sepia"])
        XCTAssertEqual(result.requestsSent, 4)
        XCTAssertEqual(server.requests.count, 4)
    }

    /// The waits one proposal makes (recorded by the clock, not slept) against a server that
    /// first answers 429 with `Retry-After` set to what `retryAfter` gives at that moment.
    private func waits(afterRateLimitWithRetryAfter retryAfter: @escaping @Sendable () -> String) throws -> [Double] {
        let server = try LocalHTTPServer { request, index in
            if index == 0 { return .respond(status: 429, headers: ["Retry-After": retryAfter()], body: "{}") }
            return Self.sepiaAnswer(request)
        }
        defer { server.stop() }
        let clock = RecordingClock()
        _ = try VLMProposer(settings: settings(server, rounds: 1), clock: clock).propose(from: InMemoryPairs(count: 2))
        XCTAssertEqual(server.requests.count, 3)
        return clock.waits
    }

    func testWaitsAsLongAsRetryAfterSays() throws {
        XCTAssertEqual(try waits(afterRateLimitWithRetryAfter: { "1" }), [1])
    }

    func testWaitsUntilTheDateRetryAfterGives() throws {
        let waits = try waits(afterRateLimitWithRetryAfter: {
            // Whole seconds, as HTTP-dates have: the wait is between 1 and 2 s from now.
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(secondsFromGMT: 0)
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return formatter.string(from: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) + 2))
        })
        XCTAssertEqual(waits.count, 1)
        XCTAssertTrue((0.9...2.1).contains(waits.first ?? 0), "\(waits)")
    }

    func testBacksOffExponentiallyWithoutRetryAfter() throws {
        let server = try LocalHTTPServer { _, _ in .respond(status: 503, body: "{}") }
        defer { server.stop() }
        let clock = RecordingClock()
        var settings = try settings(server, rounds: 1, maxRetries: 3)
        settings.retryBaseDelay = 2
        _ = errorMessage { _ = try VLMProposer(settings: settings, clock: clock).propose(from: InMemoryPairs(count: 2)) }
        XCTAssertEqual(clock.waits, [2, 4, 8])
    }

    func testServerRefusingResponseFormatIsAskedAgainWithoutIt() throws {
        let server = try LocalHTTPServer { request, _ in
            if request.json?["response_format"] != nil {
                return .respond(status: 400, body: "{\"error\": {\"message\": \"'response_format.type' must be 'json_schema'\"}}")
            }
            return Self.sepiaAnswer(request)
        }
        defer { server.stop() }
        let settings = try settings(server, rounds: 2, pairsPerRound: 1)
        let result = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 2))
        XCTAssertEqual(result.concepts.map(\.name), ["sepia"])
        XCTAssertEqual(server.requests.map { $0.json?["response_format"] == nil }, [false, true, true, true],
                       "only the first request should carry response_format")

        let again = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 2))
        XCTAssertEqual(again.requestsSent, 0, "answers to the plain requests are cached under the original question")
    }

    func testOtherBadRequestsAreNotRetried() throws {
        let server = try LocalHTTPServer { _, _ in
            .respond(status: 400, body: "{\"error\": {\"message\": \"image too large\"}}")
        }
        defer { server.stop() }
        let message = errorMessage {
            _ = try VLMProposer(settings: settings(server, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        }
        XCTAssertTrue(message.contains("HTTP 400") && message.contains("image too large"), message)
        XCTAssertEqual(server.requests.count, 1)
    }

    func testRetriesServerErrorsAndDroppedConnectionsThenGivesUp() throws {
        let server = try LocalHTTPServer { _, index in
            index % 2 == 0 ? .reset : .respond(status: 503, body: "{\"error\": {\"message\": \"overloaded\"}}")
        }
        defer { server.stop() }
        let message = errorMessage {
            _ = try VLMProposer(settings: settings(server, rounds: 1, maxRetries: 3)).propose(from: InMemoryPairs(count: 2))
        }
        XCTAssertEqual(server.requests.count, 4)
        XCTAssertTrue(message.contains("after 4 attempts"), message)
        XCTAssertTrue(message.contains("127.0.0.1:\(server.port)"), message)
    }

    func testServerThatNeverAnswersTimesOut() throws {
        let server = try LocalHTTPServer { _, _ in .hang }
        defer { server.stop() }
        let started = Date()
        let message = errorMessage {
            _ = try VLMProposer(settings: settings(server, rounds: 1, timeout: 0.5, maxRetries: 1))
                .propose(from: InMemoryPairs(count: 2))
        }
        XCTAssertTrue(message.contains("no answer within 0.5 s"), message)
        XCTAssertEqual(server.requests.count, 2)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(elapsed, 1.0, "each of the two attempts waits its whole 0.5 s, not less")
    }

    func testRejectedKeyGivesClearErrorThatDoesNotRepeatTheKey() throws {
        let server = try LocalHTTPServer { [apiKey] _, _ in
            .respond(status: 401, body: "{\"error\": {\"message\": \"Incorrect API key provided: \(apiKey)\"}}")
        }
        defer { server.stop() }
        let message = errorMessage {
            _ = try VLMProposer(settings: settings(server, key: apiKey, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        }
        XCTAssertTrue(message.contains("rejected the API key (HTTP 401)"), message)
        XCTAssertTrue(message.contains("FINEXL_VLM_API_KEY"), message)
        XCTAssertFalse(message.contains(apiKey), message)
        XCTAssertEqual(server.requests.count, 1, "a rejected key is not retried")
    }

    func testUnknownModelNamesTheModel() throws {
        let server = try LocalHTTPServer { _, _ in
            .respond(status: 404, body: "{\"error\": {\"message\": \"model 'test-vlm' not found\"}}")
        }
        defer { server.stop() }
        let message = errorMessage {
            _ = try VLMProposer(settings: settings(server, rounds: 1)).propose(from: InMemoryPairs(count: 2))
        }
        XCTAssertTrue(message.contains("HTTP 404"), message)
        XCTAssertTrue(message.contains("model \"test-vlm\""), message)
    }

    func testConnectionRefusedNamesTheEndpoint() throws {
        let server = try LocalHTTPServer { _, _ in .hang }
        let closedPort = server.port
        server.stop()
        let settings = VLMSettings(
            endpoint: try VLMSettings.chatCompletionsURL("http://127.0.0.1:\(closedPort)/v1"), model: "m",
            timeout: 5, maxRetries: 0, rounds: 1)
        let message = errorMessage { _ = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 2)) }
        XCTAssertTrue(message.contains("http://127.0.0.1:\(closedPort)/v1/chat/completions"), message)
        XCTAssertTrue(message.contains("connection refused"), message)
    }

    // MARK: Cache

    func testSecondRunIsAnsweredFromTheCacheAndSendsNothing() throws {
        let server = try conceptServer("{\"concepts\": [\"warm tones\", \"film grain\"]}")
        let settings = try settings(server, key: apiKey, rounds: 2)
        let first = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 4))
        XCTAssertEqual(first.requestsSent, 3)
        server.stop()

        // The server is gone: any request would fail to connect.
        let second = try VLMProposer(settings: settings).propose(from: InMemoryPairs(count: 4))
        XCTAssertEqual(second.requestsSent, 0)
        XCTAssertEqual(second.cacheHits, 3)
        XCTAssertEqual(second.concepts, first.concepts)
    }

    func testCacheNeverHoldsTheKey() throws {
        let server = try conceptServer("{\"concepts\": [\"warm tones\"]}")
        defer { server.stop() }
        _ = try VLMProposer(settings: settings(server, key: apiKey, rounds: 2)).propose(from: InMemoryPairs(count: 4))
        let files = try FileManager.default.contentsOfDirectory(at: cacheDirectory, includingPropertiesForKeys: nil)
        XCTAssertEqual(files.count, 3)
        for file in files {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            XCTAssertFalse(text.contains(apiKey), file.path)
            XCTAssertFalse(text.contains("DO-NOT-LEAK"), file.path)
        }
    }

    func testCacheFolderBlockedByAFileIsOneClearError() throws {
        let server = try conceptServer("{\"concepts\": [\"warm tones\"]}")
        defer { server.stop() }
        try Data("not a folder".utf8).write(to: cacheDirectory)
        XCTAssertThrowsError(try VLMProposer(settings: settings(server, key: apiKey, rounds: 1)).propose(from: InMemoryPairs(count: 4))) {
            let message = ($0 as? FineXLError)?.message ?? "\($0)"
            XCTAssertTrue(message.hasPrefix("cannot create the VLM answer cache folder \(cacheDirectory.path)"), message)
            XCTAssertTrue(message.hasSuffix("\(cacheDirectory.path) is a regular file, not a folder"), message)
        }
        XCTAssertEqual(String(decoding: try Data(contentsOf: cacheDirectory), as: UTF8.self), "not a folder", "the file is left as it was")
    }

    func testCacheKeyIgnoresTheKeyAndTheHost() throws {
        let body = Data("{\"model\":\"m\"}".utf8)
        let a = VLMAnswerCache.key(endpoint: URL(string: "http://localhost:11434/v1/chat/completions")!, body: body)
        let b = VLMAnswerCache.key(endpoint: URL(string: "http://127.0.0.1:9999/v1/chat/completions")!, body: body)
        let c = VLMAnswerCache.key(endpoint: URL(string: "http://localhost:11434/api/chat/completions")!, body: body)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertNotEqual(a, VLMAnswerCache.key(endpoint: URL(string: "http://localhost/v1/chat/completions")!,
                                                body: Data("{\"model\":\"n\"}".utf8)))
    }
}

/// Width and height from a PNG's signature and IHDR chunk.
enum PNGHeader {
    static func size(of bytes: [UInt8]) -> (width: Int, height: Int)? {
        let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        guard bytes.count > 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            return nil
        }
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }
}

/// A clock whose waits are recorded and pass at once; its time moves on by each wait.
private final class RecordingClock: VLMClock, @unchecked Sendable {
    private let lock = NSLock()
    private let start = Date()
    private var recorded: [Double] = []

    var waits: [Double] { lock.withLock { recorded } }
    var now: Date { lock.withLock { start.addingTimeInterval(recorded.reduce(0, +)) } }
    func sleep(seconds: Double) { lock.withLock { recorded.append(seconds) } }
}
