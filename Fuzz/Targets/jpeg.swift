// libFuzzer target: JPEG bytes through the decoder as the descriptor reads them.
@testable import FineXLCore
import FineXLSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    _ = try? ImageDecoder.decode(bytes: bytes, name: "fuzz.jpg", reduction: BoxReduction(shortestSide: 128))
    return 0
}
