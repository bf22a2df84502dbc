@testable import FineXLImage
import FineXLSupport
import FineXLTestSupport
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class ImageFolderPairsTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = try makeTemporaryFolder(self)
    }

    /// Writes small PNGs (each a flat grey chosen by `level`) into `root/folder`.
    private func write(_ folder: String, _ files: [String], level: Float = 0.5) throws -> URL {
        let url = root.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (index, file) in files.enumerated() {
            let value = level + Float(index) / 100
            let bytes = try PNGEncoder.encode(RGBImage(width: 4, height: 3, fill: (value, value, value)))
            try Data(bytes).write(to: url.appendingPathComponent(file))
        }
        return url
    }

    private func writeText(_ text: String, to relativePath: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent(relativePath))
    }

    func testPairsByStemInNaturalOrderAcrossExtensions() throws {
        let base = try write("base", ["10.png", "2.PNG", "1.jpg.png", "img_1.png", "001.png"])
        // The personal side uses other extensions; pairing is by stem only.
        let personal = try write("personal", ["10.jpeg", "2.png", "1.jpg.png", "img_1.png", "001.png"], level: 0.2)
        try Data(Fixtures.bytes("baseline.jpg")).write(to: personal.appendingPathComponent("10.jpeg"))
        let pairs = try ImageFolderPairs(base: base, personal: personal)
        XCTAssertEqual(pairs.names, ["001", "1.jpg", "2", "10", "img_1"])
        XCTAssertEqual(try pairs.image(.personal, at: 3).width, 48)
        XCTAssertEqual(try pairs.image(.base, at: 0)[0, 0, 0], 0.54, accuracy: 1 / 255)
    }

    func testNaturalOrderPutsTwoBeforeTenAndBreaksTiesByBytes() {
        let names = ["b10", "b2", "a", "b02", "B1", "b2c", "b"]
        XCTAssertEqual(names.sorted(by: NaturalOrder.areInIncreasingOrder), ["B1", "a", "b", "b02", "b2", "b2c", "b10"])
    }

    func testHiddenFilesAndOtherExtensionsAreIgnored() throws {
        let base = try write("base", ["a.png", ".b.png", "notes.txt", "c.gif"])
        let personal = try write("personal", ["a.png", ".DS_Store"])
        try FileManager.default.createDirectory(at: base.appendingPathComponent("dir.png"), withIntermediateDirectories: true)
        XCTAssertEqual(try ImageFolderPairs(base: base, personal: personal).names, ["a"])
    }

    func testUnpairedNamesAreListedPerSideWithCount() throws {
        let shared = (1...3).map { "s\($0).png" }
        let baseOnly = (1...12).map { "b\($0).png" }
        let base = try write("base", shared + baseOnly)
        let personal = try write("personal", shared + ["p1.png"])
        let message = errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) }
        XCTAssertTrue(message.contains("12 names only in \(base.path): b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, …"), message)
        XCTAssertFalse(message.contains("b11"), message)
        XCTAssertTrue(message.contains("1 name only in \(personal.path): p1"), message)
    }

    func testMissingEmptyAndNonFolderInputsAreNamed() throws {
        let personal = try write("personal", ["a.png"])
        let missing = root.appendingPathComponent("absent")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: missing, personal: personal) },
                       "image folder \(missing.path) does not exist")
        let empty = try write("empty", [])
        try writeText("x", to: "empty/readme.txt")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: empty, personal: personal) },
                       "image folder \(empty.path) has no .png, .jpg or .jpeg files")
        let file = personal.appendingPathComponent("a.png")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: file, personal: personal) },
                       "\(file.path) is a file, not a folder of images")
    }

    func testSameStemTwiceInOneFolderIsAnError() throws {
        let base = try write("base", ["a.png", "a.jpg"])
        let personal = try write("personal", ["a.png"])
        let message = errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) }
        XCTAssertTrue(message.contains("both a.jpg and a.png"), message)
    }

    func testDigestIsSHA256OfTheFileBytes() throws {
        let base = try write("base", ["x.png"])
        let personal = try write("personal", ["x.png"], level: 0.9)
        let pairs = try ImageFolderPairs(base: base, personal: personal)
        let bytes = try Data(contentsOf: base.appendingPathComponent("x.png"))
        XCTAssertEqual(try pairs.contentDigest(.base, at: 0), SHA256.hex(bytes: [UInt8](bytes)))
        XCTAssertNotEqual(try pairs.contentDigest(.base, at: 0), try pairs.contentDigest(.personal, at: 0))
        XCTAssertThrowsError(try pairs.image(.base, at: 1))
    }

    func testReadHashesAndDecodesFromOneReadOfTheFile() throws {
        let base = try write("base", ["x.png"], level: 0.25)
        let personal = try write("personal", ["x.png"])
        let pairs = try ImageFolderPairs(base: base, personal: personal)
        let expectedDigest = try pairs.contentDigest(.base, at: 0)
        let expectedImage = try pairs.image(.base, at: 0)
        let read = try pairs.read(.base, at: 0)
        // Gone from disk after the read: decoding can only use the bytes already read.
        try FileManager.default.removeItem(at: base.appendingPathComponent("x.png"))
        XCTAssertEqual(read.digest, expectedDigest)
        XCTAssertEqual(try read.decode().pixels, expectedImage.pixels)
    }

    func testCorruptImageErrorNamesTheFileOnlyWhenDecoded() throws {
        let base = try write("base", ["1.png", "2.png"])
        let personal = try write("personal", ["1.png", "2.png"])
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).write(to: personal.appendingPathComponent("2.png"))
        let pairs = try ImageFolderPairs(base: base, personal: personal)
        XCTAssertNoThrow(try pairs.image(.personal, at: 0))
        let message = errorMessage { _ = try pairs.image(.personal, at: 1) }
        XCTAssertTrue(message.hasPrefix("\(personal.appendingPathComponent("2.png").path) is not a valid PNG"), message)
    }

    func testDescriptionShowsBothFolders() throws {
        let pairs = try ImageFolderPairs(base: write("base", ["a.png"]), personal: write("personal", ["a.png"]))
        XCTAssertEqual(pairs.description, "\(root.path)/base ↔ \(root.path)/personal")
    }

    // MARK: prompts

    func testNoPromptFileMeansNilPrompts() throws {
        let pairs = try ImageFolderPairs(base: write("base", ["a.png"]), personal: write("personal", ["a.png"]))
        XCTAssertNil(pairs.prompts)
    }

    func testPromptsComeFromManifestInPairOrder() throws {
        let base = try write("base", ["0002.png", "0010.png", "0001.png"])
        let personal = try write("personal", ["0002.png", "0010.png", "0001.png"])
        try writeText("""
            {"schema": "finexl.synth/1", "aspects": [],
             "pairs": [{"name": "0010", "prompt": "a lighthouse", "seed": 10},
                       {"name": "0001", "prompt": "a cat", "seed": 1},
                       {"name": "0002", "prompt": "a red car", "seed": 2}]}
            """, to: "manifest.json")
        XCTAssertEqual(try ImageFolderPairs(base: base, personal: personal).prompts, ["a cat", "a red car", "a lighthouse"])
    }

    func testManifestErrorsNameTheFile() throws {
        let base = try write("base", ["1.png", "2.png"])
        let personal = try write("personal", ["1.png", "2.png"])
        let manifest = root.appendingPathComponent("manifest.json").path
        try writeText("{\"schema\": \"finexl.synth/1\", \"pairs\": [", to: "manifest.json")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) },
                       "\(manifest) is not valid JSON")
        try writeText("{\"schema\": \"other/2\", \"pairs\": []}", to: "manifest.json")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) },
                       "\(manifest) has schema \"other/2\"; expected \"finexl.synth/1\"")
        try writeText("{\"schema\": \"finexl.synth/1\", \"pairs\": [{\"name\": \"1\", \"prompt\": \"a\"}]}", to: "manifest.json")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) },
                       "\(manifest) has no prompt for 1 of 2 pairs: 2")
        try writeText("{\"schema\": \"finexl.synth/1\", \"pairs\": [{\"name\": 1, \"prompt\": \"a\"}]}", to: "manifest.json")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) },
                       "\(manifest): pairs[0] needs a string \"name\"")
    }

    func testManifestWithoutPromptsFallsBackToPromptsText() throws {
        let base = try write("base", ["1.png", "2.png"])
        let personal = try write("personal", ["1.png", "2.png"])
        try writeText("{\"schema\": \"finexl.synth/1\", \"pairs\": [{\"name\": \"1\", \"seed\": 1}, {\"name\": \"2\", \"seed\": 2}]}",
                      to: "manifest.json")
        XCTAssertNil(try ImageFolderPairs(base: base, personal: personal).prompts)
        try writeText("first\nsecond\n", to: "prompts.txt")
        XCTAssertEqual(try ImageFolderPairs(base: base, personal: personal).prompts, ["first", "second"])
    }

    func testPromptsTextOneLinePerPairInSortedOrder() throws {
        let base = try write("base", ["10.png", "9.png"])
        let personal = try write("personal", ["10.png", "9.png"])
        try writeText("\u{FEFF}a dog at the beach\r\n\r\na castle, at night\r\n\n", to: "base/prompts.txt")
        XCTAssertEqual(try ImageFolderPairs(base: base, personal: personal).prompts,
                       ["a dog at the beach", "a castle, at night"])
    }

    func testPromptsTextWithNamesAndTabs() throws {
        let base = try write("base", ["10.png", "9.png"])
        let personal = try write("personal", ["10.png", "9.png"])
        try writeText("10\ta castle\n9\ta dog\nextra\tunused\n", to: "prompts.txt")
        XCTAssertEqual(try ImageFolderPairs(base: base, personal: personal).prompts, ["a dog", "a castle"])
    }

    func testMalformedPromptsTextIsAnErrorNamingFileAndLine() throws {
        let base = try write("base", ["1.png", "2.png"])
        let personal = try write("personal", ["1.png", "2.png"])
        let path = root.appendingPathComponent("prompts.txt").path
        try writeText("only one\n", to: "prompts.txt")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) },
                       "\(path) has 1 prompts for 2 image pairs; give one line per pair in sorted pair order, "
                       + "or name<TAB>prompt lines")
        try writeText("1\ta\nplain line\n", to: "prompts.txt")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) },
                       "\(path) line 2: expected name<TAB>prompt")
        try writeText("1\ta\n1\tb\n", to: "prompts.txt")
        XCTAssertEqual(errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) },
                       "\(path) line 2: pair \"1\" already has a prompt")
    }

    // MARK: Entries that have an image name but are not images

    func testFoldersAndBrokenLinksWithImageNamesAreNamedInThePairingError() throws {
        let base = try write("base", ["0001.png", "0002.png", "0003.png", "0004.png"])
        let personal = try write("personal", ["0004.png"])
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: personal.appendingPathComponent("0001.png"), withIntermediateDirectories: false)
        try fileManager.createSymbolicLink(atPath: personal.appendingPathComponent("0002.png").path, withDestinationPath: "missing.png")
        try fileManager.createSymbolicLink(atPath: personal.appendingPathComponent("0003.png").path, withDestinationPath: "0003.png")
        let message = errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) }
        XCTAssertTrue(message.contains("0001.png (a folder)"), message)
        XCTAssertTrue(message.contains("0002.png (a symbolic link to nothing"), message)
        XCTAssertTrue(message.contains("0003.png (a symbolic link that loops"), message)
    }

    func testNamesThatAreNotUTF8AreNamedEscapedNotDropped() throws {
        let base = try write("base", ["a.png", "b.png"])
        let personal = try write("personal", ["a.png"])
        let path: [UInt8] = Array((personal.path + "/b").utf8) + [0xFF] + Array(".png".utf8) + [0]
        let bytes = try Data(contentsOf: base.appendingPathComponent("b.png"))
        let fd = path.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let message = errorMessage { _ = try ImageFolderPairs(base: base, personal: personal) }
        XCTAssertTrue(message.contains("\\xFF.png (its name is not UTF-8"), message)
    }

    func testAFileGivenAsTheFolderIsCalledAFile() throws {
        let base = try write("base", ["a.png"])
        let message = errorMessage { _ = try ImageFolderPairs(base: base, personal: base.appendingPathComponent("a.png")) }
        XCTAssertTrue(message.contains("is a file, not a folder of images"), message)
    }
}
