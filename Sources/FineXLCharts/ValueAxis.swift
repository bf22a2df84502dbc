/// The horizontal value axis shared by bar charts and histograms: vertical gridlines at the
/// ticks, tick numbers under the plot, and the axis name under those.
struct ValueAxis {
    let scale: AxisScale
    let top: Double
    let bottom: Double

    static func tickBaseline(below bottom: Double, _ drawing: ChartDrawing) -> Double {
        bottom + 8 + drawing.capHeight(size: ChartDrawing.TextSize.tick)
    }

    static func labelBaseline(below bottom: Double, _ drawing: ChartDrawing) -> Double {
        tickBaseline(below: bottom, drawing) + 16 + drawing.capHeight(size: ChartDrawing.TextSize.label)
    }

    /// Height the axis needs under the plot, including the bottom margin.
    static func height(_ drawing: ChartDrawing) -> Double {
        labelBaseline(below: 0, drawing) + 16
    }

    func draw(label: String, on drawing: ChartDrawing) throws {
        for tick in scale.ticks {
            let x = scale.position(tick)
            drawing.line(x0: x, y0: top, x1: x, y1: bottom, width: 1, Palette.grid)
            try drawing.text(NumberText.format(tick, decimals: scale.tickDecimals), x: x,
                             baseline: Self.tickBaseline(below: bottom, drawing), size: ChartDrawing.TextSize.tick,
                             color: Palette.secondaryText, alignment: .center, role: .tickLabel)
        }
        try drawing.text(label, x: (scale.start + scale.end) / 2, baseline: Self.labelBaseline(below: bottom, drawing),
                         size: ChartDrawing.TextSize.label, color: Palette.secondaryText, alignment: .center,
                         role: .axisLabel)
    }

    /// The vertical line at zero, drawn over bars so where they start stays visible.
    func drawZeroLine(on drawing: ChartDrawing) {
        guard scale.lower <= 0, scale.upper >= 0 else { return }
        let zero = scale.position(0)
        drawing.line(x0: zero, y0: top - 3, x1: zero, y1: bottom + 3, width: 1.25, Palette.zeroLine)
        drawing.record(.referenceLine, "0", drawing.pixels(x0: zero - 0.625, y0: top - 3, x1: zero + 0.625, y1: bottom + 3))
    }
}

/// A row of colour swatches with series names, wrapped to the chart width.
struct Legend {
    let names: [String]
    static let rowHeight: Double = 20
    static let swatch: Double = 10

    /// Lays out entries from `left` within `width`; returns each entry's origin and the rows used.
    func layout(left: Double, width: Double, _ drawing: ChartDrawing) throws -> (origins: [(Double, Int)], rows: Int, texts: [String]) {
        var origins: [(Double, Int)] = []
        var texts: [String] = []
        var x = left, row = 0
        for name in names {
            let text = try drawing.fitted(name, size: ChartDrawing.TextSize.small, maxWidth: width / 2)
            let entryWidth = Self.swatch + 6 + (try drawing.textWidth(text, size: ChartDrawing.TextSize.small)) + 18
            if x > left, x + entryWidth > left + width {
                x = left
                row += 1
            }
            origins.append((x, row))
            texts.append(text)
            x += entryWidth
        }
        return (origins, names.isEmpty ? 0 : row + 1, texts)
    }

    func draw(left: Double, top: Double, width: Double, on drawing: ChartDrawing) throws {
        let (origins, _, texts) = try layout(left: left, width: width, drawing)
        for (index, (x, row)) in origins.enumerated() {
            let center = top + (Double(row) + 0.5) * Self.rowHeight
            drawing.rect(x0: x, y0: center - Self.swatch / 2, x1: x + Self.swatch, y1: center + Self.swatch / 2,
                         Palette.series(index))
            try drawing.text(texts[index], x: x + Self.swatch + 6,
                             baseline: center + drawing.capHeight(size: ChartDrawing.TextSize.small) / 2,
                             size: ChartDrawing.TextSize.small, color: Palette.text, role: .legendEntry, series: index)
        }
    }
}
