import FineXLCharts
import FineXLImage
import FineXLSupport
import XCTest

/// The decoded PNG of a chart, read back with the project's own decoder.
struct DecodedChart {
    let chart: ChartImage
    let image: RGBImage

    init(_ chart: ChartImage, file: StaticString = #filePath, line: UInt = #line) throws {
        self.chart = chart
        image = try ImageDecoder.decode(bytes: chart.png, name: "chart.png")
        XCTAssertEqual(image.width, chart.pixelWidth, file: file, line: line)
        XCTAssertEqual(image.height, chart.pixelHeight, file: file, line: line)
    }

    func color(_ x: Double, _ y: Double) -> (r: Float, g: Float, b: Float) {
        let px = min(image.width - 1, max(0, Int(x))), py = min(image.height - 1, max(0, Int(y)))
        return (image[px, py, 0], image[px, py, 1], image[px, py, 2])
    }

    /// Pixels in `rect` noticeably darker than the white ground.
    func inkedPixels(in rect: PixelRect) -> Int {
        var count = 0
        for y in Int(rect.minY)..<Int(rect.maxY.rounded(.up)) where y >= 0 && y < image.height {
            for x in Int(rect.minX)..<Int(rect.maxX.rounded(.up)) where x >= 0 && x < image.width {
                if image[x, y, 0] + image[x, y, 1] + image[x, y, 2] < 2.4 { count += 1 }
            }
        }
        return count
    }
}

/// sRGB of a 0xRRGGBB literal, as the charts' palette defines it.
func rgb(_ hex: UInt32) -> (r: Float, g: Float, b: Float) {
    (Float((hex >> 16) & 0xFF) / 255, Float((hex >> 8) & 0xFF) / 255, Float(hex & 0xFF) / 255)
}

func XCTAssertColor(_ actual: (r: Float, g: Float, b: Float), _ expected: (r: Float, g: Float, b: Float),
                    accuracy: Float = 2.0 / 255, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.r, expected.r, accuracy: accuracy, "red " + message, file: file, line: line)
    XCTAssertEqual(actual.g, expected.g, accuracy: accuracy, "green " + message, file: file, line: line)
    XCTAssertEqual(actual.b, expected.b, accuracy: accuracy, "blue " + message, file: file, line: line)
}

let accentColor = rgb(0x2F6FDF)
let white = rgb(0xFFFFFF)

