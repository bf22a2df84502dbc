import FineXLImage
import FineXLSupport
import XCTest

final class ImageResamplerTests: XCTestCase {
    func testSmallImageIsReturnedUnchanged() {
        let image = RGBImage(width: 10, height: 6, fill: (0.2, 0.4, 0.6))
        XCTAssertEqual(ImageResampler.downscaled(image, maxSide: 10), image)
        XCTAssertEqual(ImageResampler.downscaled(image, maxSide: 64), image)
    }

    func testLongerSideBecomesMaxSideKeepingAspect() {
        let image = RGBImage(width: 1000, height: 500, fill: (0, 0, 0))
        let small = ImageResampler.downscaled(image, maxSide: 224)
        XCTAssertEqual(small.width, 224)
        XCTAssertEqual(small.height, 112)
        let tall = ImageResampler.downscaled(RGBImage(width: 30, height: 90, fill: (0, 0, 0)), maxSide: 9)
        XCTAssertEqual(tall.width, 3)
        XCTAssertEqual(tall.height, 9)
    }

    func testAveragesEachCoveredArea() {
        // A 4x2 image of black and white columns halves to the mean of each 2x2 block.
        var image = RGBImage(width: 4, height: 2, fill: (0, 0, 0))
        for y in 0..<2 { image[1, y, 0] = 1; image[2, y, 1] = 1; image[3, y, 1] = 1 }
        let half = ImageResampler.downscaled(image, maxSide: 2)
        XCTAssertEqual(half.width, 2)
        XCTAssertEqual(half.height, 1)
        XCTAssertEqual(half[0, 0, 0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(half[0, 0, 1], 0, accuracy: 1e-6)
        XCTAssertEqual(half[1, 0, 0], 0, accuracy: 1e-6)
        XCTAssertEqual(half[1, 0, 1], 1, accuracy: 1e-6)
    }

    func testFractionalCoverageWeighsPartialPixels() {
        // 3 pixels into 2: the middle pixel is split evenly, so output = (2a + b) / 3 and (b + 2c) / 3.
        let image = RGBImage(width: 3, height: 1, pixels: [0, 0, 0, 0.9, 0.9, 0.9, 0.3, 0.3, 0.3])
        let out = ImageResampler.downscaled(image, maxSide: 2)
        XCTAssertEqual(out.width, 2)
        XCTAssertEqual(out[0, 0, 0], 0.3, accuracy: 1e-6)
        XCTAssertEqual(out[1, 0, 0], 0.5, accuracy: 1e-6)
    }

    func testMeanColourIsPreserved() {
        var image = RGBImage(width: 97, height: 61, fill: (0, 0, 0))
        var sum: Double = 0
        for y in 0..<61 {
            for x in 0..<97 {
                let v = Float((x * 31 + y * 17) % 100) / 100
                image[x, y, 0] = v
                sum += Double(v)
            }
        }
        let small = ImageResampler.downscaled(image, maxSide: 10)
        let smallMean = (0..<(small.width * small.height)).map { Double(small.pixels[$0 * 3]) }.reduce(0, +)
            / Double(small.width * small.height)
        // Every source pixel carries the same total weight, so the mean survives up to rounding.
        XCTAssertEqual(smallMean, sum / Double(97 * 61), accuracy: 1e-4)
    }
}
