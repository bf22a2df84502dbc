@testable import FineXLConcepts
import XCTest

final class JSONAnswerTests: XCTestCase {
    func testFindsObjectInsideProse() {
        let object = JSONAnswer.firstObject(in: "Sure! Here you go: {\"concepts\": [\"sepia\"]} Hope this helps.")
        XCTAssertEqual(object?["concepts"] as? [String], ["sepia"])
    }

    func testFindsObjectInsideCodeFence() {
        let text = "```json\n{\n  \"concepts\": [\"film grain\", \"vignette\"]\n}\n```"
        XCTAssertEqual(JSONAnswer.firstObject(in: text)?["concepts"] as? [String], ["film grain", "vignette"])
    }

    func testIgnoresBracesInsideStringsAndKeepsNesting() {
        let text = "{\"ratings\": {\"odd } name\": 3, \"b\\\"{\": 4}}"
        let ratings = JSONAnswer.firstObject(in: text)?["ratings"] as? [String: Any]
        XCTAssertEqual(ratings?.count, 2)
        XCTAssertEqual((ratings?["odd } name"] as? NSNumber)?.intValue, 3)
    }

    func testSkipsBracedTextThatIsNotJSON() {
        let text = "Differences {as I see them}: {\"concepts\": [\"dark\"]}"
        XCTAssertEqual(JSONAnswer.firstObject(in: text)?["concepts"] as? [String], ["dark"])
    }

    func testReturnsNilWithoutJSON() {
        XCTAssertNil(JSONAnswer.firstObject(in: "The second image is warmer."))
        XCTAssertNil(JSONAnswer.firstObject(in: "{unclosed"))
        XCTAssertNil(JSONAnswer.firstObject(in: ""))
    }

    func testQuoteIsOneLineAndBounded() {
        let quoted = JSONAnswer.quote(String(repeating: "ab\n", count: 60))
        XCTAssertFalse(quoted.contains("\n"))
        XCTAssertEqual(quoted.count, 81)
    }
}
