import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// The `finexl` command line as a user meets it: the built binary run as a subprocess, its exit
/// code, its one `error:` line, its JSON and its help.
final class CommandLineTests: XCTestCase {
    private struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    /// The `finexl` built beside this test bundle.
    private static var binary: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("finexl")
        }
        #endif
        return Bundle.main.bundleURL.appendingPathComponent("finexl")
    }

    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    private func finexl(_ arguments: String...) throws -> Run {
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("no finexl binary at \(binary.path); run `swift build` first")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Exit 1 and exactly one line on stderr, `error: …`, containing every one of `fragments`.
    private func assertOneErrorLine(_ run: Run, mentioning fragments: [String], file: StaticString = #filePath,
                                    line: UInt = #line) {
        XCTAssertEqual(run.status, 1, run.stderr, file: file, line: line)
        XCTAssertEqual(run.stderrLines.count, 1, run.stderr, file: file, line: line)
        XCTAssertTrue(run.stderr.hasPrefix("error: "), run.stderr, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(run.stderr.contains(fragment), "\(fragment) not in \(run.stderr)", file: file, line: line)
        }
        XCTAssertFalse(run.stderr.contains("Missing value"), run.stderr, file: file, line: line)
        XCTAssertFalse(run.stderr.contains("Error: "), run.stderr, file: file, line: line)
    }

    private var npyModel: String { Self.fixtures.appendingPathComponent("npy-model").path }

    // MARK: help

    func testHelpListsMethodsAndEncoders() throws {
        let run = try finexl("explain", "--help")
        XCTAssertEqual(run.status, 0)
        let help = run.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        XCTAssertTrue(help.contains("values: descriptor, clip, npy"), help)
        XCTAssertTrue(help.contains("values: paper, nnls, whitened-nnls"), help)
        let synth = try finexl("synth", "--help").stdout.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ").joined(separator: " ")
        XCTAssertTrue(synth.contains("values: scenes, textures"), synth)
        XCTAssertTrue(synth.contains("values: canonical, alternate"), synth)
    }

    // MARK: explain

    func testExplainJSONFollowsTheSchema() throws {
        // Fixture written by numpy: personal = base + 0.6 "warm tones" + 0.3 "film grain" (make.py beside it).
        let run = try finexl("explain", "--encoder", "npy", "--model", npyModel, "--no-cache", "--bootstrap", "50", "--json")
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["schema"] as? String, "finexl.explanation/2")
        XCTAssertEqual(object["method"] as? String, "nnls")
        XCTAssertEqual(object["pairs"] as? Int, 12)
        XCTAssertEqual((object["encoder"] as? [String: Any])?["name"] as? String, "npy")
        XCTAssertEqual((object["encoder"] as? [String: Any])?["dimension"] as? Int, 6)
        XCTAssertEqual((object["thresholds"] as? [String: Any])?["bootstrapResamples"] as? Int, 50)
        XCTAssertNil(object["filter"], "the filter's trace is not part of the schema")
        let concepts = try XCTUnwrap(object["concepts"] as? [[String: Any]])
        XCTAssertEqual(concepts.first?["name"] as? String, "warm tones")
        XCTAssertEqual(concepts.first?["weight"] as? Double ?? 0, 0.6, accuracy: 0.02)
        XCTAssertEqual(concepts.dropFirst().first?["weight"] as? Double ?? 0, 0.3, accuracy: 0.02)
        for concept in concepts {
            XCTAssertEqual((concept["ci"] as? [Double])?.count, 2, "\(concept)")
            let paired = try XCTUnwrap(concept["paired"] as? [String: Any], "\(concept)")
            XCTAssertTrue((0...1).contains(paired["share"] as? Double ?? -1), "\(paired)")
            XCTAssertTrue((0...1).contains(paired["p"] as? Double ?? -1), "\(paired)")
            XCTAssertNotNil(paired["test"] as? String)
            XCTAssertNil(concept["p"], "the unpaired p is gone in /2")
        }
        XCTAssertNotNil((object["residual"] as? [String: Any])?["relative"] as? Double)
        // npy concept vectors were not measured on images: no `directions`.
        XCTAssertEqual(Set(object.keys), ["schema", "encoder", "pairs", "method", "thresholds", "divergence", "concepts",
                                          "rejected", "residual", "steps", "warnings", "intervals"])
    }

    func testExplainShowsTheIntervalWithAndWithoutHowImplementationsDiffer() throws {
        let out = try temporaryFolder().appendingPathComponent("pairs").path
        XCTAssertEqual(try finexl("synth", "--out", out, "--aspects", "warm tones=0.6", "--count", "8", "--size", "96").status, 0)
        let base = out + "/base", personal = out + "/personal"
        let table = try finexl("explain", "--base", base, "--personal", personal, "--no-cache")
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("95 % interval      sampling"), table.stdout)
        XCTAssertTrue(table.stdout.contains("log spread of"), table.stdout)
        let json = try finexl("explain", "--base", base, "--personal", personal, "--no-cache", "--json")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let warm = try XCTUnwrap((object["concepts"] as? [[String: Any]])?.first { $0["name"] as? String == "warm tones" })
        let ci = try XCTUnwrap(warm["ci"] as? [Double]), sampling = try XCTUnwrap(warm["ciSampling"] as? [Double])
        // The interval that includes how implementations differ is the wider one, by a factor
        // of the order of the spread's (e^(±0.1–0.2 · 2.1) around the level).
        XCTAssertGreaterThan(ci[1] - ci[0], 1.2 * (sampling[1] - sampling[0]), "\(ci) \(sampling)")
        XCTAssertLessThan(ci[1] / ci[0], 5 * sampling[1] / sampling[0], "\(ci) \(sampling)")
    }

    func testMissingImageFolderIsNamedOnOneErrorLine() throws {
        let missing = try temporaryFolder().appendingPathComponent("no-such-base").path
        assertOneErrorLine(try finexl("explain", "--base", missing, "--personal", missing, "--no-cache"),
                           mentioning: [missing])
    }

    func testMissingNPYFileIsNamed() throws {
        let empty = try temporaryFolder()
        assertOneErrorLine(try finexl("explain", "--encoder", "npy", "--model", empty.path, "--no-cache"),
                           mentioning: [empty.appendingPathComponent("base.npy").path])
    }

    func testReportMustBeAnHTMLFile() throws {
        assertOneErrorLine(try finexl("explain", "--base", "a", "--personal", "b", "--output", "/tmp/report.md"),
                           mentioning: ["--output", "/tmp/report.md"])
    }

    func testUnknownEncoderAndMethodListTheValues() throws {
        assertOneErrorLine(try finexl("explain", "--encoder", "dino"), mentioning: ["--encoder", "dino", "descriptor", "npy"])
        assertOneErrorLine(try finexl("explain", "--method", "lasso"), mentioning: ["--method", "lasso", "whitened-nnls"])
        assertOneErrorLine(try finexl("explain", "--encoder", "clip"), mentioning: ["--encoder clip needs --model"])
    }

    func testNonFiniteEOrthoIsRejectedBeforeAnyWork() throws {
        for value in ["inf", "nan", "0", "101"] {
            assertOneErrorLine(try finexl("explain", "--encoder", "npy", "--model", npyModel, "--no-cache", "--e-ortho", value),
                               mentioning: ["--e-ortho", value])
        }
    }

    func testEDecompOutOfRangeNamesTheOptionAndTheValue() throws {
        assertOneErrorLine(try finexl("explain", "--encoder", "npy", "--model", npyModel, "--e-decomp", "2"),
                           mentioning: ["--e-decomp", "got 2"])
    }

    func testBootstrapNeedsAtLeastOneResampleAndAtMostTheNotebookLimit() throws {
        for value in ["0", "100001", "-3"] {
            assertOneErrorLine(try finexl("explain", "--encoder", "npy", "--model", npyModel, "--no-cache",
                                          "--bootstrap", value, "--json"),
                               mentioning: ["--bootstrap", value])
        }
    }

    // MARK: synth and bench

    func testNegativeNumbersGiveARangeErrorNamingTheOption() throws {
        let out = try temporaryFolder().appendingPathComponent("set").path
        assertOneErrorLine(try finexl("synth", "--out", out, "--aspects", "sepia=0.5", "--count", "-1"),
                           mentioning: ["--count", "-1"])
        assertOneErrorLine(try finexl("synth", "--out", out, "--aspects", "sepia=0.5", "--size", "-1"),
                           mentioning: ["--size", "-1"])
        assertOneErrorLine(try finexl("synth", "--out", out, "--aspects", "sepia=0.5", "--seed", "-1"),
                           mentioning: ["--seed", "-1"])
        assertOneErrorLine(try finexl("bench", "--images", "-1"), mentioning: ["--images", "-1"])
        assertOneErrorLine(try finexl("explain", "--top", "-2", "--encoder", "npy", "--model", npyModel),
                           mentioning: ["--top", "-2"])
    }

    func testSynthSizeMessageGivesTheRangeItEnforces() throws {
        let out = try temporaryFolder().appendingPathComponent("set").path
        assertOneErrorLine(try finexl("synth", "--out", out, "--aspects", "sepia=0.5", "--size", "16"),
                           mentioning: ["--size", "32", "4096", "16"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testSynthRefusesAFolderThatHoldsFilesUnlessForced() throws {
        let out = try temporaryFolder()
        let earlier = out.appendingPathComponent("notes.txt")
        try Data("mine".utf8).write(to: earlier)
        assertOneErrorLine(try finexl("synth", "--out", out.path, "--aspects", "sepia=0.5", "--count", "2", "--size", "32"),
                           mentioning: [out.path, "--force"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("base").path))

        let forced = try finexl("synth", "--out", out.path, "--aspects", "sepia=0.5", "--count", "2", "--size", "32", "--force")
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("base").path).count, 2)

        let fresh = try temporaryFolder().appendingPathComponent("new")
        let run = try finexl("synth", "--out", fresh.path, "--aspects", "sepia=0.5", "--count", "2", "--size", "32")
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    // MARK: render

    /// SIGINT or SIGTERM while a render swaps its report in: the earlier report stays whole (page
    /// and figures, byte for byte), nothing staged is left, and the exit status is the shell's
    /// 128 + signal. `FINEXL_TEST_PAUSE_AT` holds the writer at each delicate moment.
    func testInterruptedRenderKeepsTheEarlierReportWhole() throws {
        let folder = try temporaryFolder()
        let notebook = folder.appendingPathComponent("report.md")
        try Data("""
            # Interrupted

            ```finexl images
            synthetic:
              aspects: {warm tones: 0.6}
              count: 8
              size: 64
            ```

            ```finexl samples
            count: 2
            size: 48
            ```
            """.utf8).write(to: notebook)
        let output = folder.appendingPathComponent("out")
        XCTAssertEqual(try finexl("render", notebook.path, "--output", output.path, "--no-cache").status, 0)
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            let enumerator = FileManager.default.enumerator(atPath: output.path)!
            while let path = enumerator.nextObject() as? String {
                if path.hasPrefix(".cache") || path == ".finexl-lock" { continue }
                var isFolder: ObjCBool = false
                FileManager.default.fileExists(atPath: output.appendingPathComponent(path).path, isDirectory: &isFolder)
                files[path] = isFolder.boolValue ? Data() : try Data(contentsOf: output.appendingPathComponent(path))
            }
            return files
        }
        let before = try snapshot()
        XCTAssertNotNil(before["report.html"])
        XCTAssertTrue(before.keys.contains { $0.hasPrefix("report_files/") && $0.hasSuffix(".png") }, "\(before.keys.sorted())")

        for (point, signal, status) in [("staged", SIGINT, Int32(130)), ("figures-aside", SIGINT, 130),
                                        ("figures-aside", SIGTERM, 143)] {
            let process = Process()
            process.executableURL = Self.binary
            process.arguments = ["render", notebook.path, "--output", output.path, "--no-cache"]
            process.environment = ProcessInfo.processInfo.environment.merging(["FINEXL_TEST_PAUSE_AT": point]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait until the writer holds at `point`: its staged page exists (and, aside, the old folder moved).
            let deadline = Date().addingTimeInterval(60)
            func atPoint() -> Bool {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? []
                let staged = entries.contains { $0.hasPrefix(".report.html.") && $0.hasSuffix(".partial") }
                return point == "staged" ? staged : staged && entries.contains { $0.hasSuffix(".old") }
            }
            while !atPoint() && Date() < deadline && process.isRunning { usleep(20_000) }
            XCTAssertTrue(atPoint(), "the render never reached \(point)")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, status, "\(point), signal \(signal)")
            let after = try snapshot()
            XCTAssertEqual(after.keys.sorted(), before.keys.sorted(), "\(point), signal \(signal): staging was left or a file is gone")
            for (path, bytes) in before where after[path] != bytes {
                XCTFail("\(point), signal \(signal): \(path) changed")
            }
        }
        // Once the new figures are in place, a signal finishes the swap instead of undoing it:
        // the new page goes in, the earlier figure folder is settled, and the exit says interrupted.
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["render", notebook.path, "--output", output.path, "--no-cache"]
        process.environment = ProcessInfo.processInfo.environment.merging(["FINEXL_TEST_PAUSE_AT": "committing"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try Data("<!-- the earlier page -->".utf8).write(to: output.appendingPathComponent("report.html"))
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        func committing() -> Bool {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? []
            return entries.contains { $0.hasPrefix(".report.html.") && $0.hasSuffix(".partial") }
                && entries.contains { $0.hasPrefix(".report_files.") && $0.hasSuffix(".old") }
                && !entries.contains { $0.hasPrefix(".report_files.") && $0.hasSuffix(".partial") }
        }
        while !committing() && Date() < deadline && process.isRunning { usleep(20_000) }
        XCTAssertTrue(committing(), "the render never reached the commit")
        kill(process.processIdentifier, SIGINT)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("interrupted"), message)
        let finished = try snapshot()
        XCTAssertEqual(finished.keys.sorted(), before.keys.sorted(), "a staged file or the earlier figures were left")
        let page = String(decoding: finished["report.html"] ?? Data(), as: UTF8.self)
        XCTAssertTrue(page.contains("Interrupted</h1>") && page.hasSuffix("</html>\n"),
                      "the new page is not the whole report: \(page.prefix(200))")
        for key in finished.keys where key.hasPrefix("report_files/") && key.hasSuffix(".png") {
            XCTAssertTrue(page.contains(key), "\(key) is not the new page's figure")
        }

        // And the next render replaces it normally.
        XCTAssertEqual(try finexl("render", notebook.path, "--output", output.path, "--no-cache").status, 0)
        XCTAssertEqual(Set(try snapshot().keys), Set(before.keys))
    }

    func testFailingNotebookIsReportedAndExitsOne() throws {
        let folder = try temporaryFolder()
        let notebook = folder.appendingPathComponent("broken.md")
        try Data("# Broken\n\n```finexl frobnicate\n```\n".utf8).write(to: notebook)
        let run = try finexl("render", notebook.path, "--output", folder.appendingPathComponent("out").path, "--no-cache")
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(run.stderrLines.last, "error: 1 directive(s) failed; see the report")
        let html = try String(contentsOf: folder.appendingPathComponent("out/broken.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("frobnicate"))

        let absent = folder.appendingPathComponent("absent.md").path
        assertOneErrorLine(try finexl("render", absent, "--output", folder.appendingPathComponent("out").path),
                           mentioning: ["absent.md"])
    }
}
