import FineXLSupport

/// A square matrix of values (e.g. cosines between concept vectors) as coloured cells on a
/// diverging scale, each cell printing its value, with a colour bar.
package struct HeatMap: Sendable {
    package var title: String?
    package var labels: [String]
    package var matrix: [[Double]]
    /// The values at the two ends of the colour scale; the middle is neutral.
    package var range: ClosedRange<Double>
    package var style: ChartStyle = .standard

    package init(title: String?, labels: [String], matrix: [[Double]], range: ClosedRange<Double>) {
        self.title = title
        self.labels = labels
        self.matrix = matrix
        self.range = range
    }

    enum Metrics {
        static let margin: Double = 16
        static let maxCell: Double = 60
        /// Below this cell size labels shrink, down to `minLabelSize`.
        static let cellForFullSizeLabels: Double = 16
        static let minLabelSize: Double = 7
        static let labelGap: Double = 8
        /// Room under the matrix before turned column labels, which rise above their anchor.
        static let columnLabelGap: Double = 12
        static let colorBarGap: Double = 20
        static let colorBarWidth: Double = 12
        static let maxColumnLabel: Double = 150
        /// Cells narrower than this print no value.
        static let minCellForValue: Double = 28
    }

    package func render() throws -> ChartImage {
        let count = labels.count
        guard count > 0 else { throw FineXLError("a heat map needs at least one label") }
        guard matrix.count == count else {
            throw FineXLError("a heat map with \(count) labels needs \(count) rows, got \(matrix.count)")
        }
        for (row, values) in matrix.enumerated() {
            guard values.count == count else {
                throw FineXLError("heat map row \"\(labels[row])\" has \(values.count) values; expected \(count)")
            }
            for (column, value) in values.enumerated() {
                try ChartInput.requireFinite(value, "heat map cell \"\(labels[row])\" × \"\(labels[column])\"")
            }
        }
        guard range.lowerBound.isFinite, range.upperBound.isFinite, range.upperBound > range.lowerBound else {
            throw FineXLError("heat map range \(range) must have finite ends, lower below upper")
        }
        let drawing = try ChartDrawing(style: style)
        typealias Size = ChartDrawing.TextSize
        let width = drawing.width
        let colorMap = DivergingColorMap(range: range)
        let decimals = 2

        let rangeTexts = [range.lowerBound, (range.lowerBound + range.upperBound) / 2, range.upperBound]
            .map { NumberText.format($0, decimals: decimals) }
        let colorBarTicks = try rangeTexts.map { try drawing.textWidth($0, size: Size.tick) }.max()! + 6
        func layout(labelSize: Double) throws -> (labelColumn: Double, cell: Double) {
            let labelColumn = min(try labels.map { try drawing.textWidth($0, size: labelSize) }.max()!, width * 0.3)
            let available = width - Metrics.margin - (Metrics.margin + labelColumn + Metrics.labelGap)
                - Metrics.colorBarGap - Metrics.colorBarWidth - colorBarTicks
            let fit = available / Double(count)
            // Whole-point cells keep edges crisp; only very many labels get fractional ones.
            return (labelColumn, min(Metrics.maxCell, fit >= 4 ? fit.rounded(.down) : fit))
        }
        var labelSize = Size.label
        var (rowLabelColumn, cell) = try layout(labelSize: labelSize)
        if cell < Metrics.cellForFullSizeLabels {
            // Many concepts: smaller labels, which also frees width for the cells.
            labelSize = max(Metrics.minLabelSize, cell * 0.8)
            (rowLabelColumn, cell) = try layout(labelSize: labelSize)
        }
        // When even small labels are taller than a cell, name every k-th row and column.
        let labelEvery = max(1, Int((labelSize * 1.15 / cell).rounded(.up)))
        // Turned 45°, neighbouring column labels are only cell · cos 45° apart.
        let columnLabelEvery = max(1, Int((labelSize * 1.1 / (cell * 0.7071)).rounded(.up)))
        let matrixLeft = Metrics.margin + rowLabelColumn + Metrics.labelGap
        let matrixTop = drawing.contentTop(title: title) + 4
        let matrixSize = cell * Double(count)
        let matrixBottom = matrixTop + matrixSize
        let columnTexts = try labels.map { try drawing.fitted($0, size: labelSize, maxWidth: Metrics.maxColumnLabel) }
        let columnLabelDrop = (try columnTexts.map { try drawing.textWidth($0, size: labelSize) }.max()!
            + labelSize) * 0.7071
        drawing.begin(height: matrixBottom + Metrics.columnLabelGap + columnLabelDrop + Metrics.margin)
        try drawing.drawTitle(title)

        let valueSize = min(Size.small, cell * 0.3)
        for row in 0..<count {
            let y0 = matrixTop + Double(row) * cell
            if row % labelEvery == 0 {
                let rowText = try drawing.fitted(labels[row], size: labelSize, maxWidth: rowLabelColumn)
                try drawing.text(rowText, x: matrixLeft - Metrics.labelGap,
                                 baseline: y0 + cell / 2 + drawing.capHeight(size: labelSize) / 2,
                                 size: labelSize, alignment: .right, role: .categoryLabel)
            }
            for column in 0..<count {
                let value = matrix[row][column]
                let x0 = matrixLeft + Double(column) * cell
                let fill = colorMap.color(value)
                // A hairline of background between cells keeps neighbours with equal colours apart.
                let rect = drawing.rect(x0: x0 + 0.5, y0: y0 + 0.5, x1: x0 + cell - 0.5, y1: y0 + cell - 0.5, fill)
                drawing.record(.cell, "\(labels[row]) × \(labels[column])", rect)
                if cell >= Metrics.minCellForValue {
                    try drawing.text(NumberText.format(value, decimals: decimals), x: x0 + cell / 2,
                                     baseline: y0 + cell / 2 + drawing.capHeight(size: valueSize) / 2, size: valueSize,
                                     color: fill.luma < 0.5 ? Palette.background : Palette.text,
                                     alignment: .center, role: .valueText)
                }
            }
        }
        for (column, text) in columnTexts.enumerated() where column % columnLabelEvery == 0 {
            // Turned 45° and ending under the column's centre, so long names fan out to the lower left.
            try drawing.rotatedText(text, anchorX: matrixLeft + (Double(column) + 0.5) * cell + 3,
                                    anchorY: matrixBottom + Metrics.columnLabelGap, degrees: 45, size: labelSize,
                                    alignment: .right, role: .categoryLabel)
        }

        // Colour bar: thin bands from the upper end (top) to the lower end (bottom).
        let barLeft = matrixLeft + matrixSize + Metrics.colorBarGap
        let barRight = barLeft + Metrics.colorBarWidth
        let bands = Int(matrixSize * Double(style.scale))
        for band in 0..<bands {
            let t = (Double(band) + 0.5) / Double(bands)
            let value = range.upperBound - t * (range.upperBound - range.lowerBound)
            let y0 = matrixTop + Double(band) / Double(bands) * matrixSize
            let y1 = matrixTop + Double(band + 1) / Double(bands) * matrixSize
            drawing.rect(x0: barLeft, y0: y0, x1: barRight, y1: y1, colorMap.color(value))
        }
        drawing.record(.colorBar, "\(rangeTexts[0]) to \(rangeTexts[2])",
                       drawing.pixels(x0: barLeft, y0: matrixTop, x1: barRight, y1: matrixBottom))
        for (index, text) in rangeTexts.reversed().enumerated() {
            let y = matrixTop + Double(index) / 2 * matrixSize
            drawing.line(x0: barRight, y0: y, x1: barRight + 3, y1: y, width: 1, Palette.axis)
            try drawing.text(text, x: barRight + 6, baseline: y + drawing.capHeight(size: Size.tick) / 2, size: Size.tick,
                             color: Palette.secondaryText, role: .tickLabel)
        }

        var pairs: [String] = []
        for row in 0..<count {
            for column in (row + 1)..<max(row + 1, count) {
                pairs.append("\(labels[row]) × \(labels[column]) \(NumberText.format(matrix[row][column], decimals: decimals))")
            }
        }
        let summary = (title.map { "\($0). " } ?? "") + "Heat map of \(count) × \(count) values"
            + (pairs.isEmpty ? "" : " (upper triangle): " + pairs.joined(separator: "; ")) + "."
        return try drawing.finish(plotArea: drawing.pixels(x0: matrixLeft, y0: matrixTop, x1: matrixLeft + matrixSize,
                                                           y1: matrixBottom),
                                  summary: summary)
    }
}

/// Blue below the middle of the range, near-white at it, red above (ColorBrewer RdBu stops).
struct DivergingColorMap {
    let range: ClosedRange<Double>
    private static let stops: [ChartColor] = [
        0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F,
    ].map { ChartColor(hex: $0) }

    func color(_ value: Double) -> ChartColor {
        let t = min(1, max(0, (value - range.lowerBound) / (range.upperBound - range.lowerBound)))
        let position = t * Double(Self.stops.count - 1)
        let index = min(Self.stops.count - 2, Int(position))
        return Self.stops[index].mixed(with: Self.stops[index + 1], Float(position - Double(index)))
    }
}
