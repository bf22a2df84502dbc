import FineXLSupport
import XCTest

final class TerminalTextTests: XCTestCase {
    func testControlSequencesAreEscaped() {
        let hostile = "a\u{1B}]0;owned\u{07}b\u{1B}[2Jc\rd\ne\u{7F}f\u{9B}31mg\u{202E}h"
        let safe = TerminalText.safe(hostile)
        XCTAssertEqual(safe, "a\\u{1B}]0;owned\\u{7}b\\u{1B}[2Jc\\u{D}d\\u{A}e\\u{7F}f\\u{9B}31mg\\u{202E}h")
        XCTAssertFalse(safe.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) })
    }

    func testOrdinaryTextIsUnchanged() {
        XCTAssertEqual(TerminalText.safe("Bilder/größe 0001.png — ok \\ 漢字"), "Bilder/größe 0001.png — ok \\ 漢字")
    }

    func testInvalidUTF8BytesBecomeHexEscapes() {
        XCTAssertEqual(TerminalText.escapedName(bytes: [0x61, 0xFF, 0x62, 0xC3, 0xA9, 0x1B, 0xC3]), "a\\xFFbé\\u{1B}\\xC3")
    }
}
