import FineXLCharts
import FineXLTestSupport
import XCTest

final class BarChartTests: XCTestCase {
    private let bars: [BarChart.Bar] = [
        .init(label: "warm tones", value: 0.8, interval: 0.7...0.9),
        .init(label: "film grain", value: 0.4),
        .init(label: "cool tones", value: -0.2, interval: -0.3 ... -0.1),
    ]

    private func render(_ bars: [BarChart.Bar]? = nil, title: String? = "Weights") throws -> DecodedChart {
        try DecodedChart(BarChart(title: title, bars: bars ?? self.bars, valueLabel: "weight").render())
    }

    func testPNGHasDeclaredSizeAtTwiceTheDisplaySize() throws {
        let chart = try render().chart
        XCTAssertEqual(chart.pixelWidth, 1440)
        XCTAssertEqual(chart.displayWidth * 2, chart.pixelWidth)
        XCTAssertEqual(chart.displayHeight * 2, chart.pixelHeight)
        XCTAssertGreaterThan(chart.displayHeight, 100)
    }

    func testBarsSitWhereTheValuesSay() throws {
        let decoded = try render()
        let marks = decoded.chart.layout.marks(.bar)
        XCTAssertEqual(marks.map(\.label), ["warm tones", "film grain", "cool tones"])
        let zeroX = try XCTUnwrap(decoded.chart.layout.marks(.referenceLine).first).rect.midX
        // Pixels per unit from the first bar; the others must agree with their values.
        let perUnit = (marks[0].rect.maxX - zeroX) / 0.8
        XCTAssertEqual(marks[0].rect.minX, zeroX, accuracy: 0.01)
        XCTAssertEqual(marks[1].rect.maxX - zeroX, 0.4 * perUnit, accuracy: 0.5)
        XCTAssertEqual(marks[2].rect.maxX, zeroX, accuracy: 0.01)
        XCTAssertEqual(zeroX - marks[2].rect.minX, 0.2 * perUnit, accuracy: 0.5)
        XCTAssertTrue(decoded.chart.layout.plotArea.contains(marks[0].rect))

        // Inside each bar (off its centre line, where whiskers run): bar colour. Just past its end: not.
        for mark in marks.prefix(2) {
            XCTAssertColor(decoded.color(mark.rect.midX, mark.rect.minY + 3), accentColor, mark.label)
            let beyond = decoded.color(mark.rect.maxX + 3, mark.rect.minY + 3)
            XCTAssertGreaterThan(beyond.r, 0.8, "\(mark.label) ends at its value")
        }
        let negative = decoded.color(marks[2].rect.midX, marks[2].rect.minY + 3)
        XCTAssertGreaterThan(negative.b, negative.r + 0.2, "negative bar is drawn in the accent's hue")
        XCTAssertGreaterThan(decoded.color(marks[2].rect.minX - 3, marks[2].rect.minY + 3).r, 0.8)
    }

    func testIntervalWhiskersSpanTheirInterval() throws {
        let decoded = try render()
        let bar = decoded.chart.layout.marks(.bar)[0]
        let zeroX = try XCTUnwrap(decoded.chart.layout.marks(.referenceLine).first).rect.midX
        let perUnit = (bar.rect.maxX - zeroX) / 0.8
        let whiskers = decoded.chart.layout.marks(.interval)
        XCTAssertEqual(whiskers.map(\.label), ["warm tones", "cool tones"])
        XCTAssertEqual(whiskers[0].rect.minX, zeroX + 0.7 * perUnit, accuracy: 0.5)
        XCTAssertEqual(whiskers[0].rect.maxX, zeroX + 0.9 * perUnit, accuracy: 0.5)
        // The whisker is drawn dark over the white beyond the bar's end.
        let past = decoded.color(bar.rect.maxX + 0.05 * perUnit, bar.rect.midY)
        XCTAssertLessThan(past.r + past.g + past.b, 1.0)
    }

    func testValuesArePrintedBeyondBarEnds() throws {
        let decoded = try render()
        let texts = decoded.chart.layout.marks(.valueText)
        XCTAssertEqual(texts.map(\.label), ["0.80", "0.40", "−0.20"])
        let bars = decoded.chart.layout.marks(.bar)
        let whiskers = decoded.chart.layout.marks(.interval)
        XCTAssertGreaterThan(texts[0].rect.minX, whiskers[0].rect.maxX)
        XCTAssertGreaterThan(texts[1].rect.minX, bars[1].rect.maxX)
        XCTAssertLessThan(texts[2].rect.maxX, whiskers[1].rect.minX)
        for text in texts { XCTAssertGreaterThan(decoded.inkedPixels(in: text.rect), 20, text.label) }
    }

    func testLabelsTitleAndTicksAreDrawnAsText() throws {
        let decoded = try render()
        let labels = decoded.chart.layout.marks(.categoryLabel)
        XCTAssertEqual(labels.map(\.label), ["warm tones", "film grain", "cool tones"])
        for label in labels { XCTAssertGreaterThan(decoded.inkedPixels(in: label.rect), 100, label.label) }
        let title = try XCTUnwrap(decoded.chart.layout.marks(.title).first)
        XCTAssertEqual(title.label, "Weights")
        XCTAssertGreaterThan(decoded.inkedPixels(in: title.rect), 200)
        XCTAssertGreaterThanOrEqual(decoded.chart.layout.marks(.tickLabel).count, 3)
        XCTAssertEqual(decoded.chart.layout.marks(.axisLabel).map(\.label), ["weight"])
    }

    func testLongLabelIsEllipsizedAndStaysLeftOfThePlot() throws {
        let long = String(repeating: "extraordinarily long concept name ", count: 4)
        let decoded = try render([.init(label: long, value: 0.5), .init(label: "short", value: 0.2)])
        let label = decoded.chart.layout.marks(.categoryLabel)[0]
        XCTAssertTrue(label.label.hasSuffix("…"), label.label)
        XCTAssertLessThan(label.label.count, long.count)
        XCTAssertGreaterThanOrEqual(label.rect.minX, 0)
        XCTAssertLessThan(label.rect.maxX, decoded.chart.layout.plotArea.minX)
        XCTAssertLessThan(label.rect.width, Double(decoded.chart.pixelWidth) * 0.36)
    }

    func testSameInputGivesIdenticalBytes() throws {
        let first = try BarChart(title: "Weights", bars: bars, valueLabel: "weight").render()
        let second = try BarChart(title: "Weights", bars: bars, valueLabel: "weight").render()
        XCTAssertEqual(first.png, second.png)
        let other = try BarChart(title: "Weights", bars: Array(bars.dropLast()), valueLabel: "weight").render()
        XCTAssertNotEqual(first.png, other.png)
    }

    func testSummaryListsEveryBar() throws {
        let summary = try render().chart.summary
        XCTAssertTrue(summary.contains("warm tones 0.80 (0.70 to 0.90)"), summary)
        XCTAssertTrue(summary.contains("cool tones −0.20"), summary)
    }

    func testMissingFontIsAnErrorNamingItsPath() {
        var chart = BarChart(title: nil, bars: bars, valueLabel: "weight")
        chart.style.fontPath = "/nonexistent/fonts/DejaVuSans.ttf"
        let message = errorMessage { _ = try chart.render() }
        XCTAssertTrue(message.contains("/nonexistent/fonts/DejaVuSans.ttf"), message)
    }

    func testBadInputIsAnErrorNamingTheBar() {
        XCTAssertEqual(errorMessage { _ = try BarChart(title: nil, bars: [], valueLabel: "w").render() },
                       "a bar chart needs at least one bar")
        let message = errorMessage {
            _ = try BarChart(title: nil, bars: [.init(label: "sepia", value: .nan)], valueLabel: "w").render()
        }
        XCTAssertTrue(message.contains("\"sepia\""), message)
    }

    func testAllZeroValuesStillRender() throws {
        let decoded = try render([.init(label: "a", value: 0), .init(label: "b", value: 0)], title: nil)
        XCTAssertEqual(decoded.chart.layout.marks(.bar).count, 2)
        XCTAssertTrue(decoded.chart.layout.marks(.title).isEmpty)
    }
}
