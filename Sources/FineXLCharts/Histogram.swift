import FineXLSupport

/// Counts of values in equal-width bins, with an optional marker line (e.g. per-pair
/// projections onto a concept, with a marker at 0).
package struct Histogram: Sendable {
    package var title: String?
    package var values: [Double]
    package var bins: Int
    package var xLabel: String
    package var marker: Double?
    /// Text printed beside the marker line; defaults to its value.
    package var markerLabel: String?
    package var style: ChartStyle = .standard

    package init(title: String?, values: [Double], bins: Int, xLabel: String, marker: Double?) {
        self.title = title
        self.values = values
        self.bins = bins
        self.xLabel = xLabel
        self.marker = marker
    }

    enum Metrics {
        static let margin: Double = 16
        static let plotHeight: Double = 200
        static let tickGap: Double = 8
        static let maxBins = 500
    }

    /// Bin counts and the edges they use: `bins` equal widths over the values and the marker.
    func binned() -> (lower: Double, upper: Double, counts: [Int]) {
        var lower = min(values.min()!, marker ?? .infinity)
        var upper = max(values.max()!, marker ?? -.infinity)
        if upper - lower <= 1e-12 * max(1, abs(lower)) {
            // All values equal: a unit range placed so they fall in the middle of one bin.
            let shift = bins % 2 == 0 ? 0.5 / Double(bins) : 0
            lower -= 0.5 + shift
            upper += 0.5 - shift
        }
        var counts = [Int](repeating: 0, count: bins)
        for value in values {
            let index = Int((value - lower) / (upper - lower) * Double(bins))
            counts[min(bins - 1, max(0, index))] += 1
        }
        return (lower, upper, counts)
    }

    package func render() throws -> ChartImage {
        guard !values.isEmpty else { throw FineXLError("a histogram needs at least one value") }
        guard (1...Metrics.maxBins).contains(bins) else {
            throw FineXLError("a histogram needs 1 to \(Metrics.maxBins) bins, got \(bins)")
        }
        for (index, value) in values.enumerated() {
            try ChartInput.requireFinite(value, "histogram value \(index + 1)")
        }
        if let marker { try ChartInput.requireFinite(marker, "the histogram marker") }
        let drawing = try ChartDrawing(style: style)
        typealias Size = ChartDrawing.TextSize
        let width = drawing.width
        let (lower, upper, counts) = binned()
        let maxCount = counts.max()!

        // Counts get whole-number ticks.
        var countScale = AxisScale(covering: 0, Double(max(maxCount, 1)), targetTicks: 4, from: 0, to: 1)
        if countScale.tickDecimals > 0 {
            countScale = AxisScale(covering: 0, Double(max(maxCount, 4)), targetTicks: 4, from: 0, to: 1)
        }
        let countTexts = countScale.ticks.map { NumberText.format($0, decimals: 0) }
        let tickColumn = try countTexts.map { try drawing.textWidth($0, size: Size.tick) }.max()!
        let plotLeft = Metrics.margin + Size.label + 10 + tickColumn + Metrics.tickGap
        let plotRight = width - Metrics.margin - 8
        let plotTop = drawing.contentTop(title: title) + 14
        let plotBottom = plotTop + Metrics.plotHeight
        countScale.start = plotBottom
        countScale.end = plotTop
        let xScale = AxisScale(covering: lower, upper, targetTicks: 6, from: plotLeft, to: plotRight)

        drawing.begin(height: plotBottom + ValueAxis.height(drawing))
        try drawing.drawTitle(title)
        for (tick, text) in zip(countScale.ticks, countTexts) {
            let y = countScale.position(tick)
            drawing.line(x0: plotLeft, y0: y, x1: plotRight, y1: y, width: 1, Palette.grid)
            try drawing.text(text, x: plotLeft - Metrics.tickGap, baseline: y + drawing.capHeight(size: Size.tick) / 2,
                             size: Size.tick, color: Palette.secondaryText, alignment: .right, role: .tickLabel)
        }
        try drawing.rotatedText("count", anchorX: Metrics.margin + drawing.capHeight(size: Size.label),
                                anchorY: (plotTop + plotBottom) / 2, degrees: 90, size: Size.label, alignment: .center,
                                color: Palette.secondaryText, role: .axisLabel)
        for tick in xScale.ticks {
            try drawing.text(NumberText.format(tick, decimals: xScale.tickDecimals), x: xScale.position(tick),
                             baseline: ValueAxis.tickBaseline(below: plotBottom, drawing), size: Size.tick,
                             color: Palette.secondaryText, alignment: .center, role: .tickLabel)
            drawing.line(x0: xScale.position(tick), y0: plotBottom, x1: xScale.position(tick), y1: plotBottom + 4,
                         width: 1, Palette.axis)
        }
        try drawing.text(xLabel, x: (plotLeft + plotRight) / 2, baseline: ValueAxis.labelBaseline(below: plotBottom, drawing),
                         size: Size.label, color: Palette.secondaryText, alignment: .center, role: .axisLabel)

        let binWidth = (upper - lower) / Double(bins)
        for (index, count) in counts.enumerated() {
            let from = lower + Double(index) * binWidth
            let x0 = xScale.position(from), x1 = xScale.position(from + binWidth)
            let inset = min(0.5, (x1 - x0) / 6)
            let y = countScale.position(Double(count))
            let rect = drawing.rect(x0: x0 + inset, y0: y, x1: x1 - inset, y1: plotBottom, Palette.accent)
            let range = "\(NumberText.format(from, decimals: xScale.valueDecimals)) to "
                + "\(NumberText.format(from + binWidth, decimals: xScale.valueDecimals))"
            drawing.record(.bar, "\(range): \(count)", rect)
        }
        drawing.line(x0: plotLeft, y0: plotBottom, x1: plotRight, y1: plotBottom, width: 1, Palette.axis)

        if let marker {
            let x = xScale.position(marker)
            drawing.line(x0: x, y0: plotTop - 8, x1: x, y1: plotBottom, width: 1.5, Palette.reference, dashed: true)
            let text = markerLabel ?? NumberText.format(marker, decimals: xScale.valueDecimals)
            drawing.record(.referenceLine, text, drawing.pixels(x0: x - 0.75, y0: plotTop - 8, x1: x + 0.75, y1: plotBottom))
            let onRight = x < (plotLeft + plotRight) / 2
            try drawing.text(text, x: onRight ? x + 5 : x - 5, baseline: plotTop - 2, size: Size.small,
                             color: Palette.reference, alignment: onRight ? .left : .right, role: .axisLabel)
        }

        let mean = values.reduce(0, +) / Double(values.count)
        let below = marker.map { m in values.filter { $0 < m }.count }
        let summary = (title.map { "\($0). " } ?? "") + "Histogram of \(values.count) values of \(xLabel) in \(bins) bins "
            + "from \(NumberText.format(lower, decimals: xScale.valueDecimals)) to "
            + "\(NumberText.format(upper, decimals: xScale.valueDecimals)); mean "
            + NumberText.format(mean, decimals: xScale.valueDecimals)
            + (below.map { "; \($0) below the marker at \(NumberText.format(marker!, decimals: xScale.valueDecimals))" } ?? "")
            + "."
        return try drawing.finish(plotArea: drawing.pixels(x0: plotLeft, y0: plotTop, x1: plotRight, y1: plotBottom),
                                  summary: summary)
    }
}
