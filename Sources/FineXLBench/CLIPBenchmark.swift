import FineXLCLIP
import FineXLCore
import FineXLSupport
import Foundation

/// What `CLIPBenchmark.run` measured.
package struct CLIPBenchReport: Sendable, CustomStringConvertible {
    package var model: String
    package var batchSize: Int
    package var backend: String
    package var threads: Int
    package var loadSeconds: Double
    package var images: Int
    package var imageSeconds: Double
    /// Processor time of the image phase, all threads: steadier than the wall
    /// clock when other programs share the cores.
    package var imageCPUSeconds: Double
    package var texts: Int
    package var textTokens: Int
    package var textSeconds: Double
    package var textCPUSeconds: Double
    /// Achieved GFLOP/s of the vision tower (2 × multiply-adds / time, preprocessing included).
    package var imageGFLOPS: Double
    /// The same process's sgemm on 1600×768 · 768×3072, the ceiling the towers aim at.
    package var sgemmGFLOPS: Double
    package var peakResidentMB: Double

    package var imagesPerSecond: Double { Double(images) / imageSeconds }
    package var textsPerSecond: Double { Double(texts) / textSeconds }

    package var description: String {
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        return """
        CLIP benchmark: \(model)
          matrix products: \(backend), \(threads) cores, \(batchSize) images per batch
          load:    \(f(loadSeconds, 2)) s
          images:  \(images) in \(f(imageSeconds, 2)) s = \(f(imagesPerSecond)) images/s \
        (\(f(imageGFLOPS)) GFLOP/s, \(f(100 * imageGFLOPS / sgemmGFLOPS))% of sgemm), \(f(imageCPUSeconds, 2)) CPU s
          texts:   \(texts) of \(textTokens) tokens in \(f(textSeconds, 2)) s = \(f(textsPerSecond)) texts/s, \(f(textCPUSeconds, 2)) CPU s
          sgemm 1600×768·768×3072: \(f(sgemmGFLOPS)) GFLOP/s
          peak RSS: \(f(peakResidentMB, 0)) MB
        """
    }
}

/// Speed of the CLIP towers on this machine: a benchmark, not a test.
package enum CLIPBenchmark {
    /// Embeds `images` synthetic 512×512 images (resized and cropped like
    /// generator outputs) and `texts` prompts, streaming in the model's
    /// batches. With no model folder, random weights at the ViT-B/32 size are
    /// built in memory and texts are 16-token sequences. `batchSize` overrides
    /// the model's images per forward pass.
    package static func run(modelDirectory: URL?, images: Int, texts: Int, batchSize: Int? = nil) throws -> CLIPBenchReport {
        let sgemm = measureSgemm()
        let loadStart = Date()
        let model: CLIPModel
        let name: String
        if let modelDirectory {
            model = try CLIPModel.load(from: modelDirectory)
            name = modelDirectory.path
        } else {
            model = try CLIPModel.random(.vitB32)
            name = "random weights, ViT-B/32 size"
        }
        let loadSeconds = Date().timeIntervalSince(loadStart)
        if let batchSize { model.batchSize = max(1, batchSize) }

        let imageStart = Date()
        let imageCPUStart = processorSeconds()
        var done = 0
        while done < images {
            let count = min(model.batchSize, images - done)
            let batch = (0..<count).map { syntheticImage(index: done + $0, side: 512) }
            let embeddings = try model.embedImages(batch)
            precondition(embeddings.count == count)
            done += count
        }
        let imageSeconds = Date().timeIntervalSince(imageStart)
        let imageCPUSeconds = processorSeconds() - imageCPUStart

        let textStart = Date()
        let textCPUStart = processorSeconds()
        var textTokens = 16
        if modelDirectory != nil {
            let prompts = (0..<texts).map { syntheticPrompt(index: $0) }
            textTokens = prompts.isEmpty ? 0 : prompts.map { model.tokenizer.encode($0).ids.count }.reduce(0, +) / prompts.count
            _ = try model.embedTexts(prompts)
        } else {
            let end = model.tokenizer.endID
            let sequences = (0..<texts).map { i in
                [model.tokenizer.startID] + (0..<14).map { (i * 31 + $0 * 7) % end } + [end]
            }
            _ = try model.embedTokens(sequences)
        }
        let textSeconds = Date().timeIntervalSince(textStart)
        let textCPUSeconds = processorSeconds() - textCPUStart

        return CLIPBenchReport(
            model: name, batchSize: model.batchSize, backend: BLAS.backendName, threads: Parallel.cores,
            loadSeconds: loadSeconds, images: images, imageSeconds: imageSeconds, imageCPUSeconds: imageCPUSeconds,
            texts: texts, textTokens: textTokens, textSeconds: textSeconds, textCPUSeconds: textCPUSeconds,
            imageGFLOPS: 2 * model.imageMultiplyAdds * Double(images) / imageSeconds / 1e9,
            sgemmGFLOPS: sgemm, peakResidentMB: peakResidentMegabytes())
    }

    /// GFLOP/s of the best of five 1600×768 · 768×3072 products.
    static func measureSgemm() -> Double {
        let (m, k, n) = (1600, 768, 3072)
        let a = [Float](repeating: 0.5, count: m * k)
        let b = [Float](repeating: 0.25, count: k * n)
        var c = [Float](repeating: 0, count: m * n)
        var best = Double.infinity
        for _ in 0..<6 {
            let start = Date()
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.sgemm(m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                                   c: c.baseAddress!, ldc: n)
                    }
                }
            }
            best = min(best, Date().timeIntervalSince(start))
        }
        return 2 * Double(m * n * k) / best / 1e9
    }

    private static func syntheticImage(index: Int, side: Int) -> RGBImage {
        var pixels = [Float](repeating: 0, count: side * side * 3)
        var state = UInt32(truncatingIfNeeded: index &* 2_654_435_761) | 1
        for i in 0..<(side * side) {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            let x = i % side, y = i / side
            pixels[3 * i] = Float((x + index) % 256) / 255
            pixels[3 * i + 1] = Float((y * 3) % 256) / 255
            pixels[3 * i + 2] = Float(state & 0xff) / 255
        }
        return RGBImage(width: side, height: side, pixels: pixels)
    }

    private static func syntheticPrompt(index: Int) -> String {
        let subjects = ["a photo of a house", "a painting of the sea", "a portrait of a woman", "a city street at night"]
        let concepts = ["warm tones", "film grain", "high contrast", "muted colors", "vignette"]
        return "\(subjects[index % subjects.count]), \(concepts[(index / subjects.count) % concepts.count])"
    }

    /// CPU time of the whole process, every thread.
    static func processorSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// VmHWM from /proc/self/status (Linux); 0 where unavailable.
    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kilobytes / 1024
        }
        return 0
    }
}
