import FineXLSupport

/// Lines over evenly spaced steps with point markers and an optional dashed threshold —
/// e.g. the relative residual after each greedy step against the eDecomp threshold.
package struct LineChart: Sendable {
    package var title: String?
    package var xLabels: [String]
    package var series: [(name: String, values: [Double])]
    package var yLabel: String
    package var threshold: Double?
    /// The name printed on the threshold line.
    package var thresholdLabel: String = "threshold"
    package var style: ChartStyle = .standard

    package init(title: String?, xLabels: [String], series: [(name: String, values: [Double])], yLabel: String,
                threshold: Double?) {
        self.title = title
        self.xLabels = xLabels
        self.series = series
        self.yLabel = yLabel
        self.threshold = threshold
    }

    enum Metrics {
        static let margin: Double = 16
        static let plotHeight: Double = 250
        static let tickGap: Double = 8
        static let lineWidth: Double = 2
        static let pointRadius: Double = 3.5
    }

    package func render() throws -> ChartImage {
        guard !xLabels.isEmpty else { throw FineXLError("a line chart needs at least one x label") }
        guard !series.isEmpty else { throw FineXLError("a line chart needs at least one series") }
        for entry in series {
            guard entry.values.count == xLabels.count else {
                throw FineXLError("series \"\(entry.name)\" has \(entry.values.count) values for \(xLabels.count) x labels")
            }
            for (label, value) in zip(xLabels, entry.values) {
                try ChartInput.requireFinite(value, "the value at \"\(label)\" in series \"\(entry.name)\"")
            }
        }
        if let threshold { try ChartInput.requireFinite(threshold, "the threshold") }
        let drawing = try ChartDrawing(style: style)
        typealias Size = ChartDrawing.TextSize
        let width = drawing.width

        let values = series.flatMap { $0.values } + (threshold.map { [$0] } ?? [])
        var lowest = values.min()!
        let highest = values.max()!
        // Non-negative data that comes near zero (residuals, norms) reads best from a zero baseline.
        if lowest >= 0, lowest < 0.3 * highest { lowest = 0 }

        let top = drawing.contentTop(title: title)
        let legend = Legend(names: series.count > 1 ? series.map { $0.name } : [])
        let yAxisTitleWidth = yLabel.isEmpty ? 0 : Size.label + 10
        var plotTop = top + 4
        let provisional = AxisScale(covering: lowest, highest, targetTicks: 5, from: 0, to: 1)
        let tickTexts = provisional.ticks.map { NumberText.format($0, decimals: provisional.tickDecimals) }
        let tickColumn = try tickTexts.map { try drawing.textWidth($0, size: Size.tick) }.max()!
        let plotLeft = Metrics.margin + yAxisTitleWidth + tickColumn + Metrics.tickGap
        let plotRight = width - Metrics.margin - 8
        let legendRows = try legend.layout(left: plotLeft, width: plotRight - plotLeft, drawing).rows
        let legendTop = plotTop
        plotTop += Double(legendRows) * Legend.rowHeight + (legendRows > 0 ? 6 : 0)
        let plotBottom = plotTop + Metrics.plotHeight
        let scale = AxisScale(covering: lowest, highest, targetTicks: 5, from: plotBottom, to: plotTop)

        // X labels: every k-th when they would collide, each fitted to the room it has.
        let slot = (plotRight - plotLeft) / Double(xLabels.count)
        let widest = try xLabels.map { try drawing.textWidth($0, size: Size.tick) }.max()!
        let every = max(1, Int(((widest + 8) / slot).rounded(.up)))
        let xTickBaseline = plotBottom + 8 + drawing.capHeight(size: Size.tick)
        drawing.begin(height: xTickBaseline + 16)
        try drawing.drawTitle(title)
        try legend.draw(left: plotLeft, top: legendTop, width: plotRight - plotLeft, on: drawing)

        for (tick, text) in zip(scale.ticks, tickTexts) {
            let y = scale.position(tick)
            drawing.line(x0: plotLeft, y0: y, x1: plotRight, y1: y, width: 1, Palette.grid)
            try drawing.text(text, x: plotLeft - Metrics.tickGap, baseline: y + drawing.capHeight(size: Size.tick) / 2,
                             size: Size.tick, color: Palette.secondaryText, alignment: .right, role: .tickLabel)
        }
        drawing.line(x0: plotLeft, y0: plotBottom, x1: plotRight, y1: plotBottom, width: 1, Palette.axis)
        if !yLabel.isEmpty {
            let fitted = try drawing.fitted(yLabel, size: Size.label, maxWidth: Metrics.plotHeight)
            try drawing.rotatedText(fitted, anchorX: Metrics.margin + drawing.capHeight(size: Size.label),
                                    anchorY: (plotTop + plotBottom) / 2, degrees: 90, size: Size.label,
                                    alignment: .center, color: Palette.secondaryText, role: .axisLabel)
        }
        func x(_ index: Int) -> Double { plotLeft + (Double(index) + 0.5) * slot }
        for (index, label) in xLabels.enumerated() where index % every == 0 {
            let fitted = try drawing.fitted(label, size: Size.tick, maxWidth: slot * Double(every) - 6)
            try drawing.text(fitted, x: x(index), baseline: xTickBaseline, size: Size.tick, color: Palette.secondaryText,
                             alignment: .center, role: .tickLabel)
        }

        if let threshold {
            let y = scale.position(threshold)
            drawing.line(x0: plotLeft, y0: y, x1: plotRight, y1: y, width: 1.5, Palette.reference, dashed: true)
            drawing.record(.referenceLine, thresholdLabel, drawing.pixels(x0: plotLeft, y0: y - 0.75, x1: plotRight, y1: y + 0.75))
            let text = "\(thresholdLabel) \(NumberText.format(threshold, decimals: scale.valueDecimals))"
            try drawing.text(text, x: plotRight, baseline: y - 5, size: Size.small, color: Palette.reference,
                             alignment: .right, role: .axisLabel)
        }

        for (index, entry) in series.enumerated() {
            let color = Palette.series(index)
            let points = entry.values.enumerated().map { (x($0.offset), scale.position($0.element)) }
            drawing.polyline(points, width: Metrics.lineWidth, color)
            for (step, point) in points.enumerated() {
                drawing.circle(x: point.0, y: point.1, radius: Metrics.pointRadius + 1.5, Palette.background)
                drawing.circle(x: point.0, y: point.1, radius: Metrics.pointRadius, color)
                let r = Metrics.pointRadius
                drawing.record(.point, xLabels[step], series: index,
                               drawing.pixels(x0: point.0 - r, y0: point.1 - r, x1: point.0 + r, y1: point.1 + r))
            }
        }

        let decimals = scale.valueDecimals
        let summary = (title.map { "\($0). " } ?? "") + "Line chart of \(yLabel): "
            + series.map { entry in
                entry.name + " " + zip(xLabels, entry.values)
                    .map { "\($0) \(NumberText.format($1, decimals: decimals))" }.joined(separator: ", ")
            }.joined(separator: "; ")
            + (threshold.map { "; \(thresholdLabel) \(NumberText.format($0, decimals: decimals))" } ?? "") + "."
        return try drawing.finish(plotArea: drawing.pixels(x0: plotLeft, y0: plotTop, x1: plotRight, y1: plotBottom),
                                  summary: summary)
    }
}
