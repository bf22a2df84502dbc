import FineXLCharts
import FineXLCore
import FineXLImage
import FineXLSupport
import Foundation

/// The notebook's figures as report figures: charts drawn by FineXLCharts, thumbnails by
/// FineXLImage. File stems here are names only; the report numbers figures in document order.
enum Figures {
    static func weights(_ explanation: Explanation, title: String?, top: Int?) throws -> ReportFigure {
        let concepts = Array(explanation.concepts.prefix(top ?? explanation.concepts.count))
        guard !concepts.isEmpty else {
            throw FineXLError("the decomposition kept no concept, so there is nothing to chart")
        }
        let chart = BarChart(
            title: title ?? "Weights of the kept concepts (\(explanation.method))",
            bars: concepts.map { concept in
                BarChart.Bar(label: "\(concept.name) (\(NotebookFormat.percent(concept.paired.share)) of pairs)", value: concept.weight,
                             interval: concept.ci.count == 2 && concept.ci[0] <= concept.ci[1] ? concept.ci[0]...concept.ci[1] : nil)
            },
            valueLabel: "weight w_i")
        return figure(try chart.render(), stem: "weights",
                      caption: (title ?? "Weights of the kept concepts") + "; whiskers show 95 % bootstrap intervals"
                          + (explanation.intervals.map { " (\($0))" } ?? " over pairs") + ". "
                          + "In brackets: the share of pairs whose own difference moves along f(C); paired signed-rank p: "
                          + concepts.map { "\($0.name) \(NotebookFormat.pValue($0.paired.p))" }.joined(separator: ", ") + ". "
                          + "Relative residual \(NotebookFormat.number(explanation.residual.relative)).")
    }

    static func histogram(_ values: [Double], bins: Int, title: String, caption: String) throws -> ReportFigure {
        var chart = Histogram(title: title, values: values, bins: bins, xLabel: "projection onto the direction of V_div", marker: 0)
        chart.markerLabel = "no change"
        return figure(try chart.render(), stem: "divergence-histogram", caption: caption)
    }

    /// Signed cosines on a diverging scale: opposite concepts (warm and cool tones) show as
    /// clearly as near-duplicates, and Eq. 9 counts both through |cos|.
    static func heatMap(_ matrix: [[Double]], labels: [String], title: String) throws -> ReportFigure {
        let chart = HeatMap(title: title, labels: labels, matrix: matrix, range: -1...1)
        return figure(try chart.render(), stem: "cosines", caption: title + "; red and blue are far from orthogonal, white is orthogonal.")
    }

    static func residualSteps(_ steps: [Explanation.Step], eDecomp: Double) throws -> ReportFigure {
        var chart = LineChart(title: "Relative residual after each concept is added", xLabels: steps.map(\.added),
                              series: [(name: "relative residual", values: steps.map(\.relativeResidual))],
                              yLabel: "‖V_div − Σ w_i f(C_i)‖ / ‖V_div‖", threshold: eDecomp)
        chart.thresholdLabel = "eDecomp \(eDecomp.formatted)"
        return figure(try chart.render(), stem: "residual-steps",
                      caption: "Relative residual after each step; the dashed line is eDecomp = \(eDecomp.formatted).")
    }

    static func groupedWeights(models: [(name: String, weights: [Double])], concepts: [String]) throws -> ReportFigure {
        let chart = GroupedBarChart(title: "Weights per model", categories: concepts,
                                    series: models.map { (name: $0.name, values: $0.weights) }, valueLabel: "weight w_i")
        return figure(try chart.render(), stem: "compare-weights",
                      caption: "Weights of the same concepts for each model (0 where a model did not keep the concept).")
    }

    /// Base above personalized, one column per pair, at most four pairs per row. A thumbnail
    /// shows `thumbnail` CSS pixels wide, drawn with up to twice as many pixels for sharp display
    /// (fewer when the images are smaller).
    static func samples(_ source: any PairedImageSource, indices: [Int], thumbnail: Int) throws -> ReportFigure {
        var cells: [(base: RGBImage, personal: RGBImage)] = []
        for index in indices {
            cells.append((ImageResampler.downscaled(try source.image(.base, at: index), maxSide: thumbnail * 2),
                          ImageResampler.downscaled(try source.image(.personal, at: index), maxSide: thumbnail * 2)))
        }
        let cell = cells.flatMap { [$0.base, $0.personal] }.map { max($0.width, $0.height) }.max() ?? 1
        let gap = max(2, cell / 16), perRow = min(4, max(cells.count, 1))
        let rows = (cells.count + perRow - 1) / perRow
        let width = perRow * cell + (perRow + 1) * gap
        let height = rows * (2 * cell + gap) + (rows + 1) * gap * 2
        var canvas = RGBImage(width: width, height: height, fill: (1, 1, 1))
        for (n, pair) in cells.enumerated() {
            let x = gap + (n % perRow) * (cell + gap)
            let y = gap * 2 + (n / perRow) * (2 * cell + gap * 3)
            paste(pair.base, into: &canvas, x: x + (cell - pair.base.width) / 2, y: y + (cell - pair.base.height) / 2)
            paste(pair.personal, into: &canvas, x: x + (cell - pair.personal.width) / 2,
                  y: y + cell + gap + (cell - pair.personal.height) / 2)
        }
        let names = indices.map { source.names[$0] }
        let scale = Double(thumbnail) / Double(cell)
        return ReportFigure(png: try PNGEncoder.encode(canvas),
                            displayWidth: Int((Double(width) * scale).rounded()),
                            displayHeight: Int((Double(height) * scale).rounded()),
                            caption: "Top: base; below it: personalized, same prompt and seed. Pairs " + names.joined(separator: ", ") + ".",
                            altText: "\(indices.count) base and personalized image pairs: " + names.joined(separator: ", "),
                            fileStem: "samples")
    }

    private static func paste(_ image: RGBImage, into canvas: inout RGBImage, x: Int, y: Int) {
        for row in 0..<image.height where y + row >= 0 && y + row < canvas.height {
            let source = row * image.width * 3
            let target = ((y + row) * canvas.width + x) * 3
            let count = min(image.width, canvas.width - x) * 3
            guard count > 0 else { continue }
            canvas.pixels.replaceSubrange(target..<(target + count), with: image.pixels[source..<(source + count)])
        }
    }

    /// The chart's own summary of what it shows serves as the figure's alt text.
    private static func figure(_ image: ChartImage, stem: String, caption: String) -> ReportFigure {
        ReportFigure(png: image.png, displayWidth: image.displayWidth, displayHeight: image.displayHeight,
                     caption: caption, altText: image.summary, fileStem: stem)
    }
}
