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
        XCTAssertEqual(message, "big.png is 20000 x 20000 pixels: more than the limit of 67108864 pixels")

        // The same claim in a JPEG frame header (SOF0: marker, length, precision, height, width).
        var jpeg = try Fixtures.bytes("baseline.jpg")
        let sof = try XCTUnwrap((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0x4E, 0x20, 0x4E, 0x20])
        let jpegMessage = errorMessage { _ = try ImageDecoder.decode(bytes: jpeg, name: "big.jpg") }
        XCTAssertEqual(jpegMessage, "big.jpg is 20000 x 20000 pixels: more than the limit of 67108864 pixels")
    }

    /// `bytes` (a PNG) with IHDR declaring `width` x `height` and the interlace method, CRC fixed.
    private func png(_ bytes: [UInt8], width: UInt32, height: UInt32, interlaced: Bool? = nil) -> [UInt8] {
        var png = bytes
        let be: (UInt32) -> [UInt8] = { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        png.replaceSubrange(16..<20, with: be(width))
        png.replaceSubrange(20..<24, with: be(height))
        if let interlaced { png[28] = interlaced ? 1 : 0 }
        png.replaceSubrange(29..<33, with: be(crc32(Array(png[12..<29]))))
        return png
    }

    /// `bytes` (a JPEG) with its SOF0 frame header declaring `width` x `height`.
    private func jpeg(_ bytes: [UInt8], width: UInt16, height: UInt16) throws -> [UInt8] {
        var jpeg = bytes
        let sof = try XCTUnwrap((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9),
                             with: [UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF)])
        return jpeg
    }

    /// A 4 KB PNG of 1 x 1,000,000 cost 3–6 GB once encoders enlarged its short side.
    func testExtremeAspectRatiosAreRefusedFromTheHeader() throws {
        let thin = png(try Fixtures.bytes("rgb8.png"), width: 1, height: 60000)
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(bytes: thin, name: "thin.png") },
                       "thin.png is 1 x 60000 pixels: one side is more than 100 times the other, the limit")
        let wide = try jpeg(try Fixtures.bytes("baseline.jpg"), width: 20000, height: 3)
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(bytes: wide, name: "wide.jpg") },
                       "wide.jpg is 20000 x 3 pixels: one side is more than 100 times the other, the limit")
        // 100:1 itself is read (here the data then ends early, which is a different error).
        let edge = png(try Fixtures.bytes("rgb8.png"), width: 100, height: 1)
        XCTAssertTrue(errorMessage { _ = try ImageDecoder.decode(bytes: edge, name: "edge.png") }
            .hasPrefix("edge.png is not a valid PNG"))
    }

    func testLongSidesAreRefusedFromTheHeader() throws {
        let long = png(try Fixtures.bytes("rgb8.png"), width: 70000, height: 800)
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(bytes: long, name: "long.png") },
                       "long.png is 70000 x 800 pixels: a side is longer than the limit of 65535 pixels")
    }

    /// A 522 KB interlaced 16-bit PNG buffered its whole declared image (555 MB).
    func testLargeInterlacedPNGsAreRefusedBeforeBuffering() throws {
        let interlaced = png(try Fixtures.bytes("rgb8_interlaced.png"), width: 5000, height: 5000)
        let message = errorMessage { _ = try ImageDecoder.decode(bytes: interlaced, name: "adam7.png") }
        XCTAssertTrue(message.hasPrefix("adam7.png is 5000 x 5000 pixels: interlaced"), message)
        // The same size not interlaced is read row by row (and fails only because the data ends).
        let plain = png(try Fixtures.bytes("rgb8.png"), width: 5000, height: 5000, interlaced: false)
        XCTAssertTrue(errorMessage { _ = try ImageDecoder.decode(bytes: plain, name: "plain.png") }
            .hasPrefix("plain.png is not a valid PNG"))
    }

    /// Scan data cut short and followed by EOI was padded with grey and accepted silently.
    func testJPEGWhoseScanEndsEarlyIsAnError() throws {
        let bytes = try Fixtures.bytes("baseline.jpg")
        let sos = try XCTUnwrap((0..<(bytes.count - 1)).last { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        let cut = Array(bytes[..<(sos + (bytes.count - sos) / 3)]) + [0xFF, 0xD9]
        let message = errorMessage { _ = try ImageDecoder.decode(bytes: cut, name: "cut.jpg") }
        XCTAssertTrue(message.hasPrefix("cut.jpg is not a valid JPEG (truncated"), message)
    }

    /// 10,000 empty scans took 92 s; past 1000 scans a file is refused.
    func testJPEGWithThousandsOfScansIsRefused() throws {
        let bytes = try Fixtures.bytes("progressive.jpg")
        let sos = try XCTUnwrap((0..<(bytes.count - 1)).last { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        let lastScan = Array(bytes[sos..<(bytes.count - 2)])
        var many = Array(bytes[..<sos])
        for _ in 0..<1100 { many += lastScan }
        many += [0xFF, 0xD9]
        let message = errorMessage { _ = try ImageDecoder.decode(bytes: many, name: "scans.jpg") }
        XCTAssertEqual(message, "scans.jpg is not a valid JPEG (more than 1000 scans (a real progressive JPEG has about 10))")
        // The file as written decodes.
        XCTAssertNoThrow(try ImageDecoder.decode(bytes: bytes, name: "progressive.jpg"))
    }

    /// Found by Fuzz/run.sh jpeg: 179 bytes declaring a progressive 34609 x 255 image took 7 s and
    /// 175 MB to decode as grey. The aspect limit refuses it from the frame header.
    func testFuzzFoundLongProgressiveJPEGIsRefusedFromTheHeader() throws {
        let hex = "ffd8ffe000104a46494600010100000100010000ffdb004300030202020202030202020303030304064804042ea8a8a8a8"
            + "a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8aca8a8a8a80404080606058e0609080d0e0c12131210130f101010"
            + "ffc2000b0800ff873101011100ff00030608040506040404040408ffffffffff01010006537472696e673f0247ffc4"
            + "0014100100000000000000000000000000000000000040ffda0008010100013f1047ffd9"
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        XCTAssertEqual(errorMessage { _ = try ImageDecoder.decode(bytes: bytes, name: "slow.jpg") },
                       "slow.jpg is 34609 x 255 pixels: one side is more than 100 times the other, the limit")
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
