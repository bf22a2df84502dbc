// libFuzzer target: `.npy` bytes; every accepted file has rows of one positive length.
@testable import FineXLCore
import FineXLSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if let rows = try? NPY.parse(bytes, name: "fuzz.npy"), let first = rows.first {
        if first.isEmpty || rows.contains(where: { $0.count != first.count }) { fatalError("ragged or empty rows accepted") }
    }
    return 0
}
