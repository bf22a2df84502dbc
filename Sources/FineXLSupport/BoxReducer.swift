/// Reduces an image by a whole factor k as its rows arrive, top to bottom, into a `ReducedImage`:
/// each k×k box's mean and its top-left pixel, a remainder narrower than k at the right or bottom
/// dropped. A decoder hands it each row as it decodes it, so the full-size pixels never exist at once.
///
/// Each box is summed in one fixed order (its rows top to bottom, each left to right), so a decoder
/// feeding rows and `ReducedImage(_:by:)` give bit-identical pixels.
package struct BoxReducer {
    package let factor: Int
    /// Size of the image the rows come from.
    package let sourceWidth: Int
    package let sourceHeight: Int
    /// Size of the reduced image.
    package let width: Int
    package let height: Int
    private var means: [Float]
    private var samples: [Float]
    /// The running sums of the output row being filled (factor > 1 only).
    private var sums: [Float]
    /// The incoming row handed to `addRow` when it cannot be written in place (factor > 1).
    private var scratch: [Float]
    private var nextRow = 0

    /// `factor` from 1 (rows are copied) up to the shorter side.
    package init(width sourceWidth: Int, height sourceHeight: Int, factor: Int) {
        precondition(factor >= 1 && factor <= min(sourceWidth, sourceHeight),
                     "a box factor runs from 1 to the image's shorter side")
        self.factor = factor
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        width = sourceWidth / factor
        height = sourceHeight / factor
        // Reserved, not filled: the reduced rows are appended as their source rows arrive, so a file
        // that declares a large image and ends early costs the rows it had, not the size it claimed.
        means = []
        means.reserveCapacity(width * height * 3)
        samples = []
        if factor > 1 { samples.reserveCapacity(width * height * 3) }
        sums = [Float](repeating: 0, count: factor > 1 ? width * 3 : 0)
        scratch = [Float](repeating: 0, count: factor > 1 ? sourceWidth * 3 : 0)
    }

    /// Adds the next source row: `fill` writes its `sourceWidth * 3` values (R, G, B
    /// interleaved) into the buffer it is given.
    package mutating func addRow(_ fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let y = nextRow
        nextRow += 1
        let rowValues = sourceWidth * 3
        if factor == 1 {
            means.append(contentsOf: repeatElement(0, count: rowValues))
            try means.withUnsafeMutableBufferPointer { out in
                try fill(UnsafeMutableBufferPointer(rebasing: out[(y * rowValues)..<((y + 1) * rowValues)]))
            }
            return
        }
        try scratch.withUnsafeMutableBufferPointer { try fill($0) }
        guard y / factor < height else { return }  // the dropped remainder at the bottom
        let k = factor, width = self.width, start = (y / k) * width * 3
        if y % k == 0 {
            for i in sums.indices { sums[i] = 0 }
            samples.append(contentsOf: repeatElement(0, count: width * 3))
            scratch.withUnsafeBufferPointer { row in
                samples.withUnsafeMutableBufferPointer { out in
                    for x in 0..<width {
                        for c in 0..<3 { out[start + 3 * x + c] = row[3 * k * x + c] }
                    }
                }
            }
        }
        // Within a box the adds keep their order; boxes are independent, so going across the
        // boxes innermost lets their adds overlap instead of each waiting on the one before.
        scratch.withUnsafeBufferPointer { row in
            sums.withUnsafeMutableBufferPointer { sums in
                for dx in 0..<k {
                    var value = row.baseAddress! + dx * 3, sum = sums.baseAddress!
                    for _ in 0..<width {
                        sum[0] += value[0]
                        sum[1] += value[1]
                        sum[2] += value[2]
                        sum += 3
                        value += 3 * k
                    }
                }
            }
        }
        guard y % k == k - 1 else { return }
        let norm = 1 / Float(k * k)
        means.append(contentsOf: repeatElement(0, count: width * 3))
        sums.withUnsafeBufferPointer { sums in
            means.withUnsafeMutableBufferPointer { out in
                for i in 0..<(width * 3) { out[start + i] = sums[i] * norm }
            }
        }
    }

    /// The reduced image, once the rows that make up whole boxes have been added.
    package func reduced() -> ReducedImage {
        precondition(means.count == width * height * 3, "every row of the image was added")
        let means = RGBImage(width: width, height: height, pixels: means)
        return ReducedImage(factor: factor, means: means,
                            samples: factor == 1 ? means : RGBImage(width: width, height: height, pixels: samples))
    }
}
