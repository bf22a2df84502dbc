import FineXLCore
import FineXLSupport
import Foundation

/// The reference `CLIPImageProcessor` (PIL backend): 8-bit image, shortest side
/// resized with PIL's antialiased convolution resampling, center crop, rescale
/// by 1/255, normalize by mean and std. The resize reproduces Pillow's 8-bit
/// fixed-point arithmetic (horizontal pass, 8-bit intermediate, vertical pass)
/// so that images that need no resize come out bit-identical and resized ones
/// differ from PIL by at most rounding.
package struct CLIPImagePreprocessor: Sendable, Equatable {
    /// PIL's resampling filters that `transformers` configs name by number.
    package enum Resample: Int, Sendable {
        case lanczos = 1, bilinear = 2, bicubic = 3

        var support: Double {
            switch self {
            case .bilinear: return 1
            case .bicubic: return 2
            case .lanczos: return 3
            }
        }

        func weight(_ x: Double) -> Double {
            switch self {
            case .bilinear:
                let x = abs(x)
                return x < 1 ? 1 - x : 0
            case .bicubic:
                // Keys' cubic with a = -0.5, as PIL.
                let a = -0.5
                let x = abs(x)
                if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
                if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
                return 0
            case .lanczos:
                func sinc(_ x: Double) -> Double {
                    if x == 0 { return 1 }
                    let px = x * Double.pi
                    return sin(px) / px
                }
                return x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0
            }
        }
    }

    package enum Resize: Sendable, Equatable {
        case shortestEdge(Int)
        case exact(width: Int, height: Int)
    }

    package var resize: Resize?
    package var resample: Resample
    package var crop: (width: Int, height: Int)?
    package var rescaleFactor: Float
    package var mean: [Float]
    package var std: [Float]

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.resize == rhs.resize && lhs.resample == rhs.resample && lhs.crop?.width == rhs.crop?.width
            && lhs.crop?.height == rhs.crop?.height && lhs.rescaleFactor == rhs.rescaleFactor
            && lhs.mean == rhs.mean && lhs.std == rhs.std
    }

    /// The largest resize or crop side a config may ask for.
    package static let maxSide = 4096

    package static let clipMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    package static let clipStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// The reference defaults for a model whose input is `imageSize` square.
    package init(imageSize: Int) {
        resize = .shortestEdge(imageSize)
        resample = .bicubic
        crop = (imageSize, imageSize)
        rescaleFactor = 1 / 255
        mean = Self.clipMean
        std = Self.clipStd
    }

    /// Reads `preprocessor_config.json`; keys it leaves out keep the defaults.
    package init(json data: Data, name: String, imageSize: Int) throws {
        self.init(imageSize: imageSize)
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw FineXLError("\(name): not a JSON object")
        }
        // Sizes are whole numbers up to `maxSide`: larger ones only cost memory (a shortest edge of
        // 100000 asked for 30 GB), and no CLIP model takes inputs near that size.
        func side(_ value: Any?, _ key: String) throws -> Int {
            guard let number = JSONNumber.whole(value, from: 1, to: Self.maxSide) else {
                throw FineXLError("\(name): \(key) must be a whole number from 1 to \(Self.maxSide), found \(value.map { "\($0)" } ?? "nothing")")
            }
            return number
        }
        if (root["do_resize"] as? Bool) == false {
            resize = nil
        } else if let size = root["size"] {
            if let dict = size as? [String: Any] {
                if let edge = dict["shortest_edge"] {
                    resize = .shortestEdge(try side(edge, "size.shortest_edge"))
                } else {
                    resize = .exact(width: try side(dict["width"], "size.width"),
                                    height: try side(dict["height"], "size.height"))
                }
            } else {
                resize = .shortestEdge(try side(size, "size"))
            }
        }
        if let raw = root["resample"] {
            guard let code = raw as? NSNumber, let filter = Resample(rawValue: code.intValue) else {
                throw FineXLError("\(name): resample \(raw) is not supported (1 lanczos, 2 bilinear, 3 bicubic)")
            }
            resample = filter
        }
        if (root["do_center_crop"] as? Bool) == false {
            crop = nil
        } else if let size = root["crop_size"] {
            if let dict = size as? [String: Any] {
                crop = (try side(dict["width"], "crop_size.width"), try side(dict["height"], "crop_size.height"))
            } else {
                let cropSide = try side(size, "crop_size")
                crop = (cropSide, cropSide)
            }
        }
        // Without a crop the reference processor hands the model the resized image as it is: not
        // square for a non-square picture when only the shortest edge is resized. CLIP's vision tower
        // has position embeddings learned for one image_size grid and refuses other sizes, so only a
        // resize to an exact size can stand in for the crop (CLIPModel.load checks it is the model's).
        if crop == nil {
            guard case .exact = resize else {
                throw FineXLError("\(name): do_center_crop is false, so non-square images would reach the model unsquared, "
                    + "but CLIP takes only \(imageSize)×\(imageSize) inputs; set do_center_crop to true "
                    + "or size to {\"height\": \(imageSize), \"width\": \(imageSize)}")
            }
        }
        if let crop, case .shortestEdge(let edge) = resize, crop.width > edge || crop.height > edge {
            throw FineXLError("\(name): crop_size \(crop.width)×\(crop.height) does not fit in size.shortest_edge \(edge)")
        }
        if (root["do_rescale"] as? Bool) == false {
            rescaleFactor = 1
        } else if let raw = root["rescale_factor"] {
            guard let factor = JSONNumber.finite(raw), factor > 0, Float(factor).isFinite else {
                throw FineXLError("\(name): rescale_factor must be a positive number, found \(raw)")
            }
            rescaleFactor = Float(factor)
        }
        if (root["do_normalize"] as? Bool) == false {
            mean = [0, 0, 0]
            std = [1, 1, 1]
        } else {
            func triple(_ key: String) throws -> [Float]? {
                guard let raw = root[key] else { return nil }
                guard let list = raw as? [Any], list.count == 3,
                      case let values = list.compactMap({ JSONNumber.finite($0).map(Float.init) }),
                      values.count == 3, values.allSatisfy(\.isFinite) else {
                    throw FineXLError("\(name): \(key) must be a list of 3 numbers, found \(raw)")
                }
                return values
            }
            mean = try triple("image_mean") ?? mean
            std = try triple("image_std") ?? std
            if let zero = std.firstIndex(of: 0) {
                throw FineXLError("\(name): image_std[\(zero)] is 0")
            }
        }
    }

    /// The output size the model sees.
    func outputSize(for width: Int, _ height: Int) -> (width: Int, height: Int) {
        if let crop { return crop }
        return resizedSize(width, height)
    }

    private func resizedSize(_ width: Int, _ height: Int) -> (width: Int, height: Int) {
        switch resize {
        case nil:
            return (width, height)
        case .exact(let w, let h):
            return (w, h)
        case .shortestEdge(let edge):
            // transformers: new_long = int(edge * long / short), truncated.
            if width <= height {
                return (edge, Int(Double(edge) * Double(height) / Double(width)))
            }
            return (Int(Double(edge) * Double(width) / Double(height)), edge)
        }
    }

    /// Writes the normalized image, channel-first (3 × H × W), into `output`.
    func process(_ image: RGBImage, into output: UnsafeMutableBufferPointer<Float>) {
        // The images came from 8-bit files; recover those bytes exactly.
        var bytes = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBufferPointer { bytes in
                for i in 0..<source.count {
                    // round(x·255) for x ≥ 0; values are whole numbers up to float error.
                    bytes[i] = UInt8(max(0, min(255, source[i] * 255 + 0.5)))
                }
            }
        }
        let width = image.width
        let height = image.height
        let target = resizedSize(width, height)
        let (outWidth, outHeight) = crop ?? target
        precondition(outWidth * outHeight * 3 == output.count, "the preprocessor's output size is the model's input size")
        // numpy center crop: top = (H - h) // 2; zero padding when the image is smaller.
        let top = floorDiv(target.height - outHeight, 2)
        let left = floorDiv(target.width - outWidth, 2)
        // Only the resized pixels the crop keeps are computed (each from the same Pillow weights as
        // a whole resize), so a long thin picture costs its own pixels and the crop, not the long
        // side it would be resized to.
        let columns = max(0, left)..<min(target.width, left + outWidth)
        let rows = max(0, top)..<min(target.height, top + outHeight)
        var window = (left: 0, top: 0, width: width, height: height)
        if target.width != width {
            bytes = resampleRows(bytes, width: width, height: height, to: target.width, keeping: columns)
            window.left = columns.lowerBound
            window.width = columns.count
        }
        if target.height != height {
            bytes = resampleColumns(bytes, width: window.width, height: height, to: target.height, keeping: rows)
            window.top = rows.lowerBound
            window.height = rows.count
        }
        let plane = outWidth * outHeight
        for c in 0..<3 {
            let scale = rescaleFactor / std[c]
            let offset = mean[c] / std[c]
            for y in 0..<outHeight {
                let sy = y + top - window.top
                for x in 0..<outWidth {
                    let sx = x + left - window.left
                    var value: Float = 0
                    if sy >= 0, sy < window.height, sx >= 0, sx < window.width {
                        value = Float(bytes[(sy * window.width + sx) * 3 + c])
                    }
                    output[c * plane + y * outWidth + x] = value * scale - offset
                }
            }
        }
    }

    private func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Pillow's `precompute_coeffs` followed by `normalize_coeffs_8bpc`: for each
    /// output index the first input index and 22-bit fixed-point weights.
    /// Only the outputs in `range` are computed.
    private func coefficients(inSize: Int, outSize: Int, range: Range<Int>) -> (starts: [Int], weights: [[Int32]]) {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = resample.support * filterScale
        var starts: [Int] = []
        var weights: [[Int32]] = []
        starts.reserveCapacity(range.count)
        weights.reserveCapacity(range.count)
        let precision = Double(1 << 22)
        for xx in range {
            let center = (Double(xx) + 0.5) * scale
            let inverse = 1 / filterScale
            let xmin = max(Int(center - support + 0.5), 0)
            let xmax = min(Int(center + support + 0.5), inSize) - xmin
            var k = [Double](repeating: 0, count: max(xmax, 0))
            var total = 0.0
            for x in 0..<max(xmax, 0) {
                let w = resample.weight((Double(x + xmin) - center + 0.5) * inverse)
                k[x] = w
                total += w
            }
            if total != 0 {
                for x in k.indices { k[x] /= total }
            }
            starts.append(xmin)
            weights.append(k.map { $0 < 0 ? Int32(-0.5 + $0 * precision) : Int32(0.5 + $0 * precision) })
        }
        return (starts, weights)
    }

    @inline(__always)
    private func clip8(_ accumulator: Int32) -> UInt8 {
        let shifted = accumulator >> 22
        return UInt8(max(0, min(255, shifted)))
    }

    private func resampleRows(_ bytes: [UInt8], width: Int, height: Int, to newWidth: Int, keeping range: Range<Int>) -> [UInt8] {
        let (starts, weights) = coefficients(inSize: width, outSize: newWidth, range: range)
        let kept = range.count
        var out = [UInt8](repeating: 0, count: kept * height * 3)
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                for xx in 0..<kept {
                    weights[xx].withUnsafeBufferPointer { k in
                        let start = starts[xx]
                        for y in 0..<height {
                            let row = input.baseAddress! + (y * width + start) * 3
                            var r: Int32 = 1 << 21, g: Int32 = 1 << 21, b: Int32 = 1 << 21
                            for x in 0..<k.count {
                                let w = k[x]
                                r &+= Int32(row[3 * x]) &* w
                                g &+= Int32(row[3 * x + 1]) &* w
                                b &+= Int32(row[3 * x + 2]) &* w
                            }
                            let o = (y * kept + xx) * 3
                            output[o] = clip8(r)
                            output[o + 1] = clip8(g)
                            output[o + 2] = clip8(b)
                        }
                    }
                }
            }
        }
        return out
    }

    private func resampleColumns(_ bytes: [UInt8], width: Int, height: Int, to newHeight: Int, keeping range: Range<Int>) -> [UInt8] {
        let (starts, weights) = coefficients(inSize: height, outSize: newHeight, range: range)
        var out = [UInt8](repeating: 0, count: width * range.count * 3)
        let rowLength = width * 3
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                var sums = [Int32](repeating: 0, count: rowLength)
                for yy in 0..<range.count {
                    sums.withUnsafeMutableBufferPointer { sums in
                        sums.update(repeating: 1 << 21)
                        for (y, w) in weights[yy].enumerated() {
                            let row = input.baseAddress! + (starts[yy] + y) * rowLength
                            for i in 0..<rowLength { sums[i] &+= Int32(row[i]) &* w }
                        }
                        let o = output.baseAddress! + yy * rowLength
                        for i in 0..<rowLength { o[i] = clip8(sums[i]) }
                    }
                }
            }
        }
        return out
    }
}
