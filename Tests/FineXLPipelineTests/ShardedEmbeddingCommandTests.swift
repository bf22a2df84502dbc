import Foundation
import XCTest

/// `finexl embed --shard` and `finexl explain --shard` as separate processes sharing one
/// `FINEXL_CACHE`, the way a job array on many machines runs them.
final class ShardedEmbeddingCommandTests: XCTestCase {
    private static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/clip/quickgelu-fp32").path

    /// The `finexl` built next to this test bundle.
    private var binary: URL {
        var folder = Bundle(for: Self.self).bundleURL
        while folder.path != "/" && !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("finexl").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("finexl")
    }

    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: binary.path), "finexl is not built next to the tests")
        let synth = try start(["synth", "--out", "samples", "--aspects", "warm tones=0.6", "--count", "7", "--size", "48"])
        XCTAssertEqual(try finish(synth).status, 0)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    private func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = scratch
        var merged = ProcessInfo.processInfo.environment
        merged["HF_HUB_OFFLINE"] = "1"
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, errors)
    }

    private func finish(_ started: (Process, Pipe)) throws -> (status: Int32, stderr: String) {
        let text = String(decoding: started.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        started.0.waitUntilExit()
        return (started.0.terminationStatus, text)
    }

    private var images: [String] {
        (1...7).map { String(format: "samples/base/%04d.png", $0) } + (1...7).map { String(format: "samples/personal/%04d.png", $0) }
    }

    /// The shards' rows interleave into the unsharded file's. The matrix library picks its
    /// kernels by the batch's size (oneDNN on AVX2 does), so a row embedded among 5 images can
    /// differ in its last bits from the same row among 14: within 1e-5, and byte for byte on the
    /// portable backend, whose sums run in one order.
    func testShardedEmbedRowsInterleaveIntoTheUnshardedFile() throws {
        for backend in ["default", "portable"] {
            let environment = backend == "portable" ? ["FINEXL_SGEMM": "portable"] : [:]
            let whole = try finish(try start(["embed", "--model", Self.model, "--out", "all-\(backend).npy"] + images,
                                             environment: environment))
            XCTAssertEqual(whole.status, 0, whole.stderr)
            let shards = try (1...3).map {
                try start(["embed", "--model", Self.model, "--out", "shard\($0)-\(backend).npy", "--shard", "\($0)/3"] + images,
                          environment: environment)
            }
            for shard in shards {
                let result = try finish(shard)
                XCTAssertEqual(result.status, 0, result.stderr)
            }
            let all = try NPYRows(scratch.appendingPathComponent("all-\(backend).npy"))
            XCTAssertEqual(all.rows.count, 14)
            let parts = try (1...3).map { try NPYRows(scratch.appendingPathComponent("shard\($0)-\(backend).npy")) }
            XCTAssertEqual(parts.map(\.rows.count), [5, 5, 4])
            for (p, row) in all.rows.enumerated() {
                let shardRow = parts[p % 3].rows[p / 3]
                if backend == "portable" {
                    XCTAssertEqual(shardRow, row, "row \(p)")
                } else {
                    let gap = zip(NPYRows.floats(shardRow), NPYRows.floats(row)).map { abs($0 - $1) }.max() ?? 1
                    XCTAssertLessThanOrEqual(gap, 1e-5, "row \(p)")
                }
            }
            // Neighbouring rows are different images, far apart: the comparison would see a misplaced row.
            let neighbours = zip(NPYRows.floats(all.rows[0]), NPYRows.floats(all.rows[1])).map { abs($0 - $1) }.max() ?? 0
            XCTAssertGreaterThan(neighbours, 1e-3)
        }
    }

    func testThreeShardsInParallelLeaveNothingForExplainToEmbed() throws {
        let cache = ["FINEXL_CACHE": scratch.appendingPathComponent("shared cache").path]
        let common = ["explain", "--encoder", "clip", "--model", Self.model, "--base", "samples/base", "--personal", "samples/personal"]
        let shards = try (1...3).map { try start(common + ["--shard", "\($0)/3"], environment: cache) }
        var embedded = 0
        for shard in shards {
            let result = try finish(shard)
            XCTAssertEqual(result.status, 0, result.stderr)
            let counts = try XCTUnwrap(result.stderr.firstMatch(of: /embedded (\d+), cached (\d+)/), result.stderr)
            embedded += Int(counts.1)!
        }
        XCTAssertEqual(embedded, 14)
        let explain = try finish(try start(common + ["--json"], environment: cache))
        XCTAssertEqual(explain.status, 0, explain.stderr)
        XCTAssertTrue(explain.stderr.contains("embedded 0, cached 14"), explain.stderr)
    }

    func testAnEmptyShardIsAnError() throws {
        let result = try finish(try start(["embed", "--model", Self.model, "--out", "x.npy", "--shard", "3/3", "samples/base/0001.png"]))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("error: --shard 3/3"), result.stderr)
    }
}

/// The rows of a float32 `.npy` file as raw bytes, for exact comparison, and as floats.
private struct NPYRows {
    var rows: [Data]

    init(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        let shape = try XCTUnwrap(header.firstMatch(of: /'shape': \((\d+), (\d+)\)/))
        let (count, columns) = (Int(shape.1)!, Int(shape.2)!)
        let body = data.subdata(in: (10 + headerLength)..<data.count)
        XCTAssertEqual(body.count, count * columns * 4)
        rows = (0..<count).map { body.subdata(in: ($0 * columns * 4)..<(($0 + 1) * columns * 4)) }
    }

    /// A row's little-endian float32 values.
    static func floats(_ row: Data) -> [Float] {
        stride(from: 0, to: row.count, by: 4).map { i in
            Float(bitPattern: UInt32(row[row.startIndex + i]) | UInt32(row[row.startIndex + i + 1]) << 8
                | UInt32(row[row.startIndex + i + 2]) << 16 | UInt32(row[row.startIndex + i + 3]) << 24)
        }
    }
}
