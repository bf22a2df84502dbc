// libFuzzer target: a safetensors JSON header, as if followed by 4096 bytes of data. Every
// accepted tensor lies inside the data and holds exactly its shape.
@testable import FineXLCore
import FineXLSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let dataLength = 4096
    guard let entries = try? SafeTensors.parseHeader(bytes, name: "fuzz.safetensors", dataLength: dataLength) else {
        return 0
    }
    for entry in entries.values {
        guard entry.begin >= 0, entry.begin <= entry.end, entry.end <= dataLength,
              let width = SafeTensors.dtypeWidths[entry.dtype],
              entry.shape.reduce(width, *) == entry.end - entry.begin else {
            fatalError("tensor accepted outside the data or with the wrong size: \(entry)")
        }
    }
    return 0
}
