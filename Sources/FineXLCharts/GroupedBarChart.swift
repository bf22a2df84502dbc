import FineXLSupport

/// Horizontal bars grouped by category, one bar per series in each group, with a legend —
/// for comparing several models' concept weights side by side.
package struct GroupedBarChart: Sendable {
    package var title: String?
    package var categories: [String]
    package var series: [(name: String, values: [Double])]
    package var valueLabel: String
    package var style: ChartStyle = .standard

    package init(title: String?, categories: [String], series: [(name: String, values: [Double])],
                valueLabel: String = "weight") {
        self.title = title
        self.categories = categories
        self.series = series
        self.valueLabel = valueLabel
    }

    enum Metrics {
        static let margin: Double = 16
        static let barThickness: Double = 11
        static let barGap: Double = 2
        static let groupPadding: Double = 14
        static let labelGap: Double = 10
        static let valueGap: Double = 5
        static let maxLabelShare: Double = 0.3
    }

    package func render() throws -> ChartImage {
        guard !categories.isEmpty else { throw FineXLError("a grouped bar chart needs at least one category") }
        guard !series.isEmpty else { throw FineXLError("a grouped bar chart needs at least one series") }
        for entry in series {
            guard entry.values.count == categories.count else {
                throw FineXLError("series \"\(entry.name)\" has \(entry.values.count) values for "
                    + "\(categories.count) categories")
            }
            for (category, value) in zip(categories, entry.values) {
                try ChartInput.requireFinite(value, "the value of \"\(category)\" in series \"\(entry.name)\"")
            }
        }
        let drawing = try ChartDrawing(style: style)
        typealias Size = ChartDrawing.TextSize
        let width = drawing.width
        let all = series.flatMap { $0.values }
        let lowest = min(0, all.min()!), highest = max(0, all.max()!)

        let labelColumn = min(try categories.map { try drawing.textWidth($0, size: Size.label) }.max()!,
                              width * Metrics.maxLabelShare)
        let plotLeft = Metrics.margin + labelColumn + Metrics.labelGap
        let plotRight = width - Metrics.margin
        let provisional = AxisScale(covering: lowest, highest, targetTicks: 5, from: 0, to: 1)
        let decimals = provisional.valueDecimals
        var rightRoom = 0.0, leftRoom = 0.0
        for value in all {
            let room = try drawing.textWidth(NumberText.format(value, decimals: decimals), size: Size.small)
                + Metrics.valueGap
            if value >= 0 { rightRoom = max(rightRoom, room) } else { leftRoom = max(leftRoom, room) }
        }
        let scale = AxisScale(covering: lowest, highest, targetTicks: 5,
                              from: plotLeft + leftRoom, to: plotRight - rightRoom)

        let legend = Legend(names: series.map { $0.name })
        let legendTop = drawing.contentTop(title: title)
        let legendRows = try legend.layout(left: plotLeft, width: plotRight - plotLeft, drawing).rows
        let groupsTop = legendTop + Double(legendRows) * Legend.rowHeight + 8
        let groupHeight = Double(series.count) * (Metrics.barThickness + Metrics.barGap) - Metrics.barGap
            + Metrics.groupPadding
        let groupsBottom = groupsTop + Double(categories.count) * groupHeight
        drawing.begin(height: groupsBottom + ValueAxis.height(drawing))
        try drawing.drawTitle(title)
        try legend.draw(left: plotLeft, top: legendTop, width: plotRight - plotLeft, on: drawing)
        let axis = ValueAxis(scale: scale, top: groupsTop, bottom: groupsBottom)
        try axis.draw(label: valueLabel, on: drawing)

        let zero = scale.position(0)
        for (row, category) in categories.enumerated() {
            let groupTop = groupsTop + Double(row) * groupHeight + Metrics.groupPadding / 2
            let groupCenter = groupTop + (groupHeight - Metrics.groupPadding) / 2
            let label = try drawing.fitted(category, size: Size.label, maxWidth: labelColumn)
            try drawing.text(label, x: plotLeft - Metrics.labelGap,
                             baseline: groupCenter + drawing.capHeight(size: Size.label) / 2,
                             size: Size.label, alignment: .right, role: .categoryLabel)
            for (index, entry) in series.enumerated() {
                let value = entry.values[row]
                let y0 = groupTop + Double(index) * (Metrics.barThickness + Metrics.barGap)
                let end = scale.position(value)
                let rect = drawing.rect(x0: min(zero, end), y0: y0, x1: max(zero, end), y1: y0 + Metrics.barThickness,
                                        Palette.series(index))
                drawing.record(.bar, category, series: index, rect)
                let text = NumberText.format(value, decimals: decimals)
                let baseline = y0 + Metrics.barThickness / 2 + drawing.capHeight(size: Size.small) / 2
                try drawing.text(text, x: value >= 0 ? end + Metrics.valueGap : end - Metrics.valueGap,
                                 baseline: baseline, size: Size.small, color: Palette.secondaryText,
                                 alignment: value >= 0 ? .left : .right, role: .valueText, series: index)
            }
        }
        axis.drawZeroLine(on: drawing)

        let summary = (title.map { "\($0). " } ?? "") + "Grouped bar chart of \(valueLabel) for "
            + series.map { $0.name }.joined(separator: ", ") + ": "
            + categories.enumerated().map { row, category in
                category + " " + series.map { "\($0.name) \(NumberText.format($0.values[row], decimals: decimals))" }
                    .joined(separator: ", ")
            }.joined(separator: "; ") + "."
        return try drawing.finish(plotArea: drawing.pixels(x0: scale.start, y0: groupsTop, x1: scale.end, y1: groupsBottom),
                                  summary: summary)
    }
}
