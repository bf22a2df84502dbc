// A libFuzzer target for the notebook parser: front matter, directive bodies (YAML through
// the anchor scan and Yams), cmark and inline values. Built two ways (see run.sh):
// with `-D FUZZING -sanitize=fuzzer,address`, `main` hands over to libFuzzer's driver, which
// calls `LLVMFuzzerTestOneInput`; without, this is a replayer that runs the function once on
// each file or folder named on the command line (CI replays the corpus with it).
import FineXLNotebook
import Foundation
import Yams

/// Parses one input as a notebook and evaluates the parse of everything inside it. Traps
/// only on a real fault: a crash, a sanitizer report, or an invariant below.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNotebook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let notebook = Notebook.parse(text)
    for cell in notebook.cells {
        switch cell {
        case .markdown(let block):
            for case .inlineValue(let expression, let line) in block.segments {
                _ = try? InlineExpression.parse(expression)
                precondition(line >= 1, "inline value at line \(line)")
            }
        case .directive(let directive):
            precondition(directive.line >= 1 && directive.line <= max(1, notebook.lines.count), "directive line \(directive.line)")
        }
    }
    for line in 0...(notebook.lines.count + 1) {
        if let quote = notebook.quote(line: line) {
            precondition(quote.count <= Notebook.maximumQuoteLength, "quote of \(quote.count) characters")
        }
    }
    // The anchor scan must catch every anchor or alias Yams would see: whatever it passes must
    // compose without one (the scan is the only guard against alias expansion).
    if YAMLAnchorScan.firstAnchorOrAlias(in: text) == nil {
        // The parser keeps the anchors alive (nodes hold them weakly) while the tree is walked.
        if let parser = try? Yams.Parser(yaml: text), let root = try? parser.singleRoot() {
            precondition(!hasAnchor(root), "the anchor scan missed an anchor or alias")
        }
        if let value = try? YAMLValue.parse(text, firstLine: 1) { _ = value.canonical }
    }
    return 0
}

private func hasAnchor(_ node: Node) -> Bool {
    switch node {
    case .scalar(let scalar): return scalar.anchor != nil
    case .sequence(let sequence): return sequence.anchor != nil || sequence.contains(where: hasAnchor)
    case .mapping(let mapping):
        return mapping.anchor != nil || mapping.contains { hasAnchor($0.key) || hasAnchor($0.value) }
    case .alias: return true
    }
}

#if FUZZING
/// libFuzzer's entry for programs that keep their own `main` (SwiftPM names the executable's).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@main
struct FuzzNotebook {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzNotebook(data, size) })
    }
}
#else
@main
struct ReplayCorpus {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let bytes = FileManager.default.contents(atPath: file) else { continue }
                _ = bytes.withUnsafeBytes { buffer in
                    fuzzNotebook(buffer.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
                }
                count += 1
            }
        }
        print("replayed \(count) notebook inputs")
    }
}
#endif
