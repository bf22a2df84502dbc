import FineXLSupport

/// Base/personalized pairs held in memory: the personalized image of each pair is a warmer,
/// brighter copy of its base, so there is a style difference to describe.
struct InMemoryPairs: PairedImageSource {
    let base: [RGBImage]
    let personal: [RGBImage]

    /// `noise` adds seeded pixel noise, which PNG cannot compress: request bodies become megabytes.
    init(count: Int, width: Int = 8, height: Int = 6, noise: Bool = false) {
        var state: UInt64 = 0x5EED
        var base: [RGBImage] = []
        var personal: [RGBImage] = []
        for pair in 0..<count {
            var pixels = [Float](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let i = (y * width + x) * 3
                    pixels[i] = Float(x) / Float(max(1, width - 1))
                    pixels[i + 1] = Float(y) / Float(max(1, height - 1))
                    pixels[i + 2] = 0.3 + Float(pair % 7) / 10
                    if noise {
                        for c in 0..<3 {
                            state = state &* 6364136223846793005 &+ 1442695040888963407
                            pixels[i + c] = min(1, pixels[i + c] * 0.5 + Float(state >> 40) / Float(1 << 24) * 0.5)
                        }
                    }
                }
            }
            let plain = RGBImage(width: width, height: height, pixels: pixels)
            var warm = plain
            for i in stride(from: 0, to: warm.pixels.count, by: 3) {
                warm.pixels[i] = min(1, warm.pixels[i] + 0.2)
                warm.pixels[i + 2] = max(0, warm.pixels[i + 2] - 0.2)
            }
            base.append(plain)
            personal.append(warm)
        }
        self.base = base
        self.personal = personal
    }

    var names: [String] { base.indices.map { "pair-\($0)" } }
    var prompts: [String]? { nil }
    var description: String { "in-memory test pairs" }

    func image(_ side: PairSide, at index: Int) throws -> RGBImage {
        side == .base ? base[index] : personal[index]
    }

    func contentDigest(_ side: PairSide, at index: Int) throws -> String {
        SHA256.hex("\(side.rawValue)-\(index)-\(base[index].width)x\(base[index].height)")
    }
}
