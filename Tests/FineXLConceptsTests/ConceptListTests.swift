import FineXLConcepts
import FineXLSupport
import XCTest

final class ConceptListTests: XCTestCase {
    func testSplitsOnCommasAndTrims() throws {
        XCTAssertEqual(try ConceptList.parse(" warm tones,film grain ,  sepia"), ["warm tones", "film grain", "sepia"])
    }

    func testDropsEmptyEntriesAndCollapsesInnerWhitespace() throws {
        XCTAssertEqual(try ConceptList.parse("warm   tones,, ,vignette,"), ["warm tones", "vignette"])
    }

    func testDropsCaseInsensitiveRepeatsKeepingFirstSpelling() throws {
        XCTAssertEqual(try ConceptList.parse("Film Grain, sepia, film grain, SEPIA"), ["Film Grain", "sepia"])
    }

    func testStripsQuotesLeftFromShellOrYAML() throws {
        XCTAssertEqual(try ConceptList.parse("\"warm tones\", 'sepia'"), ["warm tones", "sepia"])
    }

    func testAcceptsAnAlreadySplitList() throws {
        XCTAssertEqual(try ConceptList.parse(["warm tones", " ", "Warm Tones", "bright"]), ["warm tones", "bright"])
    }

    func testEmptyListIsAnErrorQuotingTheInput() {
        XCTAssertThrowsError(try ConceptList.parse(" , ,")) { error in
            let message = (error as? FineXLError)?.message ?? ""
            XCTAssertTrue(message.contains("names no concept"), message)
            XCTAssertTrue(message.contains("\" , ,\""), message)
        }
        XCTAssertThrowsError(try ConceptList.parse([String]()))
    }
}
