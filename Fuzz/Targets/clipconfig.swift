// libFuzzer target: config.json and preprocessor_config.json (the input split at its first NUL
// byte). When both are accepted and give the model's input size (as CLIPModel.load checks), a
// small non-square image is preprocessed into a buffer of exactly that size.
@testable import FineXLCore
import FineXLSupport
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCLIPConfig(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    guard let config = try? CLIPConfig(json: Data(bytes[..<split]), name: "config.json") else { return 0 }
    let rest = split < bytes.count ? Data(bytes[(split + 1)...]) : Data("{}".utf8)
    guard let preprocessor = try? CLIPImagePreprocessor(json: rest, name: "preprocessor_config.json",
                                                        imageSize: config.imageSize) else { return 0 }
    let side = config.imageSize
    let size = preprocessor.outputSize(for: side, side)
    guard size.width == side, size.height == side else { return 0 }
    let width = 3 + count % 29, height = 5 + count % 11
    var pixels = [Float](repeating: 0, count: width * height * 3)
    for i in pixels.indices { pixels[i] = Float((i &* 2_654_435_761) % 256) / 255 }
    let output = UnsafeMutableBufferPointer<Float>.allocate(capacity: 3 * side * side)
    defer { output.deallocate() }
    preprocessor.process(RGBImage(width: width, height: height, pixels: pixels), into: output)
    return 0
}
