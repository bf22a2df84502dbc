/// A rendered chart: PNG bytes drawn at `ChartStyle.scale` (2×) for sharp display, plus where
/// each mark landed so tests and HTML (image maps, alt text) can refer to them.
package struct ChartImage: Sendable, Equatable {
    package let png: [UInt8]
    package let pixelWidth: Int
    package let pixelHeight: Int
    /// Size in CSS pixels: the pixel size divided by the scale.
    package let displayWidth: Int
    package let displayHeight: Int
    package let layout: ChartLayout
    /// A plain-text account of what the chart shows, for `alt` text.
    package let summary: String
}

/// Pixel positions of a chart's parts, in the PNG's own pixels (origin top left, y down).
package struct ChartLayout: Sendable, Equatable {
    /// The area the data is drawn in (inside the axes).
    package let plotArea: PixelRect
    package let marks: [ChartMark]

    /// The marks of one role, in drawing order.
    package func marks(_ role: ChartMark.Role) -> [ChartMark] {
        marks.filter { $0.role == role }
    }
}

/// One drawn element and the rectangle it occupies.
package struct ChartMark: Sendable, Equatable {
    package enum Role: String, Sendable {
        case title
        /// A data bar (bar charts, histogram bins).
        case bar
        /// An interval whisker around a bar's value.
        case interval
        /// A number printed at a bar's end or in a heat map cell.
        case valueText
        /// A category or row/column name.
        case categoryLabel
        case tickLabel
        case axisLabel
        case legendEntry
        /// A data point of a line chart.
        case point
        case cell
        /// A reference line: zero line, threshold, histogram marker.
        case referenceLine
        case colorBar
    }

    package let role: Role
    /// The text drawn, or the name of the bar / point / cell ("row × column" for cells).
    package let label: String
    /// The series index for grouped bars and lines.
    package let series: Int?
    package let rect: PixelRect
}

/// An axis-aligned rectangle in pixels; edges may be fractional (antialiased shapes).
package struct PixelRect: Sendable, Equatable {
    package var minX: Double
    package var minY: Double
    package var maxX: Double
    package var maxY: Double

    package init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = min(minX, maxX)
        self.minY = min(minY, maxY)
        self.maxX = max(minX, maxX)
        self.maxY = max(minY, maxY)
    }

    package var width: Double { maxX - minX }
    package var height: Double { maxY - minY }
    package var midX: Double { (minX + maxX) / 2 }
    package var midY: Double { (minY + maxY) / 2 }

    package func contains(_ other: PixelRect) -> Bool {
        other.minX >= minX - 1e-6 && other.maxX <= maxX + 1e-6 && other.minY >= minY - 1e-6 && other.maxY <= maxY + 1e-6
    }

    package func intersects(_ other: PixelRect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }
}
