@testable import FineXLConcepts
import XCTest

final class VocabularyTests: XCTestCase {
    func testHoldsAtLeast150Concepts() {
        XCTAssertGreaterThanOrEqual(Vocabulary.builtIn.count, 150)
    }

    func testContainsEveryPromisedLowLevelNameSpelledExactly() {
        let promised = [
            "warm tones", "cool tones", "vivid colors", "muted colors", "black and white", "sepia",
            "high contrast", "low contrast", "bright", "dark", "blurry", "sharp", "film grain",
            "vignette", "posterized",
        ]
        for name in promised {
            XCTAssertTrue(Vocabulary.builtIn.contains(name), name)
        }
    }

    func testHasNoDuplicatesEvenIgnoringCase() {
        var seen = Set<String>()
        for name in Vocabulary.builtIn {
            XCTAssertTrue(seen.insert(name.lowercased()).inserted, "duplicate: \(name)")
        }
    }

    func testEveryEntryIsAtMostThreeWordsLowercaseAndTrimmed() {
        for name in Vocabulary.builtIn {
            XCTAssertLessThanOrEqual(name.split(separator: " ").count, 3, name)
            XCTAssertEqual(name, name.lowercased(), name)
            XCTAssertEqual(name, name.trimmingCharacters(in: .whitespaces), name)
            XCTAssertFalse(name.contains("  "), name)
        }
    }

    func testEveryEntrySurvivesNormalizationUnchanged() {
        // A VLM proposing a vocabulary phrase verbatim must land on the same candidate.
        for name in Vocabulary.builtIn {
            XCTAssertEqual(ConceptNormalizer.normalize(name), .concept(name), name)
        }
    }
}
