// libFuzzer target: PNG bytes through both decoding paths (whole buffer and libpng's rows),
// reduced as the descriptor asks, so memory stays bounded by the reduced size.
@testable import FineXLCore
import FineXLSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let reduction = BoxReduction(shortestSide: 128)
    let whole = try? PNGCodec.decode(bytes: bytes, name: "fuzz.png", reduction: reduction, wholeBuffer: true)
    let rows = try? PNGCodec.decode(bytes: bytes, name: "fuzz.png", reduction: reduction, wholeBuffer: false)
    // Both paths decode the same file to the same pixels, or neither path accepts it.
    if let whole, let rows, whole != rows { fatalError("the whole-buffer and libpng paths disagree") }
    return 0
}
