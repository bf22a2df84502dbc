import FineXLCore
import FineXLSupport
import FineXLTestSupport
import Foundation
import XCTest
@testable import FineXLNotebook
#if canImport(Glibc)
import Glibc
#endif

/// One notebook with the worst of what a shared notebook can carry, rendered end to end: the
/// report is written, everything in it escaped, the user's key goes nowhere, and nothing
/// outside the output folder changes.
final class HostileNotebookTests: XCTestCase {
    private let apiKey = "sk-hostile-DO-NOT-SEND-9e1d"

    /// A listening socket on 127.0.0.1 that nobody should connect to.
    private final class Tripwire {
        let descriptor: Int32
        let port: UInt16

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                    bind(fd, pointer, length) == 0 && listen(fd, 8) == 0
                        && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw FineXLError("cannot listen on 127.0.0.1") }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            descriptor = fd
            port = UInt16(bigEndian: address.sin_port)
        }

        /// Whether a connection is waiting (a client connected, whatever it sent).
        var wasContacted: Bool {
            let client = accept(descriptor, nil, nil)
            if client >= 0 { close(client) }
            return client >= 0
        }

        deinit { close(descriptor) }
    }

    /// Every file under `folder` (links not followed) with a digest of its bytes or link target.
    private func fingerprint(_ folder: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let fileManager = FileManager.default
        for path in try fileManager.subpathsOfDirectory(atPath: folder.path) {
            let full = folder.appendingPathComponent(path).path
            switch FileKind.at(full, followingLinks: false) {
            case .regular: result[path] = SHA256.hex(bytes: try Data(contentsOf: URL(fileURLWithPath: full)))
            case .symbolicLink: result[path] = "-> " + (try fileManager.destinationOfSymbolicLink(atPath: full))
            case let kind: result[path] = kind.description
            }
        }
        return result
    }

    func testAHostileNotebookIsRenderedEscapedAndTouchesNothingElse() throws {
        let scratch = try ScratchFolder()
        let tripwire = try Tripwire()
        setenv("OPENAI_API_KEY", apiKey, 1)
        setenv("FINEXL_VLM_MODEL", "test-vlm", 1)
        defer {
            unsetenv("OPENAI_API_KEY")
            unsetenv("FINEXL_VLM_MODEL")
        }

        // A folder outside the output that a link in the output points at.
        let sentinel = scratch.url.appendingPathComponent("sentinel")
        try FileManager.default.createDirectory(at: sentinel, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: sentinel.appendingPathComponent("fig-1-weights.png"))
        try Data("notes".utf8).write(to: sentinel.appendingPathComponent("notes.txt"))

        let script = "<script>alert('x')</script>"
        let failing = Array(repeating: "`finexl weight(\"\(script)\")` `finexl \(script)`", count: 1_500).joined(separator: " ")
        let laughs = HostileNotebookParserTests.billionLaughs
        let notebookText = """
            ---
            title: "\(script)<img src=x onerror=alert(1)>"
            author: "\\e]0;owned\\a \(script)"
            ---
            # \(script) heading `finexl \(script)`

            \(String(repeating: "> ", count: 30))quoted \(script) [link](javascript:alert(2)) <iframe src=x></iframe>

            \(String(repeating: "> ", count: 5_000))too deep \(script)

            \(String(repeating: "- ", count: 20))listed \(script)

            \(NotebookTestSupport.tinyImages)

            ```finexl divergence
            bins: 6
            ```

            ```finexl concepts
            from: vlm
            endpoint: http://127.0.0.1:\(tripwire.port)/v1
            vlmModel: "\(script)"
            ```

            ```finexl concepts
            list: ["\(script)", "<b onmouseover=alert(3)>x</b>", warm tones]
            top: *alias
            ```

            ```finexl decompose
            \(laughs)
            ```

            ```finexl concepts
            list: ["\(script)", "\\"><svg onload=alert(4)>", warm tones, film grain]
            ```

            \(failing)
            """
        let notebookFolder = scratch.url.appendingPathComponent("notebooks")
        let name = "hostile\u{1B}[31m\u{07}<b>"
        let notebook = try ScratchFolderWriter.write(notebookText, to: notebookFolder.appendingPathComponent(name + ".md"))
        let output = scratch.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: output.appendingPathComponent(name + "_files"), withDestinationURL: sentinel)

        let sentinelBefore = try fingerprint(sentinel)
        let notebooksBefore = try fingerprint(notebookFolder)
        let renderer = NotebookRenderer(options: RenderOptions(outputDirectory: output, useCache: false))

        // The link out of the output is refused, before anything is written through it.
        let refusal = errorMessage { _ = try renderer.render(notebook: notebook) }
        XCTAssertTrue(refusal.contains("is a symbolic link"), refusal)
        XCTAssertEqual(try fingerprint(sentinel), sentinelBefore)

        // Once the link is gone, the report is written, with every failure in place.
        try FileManager.default.removeItem(at: output.appendingPathComponent(name + "_files"))
        let result = try renderer.render(notebook: notebook)
        XCTAssertGreaterThan(result.failures, 3_000, "each failing inline value counts")
        let html = try String(contentsOf: result.htmlFile, encoding: .utf8)
        XCTAssertLessThan(html.utf8.count, 8_000_000, "the report grows with the notebook, not with its square")

        // Escaped: no element or handler from the notebook became markup.
        let lowered = html.lowercased()
        for injected in ["<script", "<img src=x", "<iframe", "<svg", "<b onmouseover", "javascript:alert"] {
            XCTAssertFalse(lowered.contains(injected), "\(injected) reached the report")
        }
        XCTAssertTrue(html.contains("&lt;script&gt;alert("), "the text is shown, escaped")
        XCTAssertTrue(html.contains("YAML anchor") && html.contains("is not supported in notebooks"), "the aliases are refused by name")
        XCTAssertTrue(html.contains("nests more than \(CommonMark.maximumNesting) levels"))
        XCTAssertTrue(html.contains("--allow-notebook-endpoint"), "the endpoint is refused with what to do")

        // The key went nowhere, and nothing outside the output folder changed.
        XCTAssertFalse(tripwire.wasContacted, "the notebook's endpoint was contacted")
        XCTAssertFalse(html.contains(apiKey))
        XCTAssertEqual(try fingerprint(sentinel), sentinelBefore)
        XCTAssertEqual(try fingerprint(notebookFolder), notebooksBefore)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output.path).filter {
            $0.hasSuffix(".partial") || $0.hasSuffix(".old")
        }, [])
    }
}

final class InlineFailureBoundTests: XCTestCase {
    func testThousandsOfFailingInlineValuesInOneParagraphMakeAFewShortNotes() throws {
        let scratch = try ScratchFolder()
        let paragraph = Array(repeating: "`finexl top.name`", count: 2_000).joined(separator: " and ")
        let (document, engine) = NotebookTestSupport.run("# T\n\n" + paragraph + "\n", in: scratch.url)
        XCTAssertEqual(engine.failures, 2_000)
        let notes = NotebookTestSupport.notes(document, level: .error)
        XCTAssertEqual(notes.count, NotebookEngine.inlineFailureNotesPerBlock + 1)
        XCTAssertTrue(notes.last?.message.contains("\(2_000 - NotebookEngine.inlineFailureNotesPerBlock) more inline values") == true)
        for note in notes {
            XCTAssertLessThanOrEqual(note.quote?.count ?? 0, Notebook.maximumQuoteLength)
        }
    }
}

/// Writes a file, making its folder first.
enum ScratchFolderWriter {
    static func write(_ text: String, to url: URL) throws -> URL {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
