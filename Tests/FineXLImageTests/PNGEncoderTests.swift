import FineXLImage
import FineXLSupport
import FineXLTestSupport
import XCTest

final class PNGEncoderTests: XCTestCase {
    private func gradient(width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height, fill: (0, 0, 0))
        for y in 0..<height {
            for x in 0..<width {
                image[x, y, 0] = Float(x) / Float(width - 1)
                image[x, y, 1] = Float(y) / Float(height - 1)
                image[x, y, 2] = Float((x * 7 + y * 13) % 256) / 255
            }
        }
        return image
    }

    func testRGBRoundTripIsExactToEightBits() throws {
        let image = gradient(width: 37, height: 23)
        let decoded = try ImageDecoder.decode(bytes: PNGEncoder.encode(image), name: "round.png")
        XCTAssertEqual(decoded.width, 37)
        XCTAssertEqual(decoded.height, 23)
        for (a, b) in zip(image.pixels, decoded.pixels) {
            XCTAssertEqual(a, b, accuracy: 0.5 / 255 + 1e-6)
        }
    }

    func testRGBARoundTripCompositesOnWhite() throws {
        // Two pixels: opaque red, and black at half alpha (128/255) which lands on 127/255 grey.
        let rgba: [UInt8] = [255, 0, 0, 255, 0, 0, 0, 128]
        let decoded = try ImageDecoder.decode(bytes: PNGEncoder.encodeRGBA(width: 2, height: 1, rgba: rgba), name: "a.png")
        XCTAssertEqual(decoded[0, 0, 0], 1, accuracy: 1e-6)
        XCTAssertEqual(decoded[0, 0, 1], 0, accuracy: 1e-6)
        XCTAssertEqual(decoded[1, 0, 0], 1 - 128 / 255, accuracy: 1e-4)
    }

    func testSamePixelsGiveIdenticalBytesWithoutTimeChunk() throws {
        let first = try PNGEncoder.encode(gradient(width: 16, height: 9))
        let second = try PNGEncoder.encode(gradient(width: 16, height: 9))
        XCTAssertEqual(first, second)
        let text = String(decoding: first, as: UTF8.self)
        XCTAssertFalse(text.contains("tIME"))
        XCTAssertFalse(text.contains("tEXt"))
    }

    func testOutOfRangeAndNaNValuesAreClamped() throws {
        let image = RGBImage(width: 3, height: 1, pixels: [-1, 2, .nan, 0.5, 0.5, 0.5, 1, 1, 1])
        let decoded = try ImageDecoder.decode(bytes: PNGEncoder.encode(image), name: "c.png")
        XCTAssertEqual(decoded[0, 0, 0], 0)
        XCTAssertEqual(decoded[0, 0, 1], 1)
        XCTAssertEqual(decoded[0, 0, 2], 0)
    }

    func testWrongSampleCountIsAnError() {
        let message = errorMessage { _ = try PNGEncoder.encodeRGBA(width: 4, height: 4, rgba: [0, 0, 0, 0]) }
        XCTAssertTrue(message.contains("expected 64"), message)
        XCTAssertFalse(errorMessage { _ = try PNGEncoder.encodeRGBA(width: 0, height: 4, rgba: []) }.isEmpty)
    }
}
