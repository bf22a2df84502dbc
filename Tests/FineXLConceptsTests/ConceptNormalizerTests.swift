@testable import FineXLConcepts
import XCTest

final class ConceptNormalizerTests: XCTestCase {
    private func name(_ raw: String) -> String? {
        if case .concept(let name) = ConceptNormalizer.normalize(raw) { return name }
        return nil
    }

    private func reason(_ raw: String) -> String? {
        if case .rejected(let reason) = ConceptNormalizer.normalize(raw) { return reason }
        return nil
    }

    func testLowercasesCollapsesWhitespaceAndDropsTrailingPunctuation() {
        XCTAssertEqual(name("  Film   GRAIN. "), "film grain")
        XCTAssertEqual(name("\"Sepia\","), "sepia")
        XCTAssertEqual(name("soft_focus!"), "soft focus")
    }

    func testDropsATrailingAside() {
        XCTAssertEqual(name("Warm tones (orange cast)"), "warm tones")
        XCTAssertEqual(name("(sepia)"), "sepia")
    }

    func testDropsListMarkers() {
        XCTAssertEqual(name("1. bright"), "bright")
        XCTAssertEqual(name("- vignette"), "vignette")
        XCTAssertEqual(name("• dark"), "dark")
    }

    func testMakesPluralsSingularExceptWhereTheVocabularyKeepsThem() {
        XCTAssertEqual(name("Warm Tones"), "warm tones")
        XCTAssertEqual(name("vivid colors"), "vivid colors")
        XCTAssertEqual(name("warm tone"), "warm tones")
        XCTAssertEqual(name("neon color"), "neon colors")
        XCTAssertEqual(name("visible brushstroke"), "visible brushstrokes")
        XCTAssertEqual(name("thick brushstrokes"), "thick brushstroke")
        XCTAssertEqual(name("soft glows"), "soft glow")
        XCTAssertEqual(name("sketchy patches"), "sketchy patch")
        XCTAssertEqual(name("fuzzy edges"), "fuzzy edge")
        XCTAssertEqual(name("glossiness"), "glossiness")
        XCTAssertEqual(name("blurry skies"), "blurry sky")
    }

    func testUsesTheVocabularySpellingOfHyphenatedPhrases() {
        XCTAssertEqual(name("Black-and-White"), "black and white")
        XCTAssertEqual(name("high-contrast"), "high contrast")
        XCTAssertEqual(name("ukiyo-e"), "ukiyo-e")
    }

    func testRejectsPhrasesLongerThanThreeWords() {
        XCTAssertEqual(reason("colors are much warmer overall"), "longer than 3 words")
    }

    func testRejectsEmptyAndDigitOnlyAnswers() {
        XCTAssertEqual(reason("  "), "empty")
        XCTAssertEqual(reason("\"\""), "empty")
        XCTAssertEqual(reason("1234"), "digits only")
        XCTAssertEqual(reason("..."), "empty")
    }

    func testRejectsContentNouns() {
        XCTAssertEqual(reason("extra dogs"), "names content (\"dogs\"), not style")
        XCTAssertEqual(reason("red hat"), "names content (\"hat\"), not style")
    }

    func testRejectsSayingThereIsNoDifference() {
        XCTAssertEqual(reason("No difference"), "says there is no difference")
    }
}
