@testable import FineXLImage
import FineXLTestSupport
import XCTest

/// Well-formed PNGs of the common kinds are inflated whole instead of by libpng's rows; the pixels
/// must be libpng's, and anything unusual or damaged must get libpng's answer.
final class WholeBufferDecodeTests: XCTestCase {
    private func randomPNG(colorType: UInt8, bitDepth: UInt8, width: Int, height: Int, seed: UInt64) -> TestPNG {
        var generator = SplitMix(seed: seed)
        var png = TestPNG(width: width, height: height, colorType: colorType, bitDepth: bitDepth, samples: [])
        let top = UInt64(1) << UInt64(bitDepth)
        png.samples = (0..<(width * height * png.channels)).map { i in
            // Smooth runs and noise, so every filter meets both small and large differences.
            i % 7 < 3 ? UInt16(UInt64(i * 13) % top) : UInt16(generator.next() % top)
        }
        return png
    }

    private func assertSameAsLibpng(_ bytes: [UInt8], _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let whole = try PNGCodec.decode(bytes: bytes, name: label, reduction: .none)
        let rows = try PNGCodec.decode(bytes: bytes, name: label, reduction: .none, wholeBuffer: false)
        XCTAssertEqual(whole, rows, label, file: file, line: line)
    }

    func testEveryFilterColourTypeAndDepthDecodesAsLibpngDoes() throws {
        var seed: UInt64 = 1
        for colorType: UInt8 in [0, 2, 4, 6] {
            for bitDepth: UInt8 in [8, 16] {
                for (width, height) in [(1, 1), (5, 3), (17, 11)] {
                    seed += 1
                    var png = randomPNG(colorType: colorType, bitDepth: bitDepth, width: width, height: height, seed: seed)
                    for filters in [{ (y: Int) in UInt8(y % 5) }, { _ in 3 }, { _ in 4 }, { _ in 1 }] {
                        png.filter = filters
                        let label = "type \(colorType), \(bitDepth)-bit, \(width)×\(height)"
                        XCTAssertTrue(PNGCodec.inflatesWhole(png.bytes), label)
                        try assertSameAsLibpng(png.bytes, label)
                    }
                }
            }
        }
    }

    func testEncodedFilesAndFixturesDecodeAsLibpngDoes() throws {
        var generator = SplitMix(seed: 5)
        let rgba = (0..<(45 * 31 * 4)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let encoded = try PNGEncoder.encodeRGBA(width: 45, height: 31, rgba: rgba)
        XCTAssertTrue(PNGCodec.inflatesWhole(encoded))
        try assertSameAsLibpng(encoded, "encoded RGBA")
        for name in try Fixtures.cases().keys.sorted() where name.hasSuffix(".png") {
            try assertSameAsLibpng(Fixtures.bytes(name), name)
        }
    }

    func testPaletteInterlacedLowDepthAndTransparencyKeyGoToLibpng() throws {
        for name in ["palette8.png", "palette4_trns.png", "rgb8_interlaced.png", "gray4.png", "gray1.png",
                     "rgb8_trns.png", "gray8_trns.png"] {
            XCTAssertFalse(PNGCodec.inflatesWhole(try Fixtures.bytes(name)), name)
        }
        for name in ["rgb8.png", "rgba16.png", "gray16.png", "gray_alpha8.png"] {
            XCTAssertTrue(PNGCodec.inflatesWhole(try Fixtures.bytes(name)), name)
        }
    }

    func testAncillaryChunksAreSkippedButAnUnknownCriticalChunkIsLibpngs() throws {
        var png = randomPNG(colorType: 2, bitDepth: 8, width: 9, height: 4, seed: 3)
        png.extraChunks = [("gAMA", [0, 0, 0xB1, 0x8F]), ("tEXt", Array("Comment\0hi".utf8))]
        XCTAssertTrue(PNGCodec.inflatesWhole(png.bytes))
        try assertSameAsLibpng(png.bytes, "with ancillary chunks")
        png.extraChunks = [("ZZZZ", [1, 2, 3])]
        XCTAssertFalse(PNGCodec.inflatesWhole(png.bytes))
        let message = errorMessage { _ = try ImageDecoder.decode(bytes: png.bytes, name: "critical.png") }
        XCTAssertTrue(message.hasPrefix("critical.png is not a valid PNG ("), message)
    }

    func testDamagedPixelDataIsLibpngsError() throws {
        var bytes = randomPNG(colorType: 6, bitDepth: 8, width: 20, height: 10, seed: 4).bytes
        bytes[bytes.count - 40] ^= 0x10  // inside the last IDAT: its CRC no longer matches
        XCTAssertFalse(PNGCodec.inflatesWhole(bytes))
        // libpng meets the damaged sample before the chunk's end, so the stream's checksum fails first.
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(bytes: bytes, name: "damaged.png") },
                       "damaged.png is not a valid PNG (IDAT: incorrect data check)")
    }

    func testWrongStreamChecksumIsAnErrorEvenWithCorrectChunkCRCs() throws {
        let png = randomPNG(colorType: 2, bitDepth: 16, width: 8, height: 6, seed: 6)
        let bytes = png.bytes(adlerXor: 0x0100)
        XCTAssertFalse(PNGCodec.inflatesWhole(bytes))
        let message = errorMessage { _ = try ImageDecoder.decode(bytes: bytes, name: "adler.png") }
        XCTAssertTrue(message.hasPrefix("adler.png is not a valid PNG ("), message)
    }

    func testBadFilterTypeIsAnError() throws {
        var png = randomPNG(colorType: 0, bitDepth: 8, width: 6, height: 5, seed: 7)
        png.filter = { $0 == 3 ? 5 : 0 }
        XCTAssertFalse(PNGCodec.inflatesWhole(png.bytes))
        let message = errorMessage { _ = try ImageDecoder.decode(bytes: png.bytes, name: "filter.png") }
        XCTAssertTrue(message.hasPrefix("filter.png is not a valid PNG ("), message)
    }

    func testEveryTruncationOfAWholeBufferFileThrows() throws {
        let bytes = randomPNG(colorType: 4, bitDepth: 16, width: 7, height: 5, seed: 8).bytes
        XCTAssertTrue(PNGCodec.inflatesWhole(bytes))
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try ImageDecoder.decode(bytes: Array(bytes.prefix(length)), name: "cut.png"),
                                 "cut to \(length) bytes")
        }
    }
}
