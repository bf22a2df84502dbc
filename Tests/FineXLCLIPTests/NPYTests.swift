import FineXLCLIP
import FineXLCore
import FineXLSupport
import Foundation
import XCTest

final class NPYTests: XCTestCase {
    private func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("finexl-npy-\(UUID().uuidString).npy")
    }

    func testRoundTripKeepsEveryValue() throws {
        let rows: [[Float]] = [[1, -2.5, 3e-8, .greatestFiniteMagnitude], [0, -0, 0.1, 42]]
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try NPY.write(rows, to: url)
        XCTAssertEqual(try NPY.read(contentsOf: url), rows)
        let bytes = [UInt8](try Data(contentsOf: url))
        // The header block is padded to 64 bytes, as NumPy writes it.
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        XCTAssertEqual(bytes.count, 10 + headerLength + 8 * 4)
    }

    func testReadsNumPyWrittenFixture() throws {
        let embeds = try NPY.read(contentsOf: Fixtures.root.appendingPathComponent("reference-quickgelu-fp32/image_embeds.npy"))
        XCTAssertEqual(embeds.count, 4)
        XCTAssertEqual(embeds[0].count, 24)
        let norm = embeds[0].map { $0 * $0 }.reduce(0, +).squareRoot()
        XCTAssertEqual(norm, 1, accuracy: 1e-5)
    }

    func testReadsFloat64() throws {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count + 1), 0]
        bytes += Array(header.utf8) + [0x0a]
        for value in [0.25, -3.0] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(bytes).write(to: url)
        XCTAssertEqual(try NPY.read(contentsOf: url), [[0.25, -3]])
    }

    func testRejectsBadMagicAndTruncatedData() throws {
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("not numpy at all".utf8).write(to: url)
        XCTAssertThrowsError(try NPY.read(contentsOf: url)) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains("bad magic") == true)
        }
        try NPY.write([[1, 2, 3], [4, 5, 6]], to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 4).write(to: url)
        XCTAssertThrowsError(try NPY.read(contentsOf: url)) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains("truncated") == true)
        }
    }

    func testRejectsThreeDimensionalArrays() throws {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1), }"
        let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count + 1), 0]
            + Array(header.utf8) + [0x0a, 0, 0, 0, 0]
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(bytes).write(to: url)
        XCTAssertThrowsError(try NPY.read(contentsOf: url)) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains("3 dimensions") == true)
        }
    }

    func testRejectsRaggedRows() {
        XCTAssertThrowsError(try NPY.write([[1, 2], [3]], to: temporaryFile()))
    }

    private func npyBytes(shape: String, descr: String = "<f4", data: [UInt8] = []) -> [UInt8] {
        let header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8) + data
    }

    private func parseError(_ bytes: [UInt8]) -> String {
        do {
            _ = try NPY.parse(bytes, name: "hostile.npy")
            return "no error"
        } catch {
            return (error as? FineXLError)?.message ?? "\(error)"
        }
    }

    /// A shape whose byte count overflows Int trapped; one whose rows have no values asked for
    /// 10^12 empty rows. Both are refused from the header, naming the file.
    func testShapesThatClaimMoreThanTheDataAreRefused() {
        let overflow = parseError(npyBytes(shape: "(4611686018427387904, 4)"))
        XCTAssertTrue(overflow.hasPrefix("hostile.npy: ") && overflow.contains("truncated"), overflow)
        let huge = parseError(npyBytes(shape: "(99999999999999999999999, 4)"))
        XCTAssertTrue(huge.contains("is not a list of sizes"), huge)
        let empty = parseError(npyBytes(shape: "(1000000000000, 0)"))
        XCTAssertTrue(empty.hasPrefix("hostile.npy: ") && empty.contains("rows of 0 values"), empty)
        let claims = parseError(npyBytes(shape: "(1000000, 1000)", data: [0, 0, 0, 0]))
        XCTAssertTrue(claims.contains("4 bytes") && claims.contains("needs 4000000000 bytes"), claims)
    }
}
