import FineXLSupport

/// Shrinks images by area averaging: every source pixel contributes in proportion to how much of
/// it each output pixel covers, so thin details fade instead of aliasing.
package enum ImageResampler {
    /// The image scaled so its longer side is at most `maxSide`, aspect ratio kept;
    /// returned unchanged when it already fits.
    package static func downscaled(_ image: RGBImage, maxSide: Int) -> RGBImage {
        let longer = max(image.width, image.height)
        guard maxSide > 0, longer > maxSide else { return image }
        let scale = Double(maxSide) / Double(longer)
        let width = max(1, min(maxSide, Int((Double(image.width) * scale).rounded())))
        let height = max(1, min(maxSide, Int((Double(image.height) * scale).rounded())))

        // Separable: average along rows into a (width x source height) image, then along columns.
        let columns = coverage(source: image.width, target: width)
        let rows = coverage(source: image.height, target: height)
        var horizontal = [Float](repeating: 0, count: width * image.height * 3)
        image.pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { out in
                for y in 0..<image.height {
                    let sourceRow = y * image.width * 3
                    let outRow = y * width * 3
                    for x in 0..<width {
                        var r: Float = 0, g: Float = 0, b: Float = 0
                        for (index, weight) in columns[x] {
                            let at = sourceRow + index * 3
                            r += source[at] * weight
                            g += source[at + 1] * weight
                            b += source[at + 2] * weight
                        }
                        out[outRow + x * 3] = r
                        out[outRow + x * 3 + 1] = g
                        out[outRow + x * 3 + 2] = b
                    }
                }
            }
        }
        var pixels = [Float](repeating: 0, count: width * height * 3)
        horizontal.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let outRow = y * width * 3
                    for (index, weight) in rows[y] {
                        let sourceRow = index * width * 3
                        for i in 0..<(width * 3) {
                            out[outRow + i] += source[sourceRow + i] * weight
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// For each target cell, the source cells it overlaps and their share of it (shares sum to 1).
    private static func coverage(source: Int, target: Int) -> [[(index: Int, weight: Float)]] {
        let step = Double(source) / Double(target)
        return (0..<target).map { cell in
            let start = Double(cell) * step
            let end = cell == target - 1 ? Double(source) : Double(cell + 1) * step
            var weights: [(index: Int, weight: Float)] = []
            var index = Int(start)
            while index < source, Double(index) < end {
                let overlap = min(end, Double(index + 1)) - max(start, Double(index))
                if overlap > 1e-9 { weights.append((index, Float(overlap / (end - start)))) }
                index += 1
            }
            return weights
        }
    }
}
