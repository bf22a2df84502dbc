import FineXLCore
import FineXLDescriptor
import FineXLSupport
import Foundation
import Synchronization

/// How strong a benchmark edit is in its concept's own unit, measured on the pixels alone (no
/// descriptor, no encoder, nothing FineXL reads with): the level of the concept's canonical
/// rendering (`Aspect.canonicalRendering`) that comes nearest the edited photos. A tool's
/// planted level is a setting of that tool (level 1 ≈ a strong common setting); its matched
/// level says what that setting is as a level of the concept, so a read level can be held to
/// the edit's strength rather than to the tool's dial.
///
/// Two rules. Deterministic looks take the level whose rendering is nearest the edit in summed
/// squared sRGB difference over the photos. Film grain and posterization change pixels by noise
/// or by rounding, which no rendering reproduces pixel for pixel (a pixel distance would be
/// smallest at level 0); they take the level whose change from the photo has the same
/// size: its root-mean-square about each channel's mean change (so rounding down, as PIL's
/// `posterize` floors values, counts as rounding and not as the darkening it also is).
package enum MatchedLevels {
    enum Rule: Equatable {
        case nearestRendering
        case changeSize
    }

    static func rule(_ kind: Aspect.Kind) -> Rule {
        switch kind {
        case .filmGrain, .posterized: .changeSize
        default: .nearestRendering
        }
    }

    /// The highest level searched: the rendering's own ceiling, and for blur 4 (σ 9.6 px per
    /// 256, far past any edit of the benchmark; a wide blur is what makes the search slow).
    static func ceiling(_ aspect: Aspect) -> Double {
        min(Double(aspect.canonicalCeiling), aspect.kind == .blurry ? 4 : 8)
    }

    /// The photo an aspect is matched on: at half size (2 × 2 means) where both the tools and
    /// the rendering change each pixel by its own value (colour, tone) or by its place in the
    /// frame (vignette), which takes a quarter of the time (on the benchmark every matched
    /// scale stays within 3 % of the one measured at full size); as it is where neighbours
    /// matter (blur, sharpening, grain, dithering).
    static func workingImage(_ image: RGBImage, for kind: Aspect.Kind) -> RGBImage {
        switch kind {
        case .blurry, .sharp, .filmGrain, .posterized: image
        default: image.width >= 64 && image.height >= 64 ? ReducedImage(image, by: 2).means : image
        }
    }

    /// Canonical levels searched: steps of 0.1 where the benchmark's levels lie, coarser further
    /// out, up to the rendering's ceiling (the nearest rendering's level is refined between them).
    static func grid(upTo ceiling: Double) -> [Double] {
        var levels: [Double] = []
        var level = 0.0
        while level < ceiling - 1e-9 {
            levels.append(level)
            level += level < 2 - 1e-9 ? 0.1 : level < 4 - 1e-9 ? 0.25 : 0.5
        }
        levels.append(ceiling)
        return levels
    }

    /// The matched level of every edit at every one of `levels`, by edit id, in the order of
    /// `levels`, on every photo (at half size for looks that change each pixel on its own,
    /// `workingImage`). Aspects are measured in parallel.
    package static func measure(_ edits: [PhotoEdit], levels: [Double], photos: PhotoSet) -> [String: [Double]] {
        let aspects = Array(Set(edits.map(\.aspect))).sorted()
        let results = Mutex<[String: [Double]]>([:])
        DispatchQueue.concurrentPerform(iterations: aspects.count) { a in
            guard let aspect = Aspect.named(aspects[a]) else {
                preconditionFailure("benchmark edits of \(aspects[a]), which is no built-in aspect")
            }
            let group = edits.filter { $0.aspect == aspects[a] }
            let images = photos.photos.indices.map { (index: $0, image: workingImage(photos.photos[$0].image, for: aspect.kind)) }
            let matched = measure(group, of: aspect, levels: levels, images: images)
            results.withLock { $0.merge(matched) { $1 } }
        }
        return results.withLock { $0 }
    }

    /// The matched levels of edits that all apply `aspect`, on `images` (noise seeded as
    /// `EditedPhotoPairs` seeds an edit applied alone, so at full size the edited pixels are
    /// those of the benchmark's single-aspect models; a pair's second edit, applied to the
    /// first's output, is matched as it is alone).
    static func measure(_ edits: [PhotoEdit], of aspect: Aspect, levels: [Double], images: [RGBImage]) -> [String: [Double]] {
        measure(edits, of: aspect, levels: levels, images: images.enumerated().map { (index: $0.offset, image: $0.element) })
    }

    /// As above, each image with its index in the photo set (which seeds the edits' noise).
    static func measure(_ edits: [PhotoEdit], of aspect: Aspect, levels: [Double],
                        images: [(index: Int, image: RGBImage)]) -> [String: [Double]] {
        let grid = grid(upTo: ceiling(aspect))
        let rule = rule(aspect.kind)
        // For each edit and level: squared distance to each grid rendering, or the squared size of its change.
        var distance = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: grid.count),
                                                         count: levels.count), count: edits.count)
        var changeSize = [[Double]](repeating: [Double](repeating: 0, count: levels.count), count: edits.count)
        var renderingSize = [Double](repeating: 0, count: grid.count)
        for (p, base) in images {
            let edited = edits.map { edit in
                levels.map { level in
                    PixelMath.quantized8(edit.apply(base, level: level, seed: EditedPhotoPairs.seed(photo: p, edit: edit, position: 0)))
                }
            }
            if rule == .changeSize {
                for e in edits.indices { for l in levels.indices { changeSize[e][l] += changeVariance(edited[e][l], base) } }
            }
            for (k, level) in grid.enumerated() {
                let rendering = aspect.canonicalRendering(of: base, level: level, seed: UInt64(p + 1))
                switch rule {
                case .changeSize:
                    renderingSize[k] += changeVariance(rendering, base)
                case .nearestRendering:
                    for e in edits.indices {
                        for l in levels.indices { distance[e][l][k] += squaredDistance(edited[e][l], rendering) }
                    }
                }
            }
        }
        var matched: [String: [Double]] = [:]
        for (e, edit) in edits.enumerated() {
            matched[edit.id] = levels.indices.map { l in
                rule == .changeSize
                    ? levelOfSize(changeSize[e][l], sizes: renderingSize, grid: grid, extrapolating: aspect.kind == .filmGrain)
                    : nearestLevel(distance[e][l], grid: grid)
            }
        }
        return matched
    }

    /// The grid level of least distance, refined by the parabola through it and its neighbours
    /// (at level 0, through the first three levels, kept between 0 and the next level); at the
    /// ceiling, the ceiling (a lower bound: `PhotoBenchReport` marks it).
    static func nearestLevel(_ distance: [Double], grid: [Double]) -> Double {
        let k = distance.indices.min { distance[$0] < distance[$1] }!
        guard k < grid.count - 1, grid.count >= 3 else { return grid[k] }
        let c = max(k, 1)
        let (x0, x1, x2) = (grid[c - 1], grid[c], grid[c + 1])
        let (y0, y1, y2) = (distance[c - 1], distance[c], distance[c + 1])
        // Vertex of the parabola through three points with unequal spacing.
        let denominator = (x0 - x1) * (x0 - x2) * (x1 - x2)
        let a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denominator
        let b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denominator
        guard a > 0 else { return grid[k] }
        return k == 0 ? min(max(-b / (2 * a), x0), x1) : min(max(-b / (2 * a), x0), x2)
    }

    /// The level at which the rendering's change reaches `size`: interpolated between the grid
    /// levels around the first crossing; past the ceiling, given `extrapolating`, scaled as the
    /// root-mean-square size grows in proportion to the level (grain), else the ceiling
    /// (posterization has no level past 2 grey levels).
    static func levelOfSize(_ size: Double, sizes: [Double], grid: [Double], extrapolating: Bool = true) -> Double {
        guard size > 0 else { return 0 }
        if let k = sizes.indices.first(where: { sizes[$0] >= size }) {
            guard k > 0 else { return grid[0] }
            let (r0, r1) = (sizes[k - 1].squareRoot(), sizes[k].squareRoot())
            let f = r1 > r0 ? (size.squareRoot() - r0) / (r1 - r0) : 1
            return grid[k - 1] + f * (grid[k] - grid[k - 1])
        }
        return extrapolating ? grid.last! * (size / max(sizes.last!, 1e-12)).squareRoot() : grid.last!
    }

    /// Summed squared difference of two images of one size, each channel's mean difference taken out.
    static func changeVariance(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.pixels.count == b.pixels.count, "images of different sizes")
        var sum = [Double](repeating: 0, count: 3), squares = [Double](repeating: 0, count: 3)
        for i in a.pixels.indices {
            let d = Double(a.pixels[i] - b.pixels[i])
            sum[i % 3] += d
            squares[i % 3] += d * d
        }
        let n = Double(a.pixels.count / 3)
        return (0..<3).map { squares[$0] - sum[$0] * sum[$0] / n }.reduce(0, +)
    }

    /// Summed squared difference of two images of one size, in SIMD blocks of 16 values, each
    /// block's sum added in double precision.
    static func squaredDistance(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.pixels.count == b.pixels.count, "images of different sizes")
        var total = 0.0
        a.pixels.withUnsafeBufferPointer { pa in
            b.pixels.withUnsafeBufferPointer { pb in
                let n = pa.count, blocks = n / 16
                var accumulator = SIMD16<Float>()
                for block in 0..<blocks {
                    let x = UnsafeRawPointer(pa.baseAddress! + block * 16).loadUnaligned(as: SIMD16<Float>.self)
                    let y = UnsafeRawPointer(pb.baseAddress! + block * 16).loadUnaligned(as: SIMD16<Float>.self)
                    let d = x - y
                    accumulator.addProduct(d, d)
                    if block & 255 == 255 {
                        total += Double(accumulator.sum())
                        accumulator = SIMD16<Float>()
                    }
                }
                total += Double(accumulator.sum())
                for i in blocks * 16..<n {
                    let d = Double(pa[i] - pb[i])
                    total += d * d
                }
            }
        }
        return total
    }
}
