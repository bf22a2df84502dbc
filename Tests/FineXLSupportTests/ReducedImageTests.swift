import FineXLSupport
import XCTest

final class ReducedImageTests: XCTestCase {
    /// Pixel values that are not exact in binary, so summation order shows in the last bits.
    private func image(width: Int, height: Int) -> RGBImage {
        var pixels: [Float] = []
        for i in 0..<(width * height * 3) { pixels.append(Float((i * 7919) % 1000) / 997) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Each box summed in one running total, its rows top to bottom, each left to right.
    private func boxMeans(_ image: RGBImage, by k: Int) -> [Float] {
        var out: [Float] = []
        for y in 0..<(image.height / k) {
            for x in 0..<(image.width / k) {
                for c in 0..<3 {
                    var sum: Float = 0
                    for dy in 0..<k {
                        for dx in 0..<k { sum += image[x * k + dx, y * k + dy, c] }
                    }
                    out.append(sum * (1 / Float(k * k)))
                }
            }
        }
        return out
    }

    func testMeansAreEachBoxMeanBitForBitAndSamplesItsTopLeftPixel() {
        let source = image(width: 23, height: 17)
        for k in [2, 3, 4, 5, 17] {
            let reduced = ReducedImage(source, by: k)
            XCTAssertEqual(reduced.factor, k)
            XCTAssertEqual(reduced.means.width, 23 / k, "k = \(k)")
            XCTAssertEqual(reduced.means.height, 17 / k, "k = \(k)")
            XCTAssertEqual(reduced.means.pixels, boxMeans(source, by: k), "k = \(k)")
            for y in 0..<(17 / k) {
                for x in 0..<(23 / k) {
                    for c in 0..<3 { XCTAssertEqual(reduced.samples[x, y, c], source[x * k, y * k, c]) }
                }
            }
        }
    }

    func testFactorOneIsTheImageItself() {
        let source = image(width: 5, height: 3)
        let reduced = ReducedImage(source, by: 1)
        XCTAssertEqual(reduced.means, source)
        XCTAssertEqual(reduced.samples, source)
        var reducer = BoxReducer(width: 5, height: 3, factor: 1)
        for y in 0..<3 {
            reducer.addRow { row in
                for i in 0..<15 { row[i] = source.pixels[y * 15 + i] }
            }
        }
        XCTAssertEqual(reducer.reduced(), reduced)
    }

    func testReductionFactorIsTheShortestSideOverTheKeptSide() {
        let reduction = BoxReduction(shortestSide: 128)
        XCTAssertEqual(reduction.factor(width: 512, height: 512), 4)
        XCTAssertEqual(reduction.factor(width: 1000, height: 300), 2)
        XCTAssertEqual(reduction.factor(width: 255, height: 4000), 1)
        XCTAssertEqual(reduction.factor(width: 20, height: 20), 1)
        XCTAssertEqual(BoxReduction.none.factor(width: 4096, height: 4096), 1)
    }
}
