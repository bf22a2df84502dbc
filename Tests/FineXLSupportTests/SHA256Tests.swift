import FineXLSupport
import XCTest

final class SHA256Tests: XCTestCase {
    func testMatchesFIPSVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testIncrementalUpdatesEqualOneShot() {
        let text = String(repeating: "finexl ", count: 50)
        var hasher = SHA256()
        for chunk in text.split(separator: " ", omittingEmptySubsequences: false) {
            hasher.update(String(chunk))
            hasher.update(" ")
        }
        // The loop appends one extra trailing space.
        XCTAssertEqual(hasher.finalizeHex(), SHA256.hex(text + " "))
    }

    func testLongInputFedInOddChunks() {
        let bytes = (0..<40).flatMap { _ in (0...255).map(UInt8.init) }
        var hasher = SHA256()
        var start = 0
        for size in [1, 63, 64, 65, 7, 1000, 3000] where start < bytes.count {
            hasher.update(bytes[start..<min(start + size, bytes.count)])
            start += size
        }
        hasher.update(bytes[min(start, bytes.count)...])
        XCTAssertEqual(hasher.finalizeHex(), "e96760a87768717bcebcfd25ddc7d46b4dbc95a4b0014def080c08539f7d90d0")
        XCTAssertEqual(SHA256.hex(bytes: bytes), "e96760a87768717bcebcfd25ddc7d46b4dbc95a4b0014def080c08539f7d90d0")
    }
}
