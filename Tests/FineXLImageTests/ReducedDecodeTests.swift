@testable import FineXLImage
import FineXLSupport
import Foundation
import XCTest

/// Decoding with a reduction reduces rows as they arrive; it must give exactly the full decode
/// reduced afterwards, whatever the file's kind.
final class ReducedDecodeTests: XCTestCase {
    private func assertReducedDecodeMatchesFullDecode(_ bytes: [UInt8], name: String,
                                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let full = try ImageDecoder.decode(bytes: bytes, name: name)
        for kept in 1...min(full.width, full.height) {
            let reduction = BoxReduction(shortestSide: kept)
            let k = reduction.factor(width: full.width, height: full.height)
            let reduced = try ImageDecoder.decode(bytes: bytes, name: name, reduction: reduction)
            XCTAssertEqual(reduced, ReducedImage(full, by: k), "\(name) reduced by \(k)", file: file, line: line)
        }
    }

    func testEveryFixtureKindDecodesReducedAsFullDecodeThenReduction() throws {
        // 8- and 16-bit, gray, gray+alpha, palette, RGB, RGBA, tRNS, Adam7, and JPEG; the 7×5 and
        // 13×11 sizes leave a remainder that is dropped.
        let names = try Fixtures.cases().keys.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 21)
        for name in names {
            try assertReducedDecodeMatchesFullDecode(Fixtures.bytes(name), name: name)
        }
    }

    func testLargerEightBitImagesDecodeReducedAsFullDecodeThenReduction() throws {
        var generator = SplitMix(seed: 11)
        let width = 61, height = 38
        var rgba: [UInt8] = []
        for _ in 0..<(width * height) {
            let value = generator.next()
            rgba += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
                     UInt8(truncatingIfNeeded: value >> 16), value % 3 == 0 ? 255 : UInt8(truncatingIfNeeded: value >> 24)]
        }
        try assertReducedDecodeMatchesFullDecode(PNGEncoder.encodeRGBA(width: width, height: height, rgba: rgba),
                                                 name: "rgba.png")
        let opaque = RGBImage(width: width, height: height,
                              pixels: (0..<(width * height * 3)).map { Float(($0 * 37) % 256) / 255 })
        try assertReducedDecodeMatchesFullDecode(PNGEncoder.encode(opaque), name: "rgb.png")
    }

    func testReadFilesDecodeReduced() throws {
        let folder = try makeTemporaryFolder(self)
        let url = folder.appendingPathComponent("a.png")
        let image = RGBImage(width: 40, height: 30, pixels: (0..<3600).map { Float($0 % 256) / 255 })
        try Data(PNGEncoder.encode(image)).write(to: url)
        let reduction = BoxReduction(shortestSide: 10)
        let expected = ReducedImage(try ImageDecoder.decode(contentsOf: url), by: 3)
        XCTAssertEqual(try ImageDecoder.decode(contentsOf: url, reduction: reduction), expected)
        XCTAssertEqual(try ImageDecoder.read(url).decode(reduction: reduction), expected)
        XCTAssertEqual(try ImageDecoder.read(url).decode(), try ImageDecoder.decode(contentsOf: url))
    }

    func testCorruptFilesAreStillErrorsNamingTheFileWhenReduced() throws {
        let bytes = try Fixtures.bytes("rgb16.png")
        let reduction = BoxReduction(shortestSide: 2)
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try ImageDecoder.decode(bytes: Array(bytes.prefix(length)), name: "cut.png",
                                                         reduction: reduction)) { error in
                XCTAssertTrue("\(error)".hasPrefix("cut.png "), "\(error)")
            }
        }
    }
}
