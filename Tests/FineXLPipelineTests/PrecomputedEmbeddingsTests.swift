import FineXLCore
import FineXLPipeline
import FineXLSupport
import Foundation
import XCTest

/// Damaged `.npy` folders fail with one message naming the file and what is wrong in it.
final class PrecomputedEmbeddingsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A float32 `[rows.count, columns]` file as NumPy writes it.
    private func write(_ file: String, _ rows: [[Float]], columns: Int? = nil) throws {
        let shape = "(\(rows.count), \(columns ?? rows.first?.count ?? 0))"
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
        for value in rows.joined() { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        try Data(bytes).write(to: folder.appendingPathComponent(file))
    }

    private func loadError() -> String {
        do {
            _ = try PrecomputedEmbeddings.load(from: folder)
            return "no error"
        } catch {
            return (error as? FineXLError)?.message ?? "\(error)"
        }
    }

    func testNaNIsNamedWithFileAndRow() throws {
        try write("base.npy", [[1, 2], [3, 4], [5, 6]])
        try write("personal.npy", [[1, 2], [3, 4], [5, .nan]])
        let message = loadError()
        XCTAssertTrue(message.contains("personal.npy: row 2") && message.contains("NaN in column 1"), message)
    }

    func testNoRowsBlamesTheFileThatHasNone() throws {
        try write("base.npy", [], columns: 4)
        try write("personal.npy", [[1, 2, 3, 4]])
        let message = loadError()
        XCTAssertTrue(message.contains("base.npy has no rows"), message)
        XCTAssertFalse(message.contains("concepts.npy"), message)
    }

    func testNoColumnsSaysSo() throws {
        try write("base.npy", [[], []], columns: 0)
        try write("personal.npy", [[], []], columns: 0)
        let message = loadError()
        XCTAssertTrue(message.contains("base.npy") && message.contains("rows of 0 values"), message)
        XCTAssertFalse(message.contains("different"), message)
    }
}
