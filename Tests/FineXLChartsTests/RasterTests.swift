@testable import FineXLCharts
import XCTest

final class RasterTests: XCTestCase {
    private func ink(_ canvas: Canvas) -> Double {
        // Drawing black on white: each pixel's darkness is its coverage.
        stride(from: 0, to: canvas.pixels.count, by: 3).map { 1 - Double(canvas.pixels[$0]) }.reduce(0, +)
    }

    func testFractionalRectangleEdgesBlendByCoveredArea() {
        var canvas = Canvas(width: 20, height: 4, background: ChartColor(hex: 0xFFFFFF))
        canvas.fillRect(x0: 2.25, y0: 0, x1: 5.5, y1: 4, ChartColor(hex: 0x000000))
        let row = (0..<20).map { 1 - canvas.pixels[(1 * 20 + $0) * 3] }
        XCTAssertEqual(row[1], 0, accuracy: 1e-5)
        XCTAssertEqual(row[2], 0.75, accuracy: 1e-4)
        XCTAssertEqual(row[3], 1, accuracy: 1e-5)
        XCTAssertEqual(row[5], 0.5, accuracy: 1e-4)
        XCTAssertEqual(row[6], 0, accuracy: 1e-5)
    }

    func testSlantedShapesGetTheirExactArea() {
        var canvas = Canvas(width: 40, height: 40, background: ChartColor(hex: 0xFFFFFF))
        canvas.fill([[Point(x: 3.1, y: 5.2), Point(x: 33.4, y: 11.9), Point(x: 12.6, y: 22.9)]], ChartColor(hex: 0x000000))
        let cross: Double = (33.4 - 3.1) * (22.9 - 5.2) - (12.6 - 3.1) * (11.9 - 5.2)
        let area = abs(cross) / 2
        XCTAssertEqual(ink(canvas), area, accuracy: 0.01)
    }

    func testOverlappingPiecesOfOneStrokeCountOnce() {
        var canvas = Canvas(width: 30, height: 10, background: ChartColor(hex: 0xFFFFFF))
        let square = [Point(x: 2, y: 2), Point(x: 8, y: 2), Point(x: 8, y: 8), Point(x: 2, y: 8)]
        let shifted = square.map { Point(x: $0.x + 3, y: $0.y) }
        canvas.fill([square, shifted], ChartColor(hex: 0x000000))
        XCTAssertEqual(ink(canvas), 9 * 6, accuracy: 0.01)
    }

    func testRoundJoinsFillCornersOfAPolylineWithoutHoles() {
        var canvas = Canvas(width: 40, height: 40, background: ChartColor(hex: 0xFFFFFF))
        canvas.polyline([Point(x: 10, y: 10), Point(x: 30, y: 10), Point(x: 30, y: 30)], width: 4, ChartColor(hex: 0x000000))
        // Pixel (28, 9) lies in the first segment and in the join's disc, but not in the second segment.
        XCTAssertEqual(1 - canvas.pixels[(9 * 40 + 28) * 3], 1, accuracy: 1e-3)
        // The outer corner is rounded: (31.5, 8.5) is just outside the disc of radius 2 around (30, 10).
        XCTAssertLessThan(1 - canvas.pixels[(8 * 40 + 31) * 3], 0.5)
        XCTAssertEqual(1 - canvas.pixels[(20 * 40 + 30) * 3], 1, accuracy: 1e-3)
    }

    func testTurnedTextKeepsItsInk() throws {
        let font = try FontFace(path: ChartStyle.defaultFontPath)
        let mask = try font.mask(of: "warm tones", pixelSize: 24)
        var upright = Canvas(width: 200, height: 200, background: ChartColor(hex: 0xFFFFFF))
        upright.draw(mask, x: 20, baseline: 100, ChartColor(hex: 0x000000))
        var turned = Canvas(width: 200, height: 200, background: ChartColor(hex: 0xFFFFFF))
        turned.draw(mask, rotatedBy: .pi / 2, x: 100, y: 180, ChartColor(hex: 0x000000))
        XCTAssertGreaterThan(ink(upright), 100)
        XCTAssertEqual(ink(turned), ink(upright), accuracy: ink(upright) * 0.03)
    }

    func testTextWidthGrowsWithTextAndKerningApplies() throws {
        let font = try FontFace(path: ChartStyle.defaultFontPath)
        XCTAssertGreaterThan(try font.width(of: "warm tones", pixelSize: 24), try font.width(of: "warm", pixelSize: 24))
        // DejaVu Sans kerns "AV" tighter than the sum of its letters.
        let pair = try font.width(of: "AV", pixelSize: 40)
        let apart = try font.width(of: "A", pixelSize: 40) + font.width(of: "V", pixelSize: 40)
        XCTAssertLessThan(pair, apart)
    }

    func testNiceTicksEncloseTheDataWithRoundSteps() {
        let weights = AxisScale(covering: 0, 0.82, targetTicks: 5, from: 0, to: 100)
        XCTAssertEqual(weights.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        XCTAssertEqual(weights.tickDecimals, 1)
        XCTAssertEqual(weights.valueDecimals, 2)
        XCTAssertEqual(weights.position(0.5), 50, accuracy: 1e-9)
        let mixed = AxisScale(covering: -0.35, 0.88, targetTicks: 5, from: 0, to: 1)
        XCTAssertEqual(mixed.ticks.first, -0.5)
        XCTAssertEqual(mixed.ticks.last, 1.0)
        let counts = AxisScale(covering: 0, 23, targetTicks: 4, from: 0, to: 1)
        XCTAssertEqual(counts.ticks, [0, 10, 20, 30])
    }

    func testNumbersUseATrueMinusAndNoNegativeZero() {
        XCTAssertEqual(NumberText.format(-0.231, decimals: 2), "−0.23")
        XCTAssertEqual(NumberText.format(-0.001, decimals: 2), "0.00")
        XCTAssertEqual(NumberText.format(12.5, decimals: 0), "12")
    }
}
