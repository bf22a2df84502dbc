import FineXLCore
import FineXLSupport
import Foundation

/// The raw, unstandardized low-level statistics the descriptor encoder is built on.
///
/// Every statistic is measured at the working resolution: an image is first box-averaged by a
/// whole factor to a shortest side of 128–255 px (`reduction`), so grain, sharpness and blur
/// are measured relative to the frame. Global statistics (tone, colour, vignetting) are then
/// taken on a stride grid of at most about 40 000 pixels; sharpness and noise, which depend on
/// neighbouring pixels, on 16 patches spread over the reduced image; posterization on one
/// unaveraged pixel per box.
enum DescriptorStatistics {
    /// One name per statistic, in embedding order: part of the encoder's identity.
    static let names: [String] = DescriptorStatistic.allCases.map(\.name)

    static var count: Int { DescriptorStatistic.allCases.count }

    /// Measures all statistics of one image.
    static func measure(_ input: RGBImage) -> [Double] {
        measure(ReducedImage(input, by: 1))
    }

    /// Measures all statistics of an image given whole (reduced by 1) or already reduced by
    /// `reduction`'s factor as it was decoded (its factor here is then 1). Either way the
    /// statistics see the same box means and the same one pixel per box, bit for bit.
    static func measure(_ input: ReducedImage) -> [Double] {
        // A whole image is reduced here, box means and samples in one pass.
        let factor = boxFactor(input.means)
        let reduced = factor > 1 ? ReducedImage(input.means, by: factor) : input
        let image = prepared(reduced.means)
        var out = StatisticValues()
        image.pixels.withUnsafeBufferPointer { px in
            let noiseVariance = localStatistics(px, width: image.width, height: image.height, into: &out)
            globalStatistics(px, width: image.width, height: image.height, noiseVariance: noiseVariance, into: &out)
        }
        // Posterization is a property of pixel values, which box averaging smooths away: it is
        // measured on one pixel of each box, on the same grid as everything else.
        quantizationStatistics(clamped(reduced.samples), into: &out)
        return out.values
    }

    /// Values outside 0…1 (or NaN) are clamped and images under 16 px on a side enlarged by
    /// pixel replication, so every statistic below is defined and no index leaves its table.
    /// `measure` has already box-averaged larger images by a whole factor toward the resolution
    /// the concept directions were calibrated at (shortest side 128–255 px after it): grain,
    /// sharpness and blur are then measured relative to the frame, so one look gives one
    /// embedding at any resolution. A whole factor keeps each box aligned with one grain cell.
    static func prepared(_ input: RGBImage) -> RGBImage {
        let image = clamped(input)
        let pixels = image.pixels
        let side = min(image.width, image.height)
        guard side < 16 else { return RGBImage(width: image.width, height: image.height, pixels: pixels) }
        let factor = (16 + side - 1) / side
        let w = image.width * factor, h = image.height * factor
        var enlarged = [Float](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<3 { enlarged[(y * w + x) * 3 + c] = pixels[((y / factor) * image.width + x / factor) * 3 + c] }
            }
        }
        return RGBImage(width: w, height: h, pixels: enlarged)
    }

    /// The whole factor `prepared` shrinks an image by: ⌊shortest side / 128⌋, at least 1.
    static func boxFactor(_ image: RGBImage) -> Int {
        reduction.factor(width: image.width, height: image.height)
    }

    /// The reduction `measure` makes, which an image may also go through before it reaches the
    /// encoder: it lands at 128–255 px, where the factor is 1.
    static let reduction = BoxReduction(shortestSide: DescriptorCalibration.referenceSize)

    /// The image with values clamped to 0…1 (NaN to 0), before any enlargement.
    static func clamped(_ image: RGBImage) -> RGBImage {
        guard !image.pixels.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { return image }
        return RGBImage(width: image.width, height: image.height,
                        pixels: image.pixels.map { $0.isNaN ? 0 : min(max($0, 0), 1) })
    }

    /// Levels in use per channel as a share of the channel's range, in levels per 256 (out[.levelsUsed]):
    /// posterization thins the levels out, while a colour gain or a contrast change only narrows
    /// or widens the range they spread over. Share of horizontal neighbours with equal 8-bit
    /// luma (out[.equalNeighbours]); on luma, so taking the colour out (black and white) changes nothing.
    private static func quantizationStatistics(_ image: RGBImage, into out: inout StatisticValues) {
        var levels = [Int](repeating: 0, count: 3 * 256)
        var equal = 0, pairs = 0
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<image.height {
                var previous = -1
                for x in 0..<image.width {
                    let i = (y * image.width + x) * 3
                    for c in 0..<3 { levels[c * 256 + Int(ImageFilters.clamp01(px[i + c]) * 255 + 0.5)] += 1 }
                    let luma = Int(ImageFilters.luma(px[i], px[i + 1], px[i + 2]) * 255 + 0.5)
                    if x > 0 {
                        pairs += 1
                        if luma == previous { equal += 1 }
                    }
                    previous = luma
                }
            }
        }
        // The range runs from the 0.5th to the 99.5th percentile, so a few stray pixels do
        // not widen it and read as thinned-out levels.
        var density = 0.0
        let total = image.width * image.height
        for c in 0..<3 {
            let counts = levels[(c * 256)..<(c * 256 + 256)].map { $0 }
            var cumulative = 0, low = 0, high = 255
            for (level, n) in counts.enumerated() {
                if cumulative * 200 <= total { low = level }
                cumulative += n
                if cumulative * 200 < total * 199 { high = level + 1 }
            }
            high = min(max(high, low), 255)
            let used = (low...high).filter { counts[$0] > 0 }.count
            density += Double(max(used, 1)) / Double(high - low + 1) / 3
        }
        out[.levelsUsed] = log2(density * 256)
        out[.equalNeighbours] = pairs > 0 ? Double(equal) / Double(pairs) : 0
    }

    // MARK: - Global statistics on the stride grid

    /// sRGB → linear and log2(linear + 0.01) on 4096 steps: exact enough for averages, and
    /// the per-pixel `powf` / `log2f` would dominate the encoder's time.
    private static let linearTable: [Float] = (0..<4096).map { ImageFilters.toLinear(Float($0) / 4095) }
    private static let logTable: [Float] = (0..<4096).map { log2f(Float($0) / 4095 + 0.01) }

    private static func globalStatistics(_ px: UnsafeBufferPointer<Float>, width w: Int, height h: Int,
                                         noiseVariance: Double, into out: inout StatisticValues) {
        let stride = max(1, Int((Double(w * h) / 40_000).squareRoot()))
        let gw = (w + stride - 1) / stride, gh = (h + stride - 1) / stride
        var gridLuma = [Float](repeating: 0, count: gw * gh)
        var lumaHist = [Int](repeating: 0, count: 1024)
        var chromaHist = [Int](repeating: 0, count: 512)
        var sumY = 0.0, sumY2 = 0.0, sumLogLin = 0.0, shadowClip = 0.0, whiteClip = 0.0
        var sumC = 0.0, sumS = 0.0
        var sumRG = 0.0, sumRG2 = 0.0, sumYB = 0.0, sumYB2 = 0.0
        var sumWarm = 0.0, sumWarm2 = 0.0, sumTint = 0.0, sumTint2 = 0.0
        var sumR = 0.0, sumG = 0.0, sumB = 0.0
        // Warmth summed per luma bin, so shadows and highlights can be taken by rank below.
        var warmByLuma = [Double](repeating: 0, count: 1024)
        var rings = [Double](repeating: 0, count: 4), ringN = [Double](repeating: 0, count: 4)
        let cx = Float(w - 1) / 2, cy = Float(h - 1) / 2
        let halfDiagonal = (cx * cx + cy * cy).squareRoot()
        var n = 0
        var gy = 0
        for y in Swift.stride(from: 0, to: h, by: stride) {
            var gx = 0
            let dy = (Float(y) - cy) / halfDiagonal
            for x in Swift.stride(from: 0, to: w, by: stride) {
                let i = (y * w + x) * 3
                let r = px[i], g = px[i + 1], b = px[i + 2]
                let luma = ImageFilters.luma(r, g, b)
                gridLuma[gy * gw + gx] = luma
                let dx = (Float(x) - cx) / halfDiagonal
                let rho = (dx * dx + dy * dy).squareRoot()
                let ring = rho < 0.45 ? 0 : rho < 0.6 ? 1 : rho < 0.8 ? 2 : 3
                rings[ring] += Double(luma)
                ringN[ring] += 1
                gx += 1
                // Tone and colour are measured on the central disc, so vignetting (which
                // only darkens the outer rings) moves the ring ratios and little else.
                guard rho < 0.55 else { continue }
                lumaHist[min(1023, max(0, Int(luma * 1023 + 0.5)))] += 1
                let ly = Double(luma)
                sumY += ly
                sumY2 += ly * ly
                let linear = 0.2126 * linearTable[Int(ImageFilters.clamp01(r) * 4095 + 0.5)]
                    + 0.7152 * linearTable[Int(ImageFilters.clamp01(g) * 4095 + 0.5)]
                    + 0.0722 * linearTable[Int(ImageFilters.clamp01(b) * 4095 + 0.5)]
                sumLogLin += Double(logTable[Int(linear * 4095 + 0.5)])
                shadowClip += Double(min(max((0.06 - luma) / 0.06, 0), 1))
                whiteClip += Double(min(max((luma - 0.94) / 0.06, 0), 1))
                let mx = max(r, g, b), mn = min(r, g, b)
                let c = mx - mn
                chromaHist[min(511, max(0, Int(c * 511 + 0.5)))] += 1
                let dc = Double(c)
                sumC += dc
                sumS += mx > 0.004 ? Double(c / mx) : 0
                let rg = Double(r - g), yb = Double(0.5 * (r + g) - b)
                sumRG += rg
                sumRG2 += rg * rg
                sumYB += yb
                sumYB2 += yb * yb
                let warm = Double(r - b), tint = Double(g - 0.5 * (r + b))
                sumWarm += warm
                sumWarm2 += warm * warm
                sumTint += tint
                sumTint2 += tint * tint
                sumR += Double(r)
                sumG += Double(g)
                sumB += Double(b)
                warmByLuma[min(1023, max(0, Int(luma * 1023 + 0.5)))] += warm
                n += 1
            }
            gy += 1
        }
        let count = Double(max(n, 1))
        func percentile(_ hist: [Int], _ q: Double) -> Double {
            let target = q * count
            var cumulative = 0.0
            for (bin, c) in hist.enumerated() {
                cumulative += Double(c)
                if cumulative >= target { return Double(bin) / Double(hist.count - 1) }
            }
            return 1
        }
        let meanY = sumY / count
        out[.lumaMean] = meanY
        out[.lumaSpread] = max(0, sumY2 / count - meanY * meanY).squareRoot()
        out[.luma5th] = percentile(lumaHist, 0.05)
        out[.luma25th] = percentile(lumaHist, 0.25)
        out[.lumaMedian] = percentile(lumaHist, 0.5)
        out[.luma75th] = percentile(lumaHist, 0.75)
        out[.luma95th] = percentile(lumaHist, 0.95)
        out[.blackClipping] = shadowClip / count
        out[.whiteClipping] = whiteClip / count
        out[.logMeanLinearLuminance] = sumLogLin / count
        out[.interquartileContrast] = out[.luma75th] - out[.luma25th]
        // Sharpness and blur statistics are ratios, unmoved by a contrast change, so the
        // contrast and blur directions do not share them.
        out[.localContrast] = localContrast(gridLuma, gw, gh, block: max(4, 32 / stride))
        // Fine against coarse local variance, each less what white noise of the measured
        // variance adds to it, so grain does not read as fine detail.
        // The grid takes single pixels, so white noise keeps its variance σ² there, and a b×b
        // block's variance expects (1 − 1/b²)σ² of it. Under 32 px no coarse block fits: 0.
        let fineBlock = max(2, 8 / stride), coarseBlock = max(4, 32 / stride)
        if min(gw, gh) >= coarseBlock {
            func expectedNoise(_ b: Int) -> Double { noiseVariance * (1 - 1 / Double(b * b)) }
            let fine = localVariance(gridLuma, gw, gh, block: fineBlock)
            let coarse = localVariance(gridLuma, gw, gh, block: coarseBlock)
            out[.fineOverCoarseVariance] = log(denoised(fine, expectedNoise(fineBlock)) / denoised(coarse, expectedNoise(coarseBlock)))
        }
        let meanC = sumC / count
        out[.chromaMean] = meanC
        out[.chroma90th] = percentile(chromaHist, 0.9)
        out[.chromaMedian] = percentile(chromaHist, 0.5)
        out[.hsvSaturationMean] = sumS / count
        let mRG = sumRG / count, mYB = sumYB / count
        let sRG = max(0, sumRG2 / count - mRG * mRG), sYB = max(0, sumYB2 / count - mYB * mYB)
        out[.colourfulness] = (sRG + sYB).squareRoot() + 0.3 * (mRG * mRG + mYB * mYB).squareRoot()
        // Scaling all chroma (black and white) moves every percentile in proportion;
        // compressing strong colours (muted colours) moves the upper ones most.
        out[.chroma25th] = percentile(chromaHist, 0.25)
        out[.chroma75th] = percentile(chromaHist, 0.75)
        let mWarm = sumWarm / count, mTint = sumTint / count
        out[.warmCoolMean] = mWarm
        out[.greenMagentaMean] = mTint
        out[.warmCoolSpread] = max(0, sumWarm2 / count - mWarm * mWarm).squareRoot()
        out[.greenMagentaSpread] = max(0, sumTint2 / count - mTint * mTint).squareRoot()
        out[.redMean] = sumR / count
        out[.greenMean] = sumG / count
        out[.blueMean] = sumB / count
        out[.redGreenMean] = mRG
        // Shadows and highlights are the darkest and brightest 30 % of the disc by luma rank,
        // not fixed luma thresholds: a tone change (dark, bright, contrast) keeps the order
        // of pixels, so it does not move pixels between them and read as a colour change.
        // The bin that crosses 30 % (or 70 %) counts only with the share of it needed.
        var shadowWarmth = 0.0, highlightWarmth = 0.0, before = 0.0
        let share = 0.3 * count
        for bin in 0..<1024 where lumaHist[bin] > 0 {
            let pixels = Double(lumaHist[bin])
            let meanWarmth = warmByLuma[bin] / pixels
            shadowWarmth += meanWarmth * min(max(share - before, 0), pixels)
            highlightWarmth += meanWarmth * min(max(before + pixels - (count - share), 0), pixels)
            before += pixels
        }
        out[.shadowWarmth] = n > 0 ? shadowWarmth / share : mWarm
        out[.highlightWarmth] = n > 0 ? highlightWarmth / share : mWarm
        let centre = rings[0] / max(1, ringN[0]) + 0.02
        out[.ring2VsCentre] = log((rings[2] / max(1, ringN[2]) + 0.02) / centre)
        out[.ring3VsCentre] = log((rings[3] / max(1, ringN[3]) + 0.02) / centre)
        out[.cornersVsCentre] = cornerRatio(gridLuma, gw, gh)
        out[.chroma10th] = percentile(chromaHist, 0.1)
    }

    /// Mean absolute deviation of luma from its block mean, averaged over blocks.
    private static func localContrast(_ luma: [Float], _ w: Int, _ h: Int, block: Int) -> Double {
        averageOverBlocks(w, h, block: block) { bx, by in
            var s: Float = 0
            for y in by..<(by + block) { for x in bx..<(bx + block) { s += luma[y * w + x] } }
            let mean = s / Float(block * block)
            var d: Float = 0
            for y in by..<(by + block) { for x in bx..<(bx + block) { d += abs(luma[y * w + x] - mean) } }
            return Double(d / Float(block * block))
        }
    }

    /// Variance of luma within each block, averaged over blocks.
    private static func localVariance(_ luma: [Float], _ w: Int, _ h: Int, block: Int) -> Double {
        averageOverBlocks(w, h, block: block) { bx, by in
            var s: Float = 0, s2: Float = 0
            for y in by..<(by + block) {
                for x in bx..<(bx + block) {
                    let v = luma[y * w + x]
                    s += v
                    s2 += v * v
                }
            }
            let n = Float(block * block)
            return Double(max(0, s2 / n - (s / n) * (s / n)))
        }
    }

    /// Mean of `measure(x0, y0)` over the whole block×block tiles of a w×h grid; 0 when none fits.
    private static func averageOverBlocks(_ w: Int, _ h: Int, block: Int, _ measure: (Int, Int) -> Double) -> Double {
        var total = 0.0, blocks = 0
        for by in stride(from: 0, through: h - block, by: block) {
            for bx in stride(from: 0, through: w - block, by: block) {
                total += measure(bx, by)
                blocks += 1
            }
        }
        return blocks > 0 ? total / Double(blocks) : 0
    }

    /// An energy less the part `noise` accounts for, kept above a small floor (and above
    /// zero) so that its logarithm and ratios stay defined when noise is all there is.
    @inline(__always)
    static func denoised(_ energy: Double, _ noise: Double) -> Double {
        max(energy - noise, 0.05 * energy, 1e-9)
    }

    /// log of the corner squares' mean luma over the central square's.
    private static func cornerRatio(_ luma: [Float], _ w: Int, _ h: Int) -> Double {
        let s = max(1, min(w, h) / 6)
        func mean(_ x0: Int, _ y0: Int) -> Double {
            var t: Float = 0
            for y in y0..<(y0 + s) { for x in x0..<(x0 + s) { t += luma[y * w + x] } }
            return Double(t) / Double(s * s)
        }
        let corners = (mean(0, 0) + mean(w - s, 0) + mean(0, h - s) + mean(w - s, h - s)) / 4
        let centre = mean((w - s) / 2, (h - s) / 2)
        return log((corners + 0.02) / (centre + 0.02))
    }

    // MARK: - Local statistics on patches of the reduced image

    /// Returns the estimated variance of white luma noise (the median flat block's).
    private static func localStatistics(_ px: UnsafeBufferPointer<Float>, width w: Int, height h: Int,
                                        into out: inout StatisticValues) -> Double {
        let p = max(8, min(48, min(w, h) / 4) & ~7)  // patch side, a multiple of 8
        let grid = 4
        var g1 = 0.0, g2 = 0.0, g4 = 0.0, lap = 0.0, texture = 0.0
        var acutanceNum = 0.0, acutanceDen = 0.0, acutanceN = 0.0, lumaVariance = 0.0
        var lumaNoise: [Double] = [], chromaNoise: [Double] = []
        var immerkaer = 0.0, immerkaerN = 0.0
        var luma = [Float](repeating: 0, count: p * p)
        var chroma = [Float](repeating: 0, count: p * p)
        var half = [Float](repeating: 0, count: (p / 2) * (p / 2))
        var quarter = [Float](repeating: 0, count: (p / 4) * (p / 4))
        for py in 0..<grid {
            for pxIndex in 0..<grid {
                let x0 = grid == 1 ? 0 : (w - p) * pxIndex / (grid - 1)
                let y0 = grid == 1 ? 0 : (h - p) * py / (grid - 1)
                for y in 0..<p {
                    for x in 0..<p {
                        let i = ((y0 + y) * w + x0 + x) * 3
                        luma[y * p + x] = ImageFilters.luma(px[i], px[i + 1], px[i + 2])
                        chroma[y * p + x] = px[i] - px[i + 1] + 0.5 * (px[i + 2] - px[i + 1])
                    }
                }
                g1 += gradientEnergy(luma, p)
                downsample(luma, p, into: &half)
                g2 += gradientEnergy(half, p / 2)
                downsample(half, p / 2, into: &quarter)
                g4 += gradientEnergy(quarter, p / 4)
                texture += Double(variance(half)) - Double(variance(quarter))
                lumaVariance += Double(variance(luma))
                // Acutance: how much of the 4-px gradient is carried by 1-px steps at edges.
                for y in 1..<(p - 1) {
                    for x in 1..<(p - 1) {
                        let c = luma[y * p + x]
                        let l = 4 * c - luma[y * p + x - 1] - luma[y * p + x + 1] - luma[(y - 1) * p + x]
                            - luma[(y + 1) * p + x]
                        lap += Double(l * l)
                        let dx = luma[y * p + x + 1] - luma[y * p + x - 1]
                        let dy = luma[(y + 1) * p + x] - luma[(y - 1) * p + x]
                        let m = Double(dx * dx + dy * dy)
                        acutanceNum += m * m
                        acutanceDen += m
                        acutanceN += 1
                    }
                }
                // Noise: residual of Immerkær's second-difference mask, per 8×8 block; the
                // median block is a flat area on all but the busiest images.
                for by in Swift.stride(from: 0, to: p, by: 8) {
                    for bx in Swift.stride(from: 0, to: p, by: 8) {
                        var ls: Float = 0, cs: Float = 0, m = 0
                        for y in max(1, by)..<min(p - 1, by + 8) {
                            for x in max(1, bx)..<min(p - 1, bx + 8) {
                                let lv = secondDifference(luma, p, x, y)
                                let cv = secondDifference(chroma, p, x, y)
                                ls += lv * lv
                                cs += cv * cv
                                m += 1
                                immerkaer += Double(abs(lv))
                                immerkaerN += 1
                            }
                        }
                        if m > 0 {
                            lumaNoise.append(Double(ls) / Double(m) / 36)
                            chromaNoise.append(Double(cs) / Double(m) / 36)
                        }
                    }
                }
            }
        }
        let patches = Double(grid * grid)
        // Sharpness and texture are measured on the energies less what white noise of the
        // variance σ² measured in flat areas adds to each: 4σ² to the 1-px gradient energy,
        // σ² at 2 px and σ²/4 at 4 px (each halving averages 4 pixels), 20σ² to the Laplacian,
        // σ² to the variance. Grain then moves the noise statistics, linearly in its variance,
        // and not the sharpness ones, where it would saturate and mimic sharpening.
        let noise = median(lumaNoise)
        let e1 = denoised(g1 / patches, 4 * noise), e2 = denoised(g2 / patches, noise)
        let e4 = denoised(g4 / patches, noise / 4)
        let laplacian = denoised(lap / patches / Double((p - 2) * (p - 2)), 20 * noise)
        let variance = denoised(lumaVariance / patches, noise)
        out[.gradient1over4] = log(e1 / e4)
        out[.gradient2over4] = log(e2 / e4)
        out[.gradient1over2] = log(e1 / e2)
        out[.laplacianOverGradient] = log(laplacian / e1)
        out[.gradient4overVariance] = log(e4 / variance)
        // E[|g|⁴] / E[|g|²]² of the central-difference gradient g: how concentrated edges are,
        // contrast-free. With m = |g + n|², n white noise of variance 2σ² per component,
        // E[m] = E|g|² + 4σ² and E[m²] = E|g|⁴ + 16σ²E|g|² + 32σ⁴.
        // Both moments floor at the same share (5 % and its square) so that where noise is all
        // there is the ratio falls back to the raw m2 / m1², and a flat image reads 0.
        let m1 = acutanceN > 0 ? acutanceDen / acutanceN : 0, m2 = acutanceN > 0 ? acutanceNum / acutanceN : 0
        if m1 > 1e-12 {
            let g2 = max(m1 - 4 * noise, 0.05 * m1)
            let g4 = max(m2 - 16 * noise * g2 - 32 * noise * noise, 0.0025 * m2)
            out[.edgeAcutance] = g4 / (g2 * g2)
        }
        out[.flatLumaNoise] = noise * 1000
        out[.flatChromaNoise] = median(chromaNoise) * 1000
        let sigma = immerkaerN > 0 ? (Double.pi / 2).squareRoot() * immerkaer / immerkaerN / 6 : 0
        out[.immerkaerNoise] = sigma * sigma * 1000
        // Band energy between 2 and 4 px over the variance; white noise adds σ²/4 − σ²/16.
        out[.midScaleTexture] = lumaVariance > 1e-12 ? denoised(texture / patches, 3 * noise / 16) / variance : 0
        return noise
    }

    @inline(__always)
    private static func secondDifference(_ v: [Float], _ p: Int, _ x: Int, _ y: Int) -> Float {
        let a = v[(y - 1) * p + x - 1] - 2 * v[(y - 1) * p + x] + v[(y - 1) * p + x + 1]
        let b = v[y * p + x - 1] - 2 * v[y * p + x] + v[y * p + x + 1]
        let c = v[(y + 1) * p + x - 1] - 2 * v[(y + 1) * p + x] + v[(y + 1) * p + x + 1]
        return a - 2 * b + c
    }

    private static func gradientEnergy(_ v: [Float], _ p: Int) -> Double {
        var e: Float = 0
        for y in 0..<(p - 1) {
            for x in 0..<(p - 1) {
                let c = v[y * p + x]
                let dx = v[y * p + x + 1] - c, dy = v[(y + 1) * p + x] - c
                e += dx * dx + dy * dy
            }
        }
        return Double(e) / Double((p - 1) * (p - 1))
    }

    private static func downsample(_ v: [Float], _ p: Int, into out: inout [Float]) {
        let q = p / 2
        for y in 0..<q {
            for x in 0..<q {
                out[y * q + x] = 0.25 * (v[2 * y * p + 2 * x] + v[2 * y * p + 2 * x + 1]
                    + v[(2 * y + 1) * p + 2 * x] + v[(2 * y + 1) * p + 2 * x + 1])
            }
        }
    }

    private static func variance(_ v: [Float]) -> Float {
        let mean = v.reduce(0, +) / Float(v.count)
        return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(v.count)
    }

    private static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m])
    }
}
