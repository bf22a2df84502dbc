import FineXLCharts
import FineXLCore
import FineXLImage
import Foundation

/// The notebook's figures as report figures: charts drawn by FineXLCharts, thumbnails by
/// FineXLImage. File stems here are names only; the engine numbers them in document order.
enum Figures {
    static func weights(_ explanation: Explanation, title: String?, top: Int?) throws -> ReportFigure {
        let concepts = Array(explanation.concepts.prefix(top ?? explanation.concepts.count))
        guard !concepts.isEmpty else {
            throw DirectiveFailure("the decomposition kept no concept, so there is nothing to chart")
        }
        let chart = BarChart(
            title: title ?? "Weights of the kept concepts (\(explanation.method))",
            bars: concepts.map { BarChart.Bar(label: $0.name, value: $0.weight,
                                              interval: $0.ci.count == 2 ? ($0.ci[0], $0.ci[1]) : nil) },
            valueLabel: "weight w_i (95 % bootstrap interval)")
        let listing = concepts.map { "\($0.name) \(NotebookFormat.number($0.weight)) \(NotebookFormat.interval($0.ci))" }
        return try figure(chart.render(), stem: "weights",
                          caption: (title ?? "Weights of the kept concepts") + "; whiskers show 95 % bootstrap intervals over pairs. "
                              + "Relative residual \(NotebookFormat.number(explanation.residual.relative)).",
                          alt: "Bar chart of concept weights: " + listing.joined(separator: "; "))
    }

    static func histogram(_ values: [Double], bins: Int, title: String, caption: String) throws -> ReportFigure {
        let chart = Histogram(title: title, values: values, bins: bins, valueLabel: "projection onto V_div / ‖V_div‖")
        let sorted = values.sorted()
        let alt = "Histogram of \(values.count) per-pair projections, from \(NotebookFormat.number(sorted.first ?? 0)) "
            + "to \(NotebookFormat.number(sorted.last ?? 0))"
        return try figure(chart.render(), stem: "divergence-histogram", caption: caption, alt: alt)
    }

    static func heatMap(_ matrix: [[Double]], labels: [String], title: String) throws -> ReportFigure {
        let chart = HeatMap(title: title, values: matrix, rowLabels: labels, columnLabels: labels, range: 0...1)
        return try figure(chart.render(), stem: "cosines", caption: title + "; darker is closer to parallel.",
                          alt: "Heat map of |cos| between \(labels.count) concepts: " + labels.joined(separator: ", "))
    }

    static func residualSteps(_ steps: [Explanation.Step], eDecomp: Double) throws -> ReportFigure {
        let chart = LineChart(
            title: "Relative residual after each concept is added",
            xLabels: steps.map(\.added),
            series: [LineChart.Series(name: "relative residual", values: steps.map(\.relativeResidual))],
            yLabel: "‖V_div − Σ w_i f(C_i)‖ / ‖V_div‖",
            referenceLine: (value: eDecomp, label: "eDecomp \(eDecomp.formatted)"))
        let listing = steps.map { "\($0.added) \(NotebookFormat.number($0.relativeResidual, decimals: 3))" }
        return try figure(chart.render(), stem: "residual-steps",
                          caption: "Relative residual after each step; the dashed line is eDecomp = \(eDecomp.formatted).",
                          alt: "Line chart of the residual per step: " + listing.joined(separator: "; "))
    }

    static func groupedWeights(models: [(name: String, weights: [Double])], concepts: [String]) throws -> ReportFigure {
        let chart = GroupedBarChart(
            title: "Weights per model",
            groups: concepts,
            series: models.map { GroupedBarChart.Series(name: $0.name, values: $0.weights) },
            valueLabel: "weight w_i")
        return try figure(chart.render(), stem: "compare-weights",
                          caption: "Weights of the same concepts for each model (0 where a model did not keep the concept).",
                          alt: "Grouped bar chart of weights for models " + models.map(\.name).joined(separator: ", ")
                              + " over concepts " + concepts.joined(separator: ", "))
    }

    /// Base above personalized, one column per pair, thumbnails `thumbnail` CSS pixels wide
    /// drawn at twice that for sharp display; at most four pairs per row.
    static func samples(_ source: any PairedImageSource, indices: [Int], thumbnail: Int) throws -> ReportFigure {
        let pixels = thumbnail * 2, gap = 8, perRow = min(4, max(indices.count, 1))
        var cells: [(base: RGBImage, personal: RGBImage)] = []
        for index in indices {
            cells.append((ImageResampler.downscaled(try source.image(.base, at: index), maxSide: pixels),
                          ImageResampler.downscaled(try source.image(.personal, at: index), maxSide: pixels)))
        }
        let rows = (cells.count + perRow - 1) / perRow
        let width = perRow * pixels + (perRow + 1) * gap
        let height = rows * (2 * pixels + gap) + (rows + 1) * gap * 2
        var canvas = RGBImage(width: width, height: height, fill: (1, 1, 1))
        for (n, cell) in cells.enumerated() {
            let x = gap + (n % perRow) * (pixels + gap)
            let y = gap * 2 + (n / perRow) * (2 * pixels + gap * 3)
            paste(cell.base, into: &canvas, x: x + (pixels - cell.base.width) / 2, y: y + (pixels - cell.base.height) / 2)
            paste(cell.personal, into: &canvas, x: x + (pixels - cell.personal.width) / 2,
                  y: y + pixels + gap + (pixels - cell.personal.height) / 2)
        }
        let names = indices.map { source.names[$0] }
        return ReportFigure(png: try PNGEncoder.encode(canvas), displayWidth: width / 2, displayHeight: height / 2,
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

    private static func figure(_ image: ChartImage, stem: String, caption: String, alt: String) -> ReportFigure {
        ReportFigure(png: image.png, displayWidth: image.displayWidth, displayHeight: image.displayHeight,
                     caption: caption, altText: alt, fileStem: stem)
    }
}
