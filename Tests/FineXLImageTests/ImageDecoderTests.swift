@testable import FineXLImage
import FineXLSupport
import FineXLTestSupport
import Foundation
import XCTest

final class ImageDecoderTests: XCTestCase {
    func testDecodesEveryFixtureKindToExpectedPixels() throws {
        let cases = try Fixtures.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 21)
        for (name, expected) in cases.sorted(by: { $0.key < $1.key }) {
            let image = try ImageDecoder.decode(contentsOf: Fixtures.folder.appendingPathComponent(name))
            XCTAssertEqual(image.width, expected.width, name)
            XCTAssertEqual(image.height, expected.height, name)
            for sample in expected.samples {
                for channel in 0..<3 {
                    XCTAssertEqual(image[sample.x, sample.y, channel], sample.rgb[channel],
                                   accuracy: expected.tolerance,
                                   "\(name) (\(expected.kind)) pixel (\(sample.x), \(sample.y)) channel \(channel)")
                }
            }
        }
    }

    func testSixteenBitPNGKeepsPrecisionBeyondEightBits() throws {
        // gray16 holds random 16-bit levels; an 8-bit path could not land within 1e-4 of them all.
        let image = try ImageDecoder.decode(bytes: Fixtures.bytes("gray16.png"), name: "gray16.png")
        let expected = try XCTUnwrap(Fixtures.cases()["gray16.png"])
        var offGrid = 0
        for sample in expected.samples {
            let value = image[sample.x, sample.y, 0]
            if abs(value * 255 - (value * 255).rounded()) > 0.01 { offGrid += 1 }
            XCTAssertEqual(value, sample.rgb[0], accuracy: 2e-5)
        }
        XCTAssertGreaterThan(offGrid, 0)
    }

    func testTransparentPixelsBecomeWhite() throws {
        // Pixel (0, 0) of the alpha fixtures is fully transparent.
        for name in ["rgba8.png", "rgba16.png", "gray_alpha8.png", "gray_alpha16.png"] {
            let image = try ImageDecoder.decode(bytes: Fixtures.bytes(name), name: name)
            for channel in 0..<3 { XCTAssertEqual(image[0, 0, channel], 1, accuracy: 1e-6, name) }
        }
    }

    func testTruncatedPNGIsAnErrorNamingTheFile() throws {
        let bytes = try Fixtures.bytes("rgb8.png")
        let message = errorMessage {
            _ = try ImageDecoder.decode(bytes: Array(bytes.prefix(bytes.count - 20)), name: "samples/base/003.png")
        }
        XCTAssertTrue(message.hasPrefix("samples/base/003.png is not a valid PNG ("), message)
        XCTAssertTrue(message.contains("truncated"), message)
    }

    func testTruncatedJPEGIsAnErrorNamingTheFile() throws {
        let bytes = try Fixtures.bytes("baseline.jpg")
        let message = errorMessage {
            _ = try ImageDecoder.decode(bytes: Array(bytes.prefix(bytes.count / 2)), name: "cut.jpg")
        }
        XCTAssertTrue(message.hasPrefix("cut.jpg is not a valid JPEG ("), message)
        XCTAssertTrue(message.contains("truncated"), message)
    }

    func testEveryTruncationOfEveryFixtureThrowsInsteadOfCrashing() throws {
        for name in ["gray1.png", "palette4_trns.png", "rgba16.png", "rgb8_interlaced.png",
                     "baseline.jpg", "progressive.jpg", "gray.jpg", "cmyk.jpg"] {
            let bytes = try Fixtures.bytes(name)
            for length in 0..<bytes.count {
                XCTAssertThrowsError(try ImageDecoder.decode(bytes: Array(bytes.prefix(length)), name: name),
                                     "\(name) cut to \(length) bytes")
            }
        }
    }

    func testCorruptedBytesEitherDecodeOrThrowButNeverCrash() throws {
        // Damage inside the compressed data can yield a valid-looking picture; the contract is only
        // that decoding returns or throws a FineXLError.
        var generator = SplitMix(seed: 7)
        for name in ["rgb8.png", "palette8.png", "baseline.jpg", "progressive.jpg"] {
            let bytes = try Fixtures.bytes(name)
            for _ in 0..<200 {
                var damaged = bytes
                for _ in 0..<3 {
                    let at = Int(generator.next() % UInt64(damaged.count))
                    damaged[at] = UInt8(truncatingIfNeeded: generator.next())
                }
                do {
                    let image = try ImageDecoder.decode(bytes: damaged, name: name)
                    XCTAssertEqual(image.pixels.count, image.width * image.height * 3)
                } catch let error as FineXLError {
                    XCTAssertTrue(error.message.hasPrefix(name), error.message)
                }
            }
        }
    }

    func testBadChecksumInHeaderIsReported() throws {
        var bytes = try Fixtures.bytes("rgb8.png")
        bytes[16] ^= 0x01  // inside IHDR's width, so its CRC no longer matches
        let message = errorMessage { _ = try ImageDecoder.decode(bytes: bytes, name: "crc.png") }
        XCTAssertTrue(message.hasPrefix("crc.png is not a valid PNG"), message)
        XCTAssertTrue(message.lowercased().contains("crc"), message)
    }

    func testHugeDeclaredSizesAreRefusedBeforeAllocating() throws {
        // A PNG header claiming 20000 x 20000 pixels, with a correct CRC so only the size is wrong.
        var png = try Fixtures.bytes("rgb8.png")
        let side: [UInt8] = [0, 0, 0x4E, 0x20]
        png.replaceSubrange(16..<20, with: side)
        png.replaceSubrange(20..<24, with: side)
        let crc = crc32(Array(png[12..<29]))
        png.replaceSubrange(29..<33, with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (24 - 8 * $0)) })
        let message = errorMessage { _ = try ImageDecoder.decode(bytes: png, name: "big.png") }
        XCTAssertTrue(message.contains("20000 x 20000 pixels is larger than the limit"), message)

        // The same claim in a JPEG frame header (SOF0: marker, length, precision, height, width).
        var jpeg = try Fixtures.bytes("baseline.jpg")
        let sof = try XCTUnwrap((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0x4E, 0x20, 0x4E, 0x20])
        let jpegMessage = errorMessage { _ = try ImageDecoder.decode(bytes: jpeg, name: "big.jpg") }
        XCTAssertTrue(jpegMessage.contains("20000 x 20000 pixels is larger than the limit"), jpegMessage)
    }

    private func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    func testOtherFormatsAreNamedInTheError() throws {
        let gif = Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20)
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(bytes: gif, name: "a.png") },
                       "a.png is a GIF image; only PNG and JPEG images can be read")
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(bytes: [], name: "empty.jpg") },
                       "empty.jpg is empty, not an image")
        let text = Array("<!DOCTYPE html>".utf8)
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(bytes: text, name: "page.jpg") },
                       "page.jpg is not a PNG or JPEG image (it starts with bytes 3C 21 44 4F 43 54 59 50)")
    }

    func testFormatIsSniffedFromBytesNotExtension() throws {
        let folder = try makeTemporaryFolder(self)
        let mislabeled = folder.appendingPathComponent("photo.png")
        try Data(Fixtures.bytes("baseline.jpg")).write(to: mislabeled)
        let image = try ImageDecoder.decode(contentsOf: mislabeled)
        XCTAssertEqual(image.width, 48)
    }

    func testMissingFileAndFolderAreErrorsNamingThePath() throws {
        let folder = try makeTemporaryFolder(self)
        let missing = folder.appendingPathComponent("nope.png")
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(contentsOf: missing) },
                       "\(missing.path) does not exist")
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(contentsOf: folder) },
                       "\(folder.path) is a folder, not an image file")
    }

    func testRelativePathsStayRelativeInMessages() {
        let url = URL(fileURLWithPath: "samples/base/003.png", relativeTo: URL(fileURLWithPath: "/tmp/nowhere"))
        XCTAssertEqual(ImageDecoder.displayName(of: url), "samples/base/003.png")
    }
}

/// A small deterministic generator so damaged-file tests are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class DecoderQuietnessTests: XCTestCase {
    /// Runs `body` with file descriptor 2 redirected to a temporary file and returns what was written.
    private func capturingStandardError(_ body: () throws -> Void) throws -> String {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: capture.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: capture) }
        let handle = try FileHandle(forWritingTo: capture)
        let saved = dup(2)
        dup2(handle.fileDescriptor, 2)
        defer {
            dup2(saved, 2)
            close(saved)
            try? handle.close()
        }
        try body()
        return try String(contentsOf: capture, encoding: .utf8)
    }

    func testLibraryWarningsDoNotReachStandardError() throws {
        // A tEXt chunk with a wrong CRC makes libpng warn and skip it; a JPEG with junk before a
        // marker makes libjpeg warn. Both still decode, silently.
        var png = try Fixtures.bytes("rgb8.png")
        let text: [UInt8] = [0, 0, 0, 5] + Array("tEXtab\0cd".utf8) + [1, 2, 3, 4]
        png.insert(contentsOf: text, at: 33)  // right after IHDR
        var jpeg = try Fixtures.bytes("baseline.jpg")
        jpeg.insert(contentsOf: [0x12, 0x34], at: jpeg.count - 2)  // before EOI
        let written = try capturingStandardError {
            XCTAssertEqual(try ImageDecoder.decode(bytes: png, name: "warn.png").width, 7)
            XCTAssertEqual(try ImageDecoder.decode(bytes: jpeg, name: "warn.jpg").width, 48)
        }
        XCTAssertEqual(written, "")
    }
}
