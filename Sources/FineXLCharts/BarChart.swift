import FineXLSupport

/// Horizontal bars, one per label, with optional interval whiskers (e.g. bootstrap confidence
/// intervals of concept weights), a zero line, and each value printed at the bar's end.
package struct BarChart: Sendable {
    package struct Bar: Sendable, Equatable {
        package var label: String
        package var value: Double
        package var interval: ClosedRange<Double>?

        package init(label: String, value: Double, interval: ClosedRange<Double>? = nil) {
            self.label = label
            self.value = value
            self.interval = interval
        }
    }

    package var title: String?
    package var bars: [Bar]
    /// The name of the value axis ("weight").
    package var valueLabel: String
    package var style: ChartStyle = .standard

    package init(title: String?, bars: [Bar], valueLabel: String) {
        self.title = title
        self.bars = bars
        self.valueLabel = valueLabel
    }

    enum Metrics {
        static let margin: Double = 16
        static let rowHeight: Double = 28
        static let barThickness: Double = 16
        static let labelGap: Double = 10
        static let valueGap: Double = 6
        static let maxLabelShare: Double = 0.34
    }

    package func render() throws -> ChartImage {
        guard !bars.isEmpty else { throw FineXLError("a bar chart needs at least one bar") }
        for bar in bars {
            try ChartInput.requireFinite(bar.value, "the value of bar \"\(bar.label)\"")
            if let interval = bar.interval {
                try ChartInput.requireFinite(interval.lowerBound, "the interval start of bar \"\(bar.label)\"")
                try ChartInput.requireFinite(interval.upperBound, "the interval end of bar \"\(bar.label)\"")
            }
        }
        let drawing = try ChartDrawing(style: style)
        typealias Size = ChartDrawing.TextSize
        let width = drawing.width

        // Domain: zero, every value and every interval end.
        let ends = bars.flatMap { [$0.value] + ($0.interval.map { [$0.lowerBound, $0.upperBound] } ?? []) }
        let lowest = min(0, ends.min()!), highest = max(0, ends.max()!)

        // Left column: labels, at most a third of the width, ellipsized beyond.
        let labelWidths = try bars.map { try drawing.textWidth($0.label, size: Size.label) }
        let labelColumn = min(labelWidths.max()!, width * Metrics.maxLabelShare)
        let plotLeft = Metrics.margin + labelColumn + Metrics.labelGap
        let plotRight = width - Metrics.margin

        // Value texts sit beyond the bar (or whisker) end, so the scale leaves room for them.
        let provisional = AxisScale(covering: lowest, highest, targetTicks: 5, from: 0, to: 1)
        let valueTexts = bars.map { NumberText.format($0.value, decimals: provisional.valueDecimals) }
        var rightRoom = 0.0, leftRoom = 0.0
        for (bar, text) in zip(bars, valueTexts) {
            let textWidth = try drawing.textWidth(text, size: Size.small) + Metrics.valueGap
            if bar.value >= 0 { rightRoom = max(rightRoom, textWidth) } else { leftRoom = max(leftRoom, textWidth) }
        }
        let scale = AxisScale(covering: lowest, highest, targetTicks: 5,
                              from: plotLeft + leftRoom, to: plotRight - rightRoom)

        let rowsTop = drawing.contentTop(title: title) + 2
        let rowsBottom = rowsTop + Double(bars.count) * Metrics.rowHeight
        drawing.begin(height: rowsBottom + ValueAxis.height(drawing))
        try drawing.drawTitle(title)
        let axis = ValueAxis(scale: scale, top: rowsTop, bottom: rowsBottom)
        try axis.draw(label: valueLabel, on: drawing)

        let zero = scale.position(0)
        for (index, bar) in bars.enumerated() {
            let center = rowsTop + (Double(index) + 0.5) * Metrics.rowHeight
            let y0 = center - Metrics.barThickness / 2, y1 = center + Metrics.barThickness / 2
            let end = scale.position(bar.value)
            let rect = drawing.rect(x0: min(zero, end), y0: y0, x1: max(zero, end), y1: y1,
                                    bar.value >= 0 ? Palette.accent : Palette.accentLight)
            drawing.record(.bar, bar.label, rect)

            let label = try drawing.fitted(bar.label, size: Size.label, maxWidth: labelColumn)
            try drawing.text(label, x: plotLeft - Metrics.labelGap, baseline: center + drawing.capHeight(size: Size.label) / 2,
                             size: Size.label, alignment: .right, role: .categoryLabel)

            var outer = end
            if let interval = bar.interval {
                let lo = scale.position(interval.lowerBound), hi = scale.position(interval.upperBound)
                drawing.line(x0: lo, y0: center, x1: hi, y1: center, width: 1.4, Palette.whisker)
                for x in [lo, hi] {
                    drawing.line(x0: x, y0: center - 4.5, x1: x, y1: center + 4.5, width: 1.4, Palette.whisker)
                }
                drawing.record(.interval, bar.label, drawing.pixels(x0: lo, y0: center - 4.5, x1: hi, y1: center + 4.5))
                outer = bar.value >= 0 ? max(end, hi) : min(end, lo)
            }
            let textBaseline = center + drawing.capHeight(size: Size.small) / 2
            if bar.value >= 0 {
                try drawing.text(valueTexts[index], x: outer + Metrics.valueGap, baseline: textBaseline, size: Size.small,
                                 color: Palette.text, role: .valueText)
            } else {
                try drawing.text(valueTexts[index], x: outer - Metrics.valueGap, baseline: textBaseline, size: Size.small,
                                 color: Palette.text, alignment: .right, role: .valueText)
            }
        }
        axis.drawZeroLine(on: drawing)

        let summary = (title.map { "\($0). " } ?? "") + "Bar chart of \(valueLabel): " + zip(bars, valueTexts).map { bar, text in
            let interval = bar.interval.map {
                " (\(NumberText.format($0.lowerBound, decimals: scale.valueDecimals)) to "
                    + "\(NumberText.format($0.upperBound, decimals: scale.valueDecimals)))"
            } ?? ""
            return "\(bar.label) \(text)\(interval)"
        }.joined(separator: "; ") + "."
        return try drawing.finish(plotArea: drawing.pixels(x0: scale.start, y0: rowsTop, x1: scale.end, y1: rowsBottom),
                                  summary: summary)
    }
}
