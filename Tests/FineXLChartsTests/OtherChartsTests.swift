@testable import FineXLCharts
import FineXLTestSupport
import XCTest

final class GroupedBarChartTests: XCTestCase {
    private func chart() -> GroupedBarChart {
        GroupedBarChart(title: "By model", categories: ["warm tones", "film grain"],
                        series: [("LoRA", [0.6, 0.2]), ("DreamBooth", [0.3, -0.1])])
    }

    func testEachSeriesBarHasItsColourAndLength() throws {
        let decoded = try DecodedChart(chart().render())
        let bars = decoded.chart.layout.marks(.bar)
        XCTAssertEqual(bars.count, 4)
        XCTAssertEqual(bars.map(\.series), [0, 1, 0, 1])
        let zeroX = try XCTUnwrap(decoded.chart.layout.marks(.referenceLine).first).rect.midX
        let perUnit = (bars[0].rect.maxX - zeroX) / 0.6
        XCTAssertEqual(bars[1].rect.maxX - zeroX, 0.3 * perUnit, accuracy: 0.5)
        XCTAssertEqual(zeroX - bars[3].rect.minX, 0.1 * perUnit, accuracy: 0.5)
        XCTAssertColor(decoded.color(bars[0].rect.midX, bars[0].rect.midY), accentColor)
        XCTAssertColor(decoded.color(bars[1].rect.midX, bars[1].rect.midY), rgb(0xF08C00))
        // Bars of one category do not overlap.
        XCTAssertFalse(bars[0].rect.intersects(bars[1].rect))
    }

    func testLegendNamesEverySeries() throws {
        let decoded = try DecodedChart(chart().render())
        let legend = decoded.chart.layout.marks(.legendEntry)
        XCTAssertEqual(legend.map(\.label), ["LoRA", "DreamBooth"])
        for entry in legend { XCTAssertGreaterThan(decoded.inkedPixels(in: entry.rect), 50) }
    }

    func testMismatchedSeriesIsAnErrorNamingIt() {
        let bad = GroupedBarChart(title: nil, categories: ["a", "b"], series: [("LoRA", [1])])
        XCTAssertEqual(errorMessage { _ = try bad.render() }, "series \"LoRA\" has 1 values for 2 categories")
    }

    func testSameInputGivesIdenticalBytes() throws {
        XCTAssertEqual(try chart().render().png, try chart().render().png)
    }
}

final class LineChartTests: XCTestCase {
    private func chart() -> LineChart {
        LineChart(title: "Residual", xLabels: ["start", "+warm tones", "+film grain", "+vignette"],
                  series: [("residual", [1.0, 0.5, 0.3, 0.15])], yLabel: "relative residual", threshold: 0.2)
    }

    func testPointsSitAtTheirValuesAndEvenSteps() throws {
        let decoded = try DecodedChart(chart().render())
        let points = decoded.chart.layout.marks(.point)
        XCTAssertEqual(points.map(\.label), ["start", "+warm tones", "+film grain", "+vignette"])
        // y is linear in the value: (y(1.0) − y(0.5)) / (y(0.5) − y(0.3)) = 0.5 / 0.2.
        let ys = points.map(\.rect.midY)
        XCTAssertEqual((ys[1] - ys[0]) / (ys[2] - ys[1]), 2.5, accuracy: 0.01)
        let xs = points.map(\.rect.midX)
        XCTAssertEqual(xs[1] - xs[0], xs[3] - xs[2], accuracy: 0.01)
        for point in points { XCTAssertColor(decoded.color(point.rect.midX, point.rect.midY), accentColor) }
    }

    func testThresholdIsADashedLineAtItsValue() throws {
        let decoded = try DecodedChart(chart().render())
        let points = decoded.chart.layout.marks(.point)
        let threshold = try XCTUnwrap(decoded.chart.layout.marks(.referenceLine).first)
        // 0.2 lies between 0.3 and 0.15, at a third of the way from 0.3.
        let expected = points[2].rect.midY + (points[3].rect.midY - points[2].rect.midY) * (0.1 / 0.15)
        XCTAssertEqual(threshold.rect.midY, expected, accuracy: 0.5)
        // Dashes: along the line, some pixels are the reference colour and some are not.
        var on = 0, off = 0
        let plot = decoded.chart.layout.plotArea
        for x in stride(from: plot.minX + 4, to: plot.minX + 200, by: 1) {
            let c = decoded.color(x, threshold.rect.midY)
            if c.r > 0.7 && c.g < 0.5 { on += 1 } else if c.g > 0.85 { off += 1 }
        }
        XCTAssertGreaterThan(on, 40)
        XCTAssertGreaterThan(off, 20)
    }

    func testManyXLabelsAreThinnedNotOverlapping() throws {
        let labels = (1...40).map { "step number \($0)" }
        let chart = LineChart(title: nil, xLabels: labels, series: [("r", labels.indices.map { 1 / Double($0 + 1) })],
                              yLabel: "residual", threshold: nil)
        let ticks = try chart.render().layout.marks(.tickLabel).filter { $0.label.hasPrefix("step") }
        XCTAssertLessThan(ticks.count, 40)
        XCTAssertGreaterThan(ticks.count, 2)
        for (a, b) in zip(ticks, ticks.dropFirst()) { XCTAssertFalse(a.rect.intersects(b.rect), "\(a.label) / \(b.label)") }
    }

    func testVerticalAxisLabelIsDrawnTurned() throws {
        let decoded = try DecodedChart(chart().render())
        let label = try XCTUnwrap(decoded.chart.layout.marks(.axisLabel).first { $0.label == "relative residual" })
        XCTAssertGreaterThan(label.rect.height, label.rect.width * 3)
        XCTAssertGreaterThan(decoded.inkedPixels(in: label.rect), 100)
    }

    func testMismatchedValuesAreAnError() {
        let bad = LineChart(title: nil, xLabels: ["a"], series: [("s", [1, 2])], yLabel: "", threshold: nil)
        XCTAssertEqual(errorMessage { _ = try bad.render() }, "series \"s\" has 2 values for 1 x labels")
    }
}

final class HeatMapTests: XCTestCase {
    private func chart() -> HeatMap {
        HeatMap(title: "Cosine", labels: ["warm tones", "cool tones", "film grain"],
                matrix: [[1, -1, 0], [-1, 1, 0.5], [0, 0.5, 1]], range: -1...1)
    }

    func testCellColoursFollowTheDivergingScale() throws {
        let decoded = try DecodedChart(chart().render())
        let cells = decoded.chart.layout.marks(.cell)
        XCTAssertEqual(cells.count, 9)
        XCTAssertEqual(cells[1].label, "warm tones × cool tones")
        // Sample near a corner, away from the printed value.
        func corner(_ i: Int) -> (r: Float, g: Float, b: Float) {
            decoded.color(cells[i].rect.minX + 3, cells[i].rect.minY + 3)
        }
        XCTAssertColor(corner(0), rgb(0x67001F), "+1 is the red end")
        XCTAssertColor(corner(1), rgb(0x053061), "−1 is the blue end")
        XCTAssertColor(corner(2), rgb(0xF7F7F7), "0 is neutral")
        let half = corner(5)
        XCTAssertGreaterThan(half.r, half.b + 0.1, "+0.5 is reddish")
    }

    func testCellsPrintTheirValuesInContrastingText() throws {
        let decoded = try DecodedChart(chart().render())
        let values = decoded.chart.layout.marks(.valueText)
        XCTAssertEqual(values.map(\.label), ["1.00", "−1.00", "0.00", "−1.00", "1.00", "0.50", "0.00", "0.50", "1.00"])
        // On the dark red diagonal, the text is light.
        let cell = decoded.chart.layout.marks(.cell)[0]
        var lightest: Float = 0
        for y in Int(values[0].rect.minY)..<Int(values[0].rect.maxY) {
            for x in Int(values[0].rect.minX)..<Int(values[0].rect.maxX) {
                lightest = max(lightest, decoded.image[x, y, 1])
            }
        }
        XCTAssertTrue(cell.rect.contains(values[0].rect))
        XCTAssertGreaterThan(lightest, 0.9)
    }

    func testColumnLabelsAreTurnedAndRowLabelsFitted() throws {
        let decoded = try DecodedChart(chart().render())
        let labels = decoded.chart.layout.marks(.categoryLabel)
        XCTAssertEqual(labels.count, 6)
        let plot = decoded.chart.layout.plotArea
        for row in labels.prefix(3) { XCTAssertLessThan(row.rect.maxX, plot.minX) }
        for column in labels.suffix(3) {
            XCTAssertGreaterThan(column.rect.minY, plot.maxY)
            XCTAssertGreaterThan(decoded.inkedPixels(in: column.rect), 100)
        }
        XCTAssertEqual(decoded.chart.layout.marks(.colorBar).count, 1)
    }

    func testLongLabelsAreEllipsizedInsideTheImage() throws {
        let long = "a remarkably long concept description that goes on and on"
        let chart = try HeatMap(title: nil, labels: [long, "b"], matrix: [[1, 0.2], [0.2, 1]], range: -1...1).render()
        let labels = chart.layout.marks(.categoryLabel).filter { $0.label.hasPrefix("a remarkably") }
        XCTAssertEqual(labels.count, 2)
        let bounds = PixelRect(minX: 0, minY: 0, maxX: Double(chart.pixelWidth), maxY: Double(chart.pixelHeight))
        for label in labels {
            XCTAssertTrue(label.label.hasSuffix("…"), label.label)
            XCTAssertTrue(bounds.contains(label.rect), "\(label.rect)")
        }
    }

    func testNonSquareMatrixIsAnError() {
        let bad = HeatMap(title: nil, labels: ["a", "b"], matrix: [[1, 0], [0]], range: -1...1)
        XCTAssertEqual(errorMessage { _ = try bad.render() }, "heat map row \"b\" has 1 values; expected 2")
    }
}

final class HistogramTests: XCTestCase {
    func testBinHeightsFollowCounts() throws {
        // Two bins over 0...1: three values in the first, one in the second.
        let values: [Double] = [0, 0.1, 0.2, 1]
        let decoded = try DecodedChart(Histogram(title: nil, values: values, bins: 2, xLabel: "projection", marker: nil).render())
        let bars = decoded.chart.layout.marks(.bar)
        XCTAssertEqual(bars.count, 2)
        XCTAssertEqual(bars[0].rect.maxY, bars[1].rect.maxY, accuracy: 0.01)
        XCTAssertEqual(bars[0].rect.height, 3 * bars[1].rect.height, accuracy: 0.5)
        XCTAssertColor(decoded.color(bars[1].rect.midX, bars[1].rect.midY), accentColor)
        XCTAssertTrue(bars[0].label.hasSuffix(": 3"), bars[0].label)
    }

    func testMarkerLineSitsAtItsValue() throws {
        let values: [Double] = [-1, -0.5, 0.5, 1, 3]
        let decoded = try DecodedChart(Histogram(title: "Projections", values: values, bins: 4, xLabel: "projection",
                                                 marker: 0).render())
        let bars = decoded.chart.layout.marks(.bar)
        let marker = try XCTUnwrap(decoded.chart.layout.marks(.referenceLine).first)
        // Bins of width 1 from −1: 0 is the right edge of the first bin.
        XCTAssertEqual(marker.rect.midX, (bars[0].rect.maxX + bars[1].rect.minX) / 2, accuracy: 1.5)
        XCTAssertTrue(decoded.chart.summary.contains("2 below the marker"), decoded.chart.summary)
    }

    func testMarkerOutsideTheDataWidensTheRange() throws {
        let histogram = Histogram(title: nil, values: [2, 3, 4], bins: 3, xLabel: "x", marker: 0)
        XCTAssertEqual(histogram.binned().lower, 0)
        let chart = try histogram.render()
        let marker = try XCTUnwrap(chart.layout.marks(.referenceLine).first)
        // 0 is now the lower end of the value axis, the plot's left edge.
        XCTAssertEqual(marker.rect.midX, chart.layout.plotArea.minX, accuracy: 0.5)
    }

    func testBadInputIsAnError() {
        XCTAssertEqual(errorMessage { _ = try Histogram(title: nil, values: [], bins: 3, xLabel: "x", marker: nil).render() },
                       "a histogram needs at least one value")
        XCTAssertEqual(errorMessage { _ = try Histogram(title: nil, values: [1], bins: 0, xLabel: "x", marker: nil).render() },
                       "a histogram needs 1 to 500 bins, got 0")
        XCTAssertEqual(errorMessage { _ = try Histogram(title: nil, values: [1, .infinity], bins: 2, xLabel: "x",
                                                        marker: nil).render() },
                       "histogram value 2 is inf; chart values must be finite numbers")
    }
}

final class HeatMapScalingTests: XCTestCase {
    func testManyConceptsFitTheWidthWithThinnedLabels() throws {
        let count = 60
        let labels = (0..<count).map { "concept \($0)" }
        let matrix = (0..<count).map { i in (0..<count).map { j in i == j ? 1.0 : 0.1 } }
        let chart = try HeatMap(title: nil, labels: labels, matrix: matrix, range: -1...1).render()
        let bounds = PixelRect(minX: 0, minY: 0, maxX: Double(chart.pixelWidth), maxY: Double(chart.pixelHeight))
        XCTAssertEqual(chart.pixelWidth, 1440)
        for mark in chart.layout.marks { XCTAssertTrue(bounds.contains(mark.rect), "\(mark.role) \(mark.label)") }
        XCTAssertEqual(chart.layout.marks(.cell).count, count * count)
        XCTAssertTrue(chart.layout.marks(.valueText).isEmpty, "cells this small print no values")
        let labelMarks = chart.layout.marks(.categoryLabel)
        XCTAssertLessThan(labelMarks.count, 2 * count)
        let rows = labelMarks.filter { $0.rect.maxX <= chart.layout.plotArea.minX }
        for (a, b) in zip(rows, rows.dropFirst()) { XCTAssertFalse(a.rect.intersects(b.rect), "\(a.label) / \(b.label)") }
    }
}
