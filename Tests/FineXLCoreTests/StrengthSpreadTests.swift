import FineXLSupport
import Foundation
import XCTest
@testable import FineXLCore

final class StrengthSpreadTests: XCTestCase {
    func testPoolsTheRootMeanSquareOfTheClampedLogRatios() throws {
        let spread = try XCTUnwrap(StrengthSpread(ratios: [1.25, 0.8, 1, 1, 1, .nan]))
        XCTAssertEqual(spread.looks, 5, "NaN is skipped")
        XCTAssertEqual(spread.logSD, (2 * pow(log(1.25), 2) / 5).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(spread.implementationSD, spread.logSD / 2.0.squareRoot(), accuracy: 1e-12)
        // A rendering pointing away (r ≤ 0) counts as 4× weaker, and none counts for more than 4×:
        // one look cannot set every interval's width.
        let clamped = try XCTUnwrap(StrengthSpread(ratios: [0.001, -2, 100, 1, 1]))
        XCTAssertEqual(clamped.logSD, (3 * pow(log(4.0), 2) / 5).squareRoot(), accuracy: 1e-12)
        // Fewer than 5 looks say too little of the spread.
        XCTAssertNil(StrengthSpread(ratios: [1.1, 0.9, 1, 1]))
        XCTAssertNil(StrengthSpread(ratios: []))
    }

    func testRatioIsTheWeightTheConceptGivesTheOtherRendering() {
        XCTAssertEqual(StrengthSpread.ratio(of: [2, 1], along: [1, 0]), 2, accuracy: 1e-12)
        XCTAssertEqual(StrengthSpread.ratio(of: [0.5, 0.5], along: [1, 1]), 0.5, accuracy: 1e-12)
        XCTAssertEqual(StrengthSpread.ratio(of: [1, 1], along: [0, 0]), 0)
    }

    func testFactor95UsesStudentsQuantileForTheLooksPooled() {
        // One implementation's spread is logSD / √2; t quantiles 0.975 from tables: 15 df 2.131,
        // 5 df 2.571; many df: the normal's 1.960.
        let sd = 0.2 / 2.0.squareRoot()
        XCTAssertEqual(log(StrengthSpread(logSD: 0.2, looks: 15).factor95) / sd, 2.131, accuracy: 0.002)
        XCTAssertEqual(log(StrengthSpread(logSD: 0.2, looks: 5).factor95) / sd, 2.571, accuracy: 0.005)
        XCTAssertEqual(log(StrengthSpread(logSD: 0.2, looks: 100_000).factor95) / sd, 1.960, accuracy: 0.001)
    }

    func testGeneratorDrawsStandardNormalAndStudentDeviates() {
        var generator = SeededGenerator(seed: 11)
        let normals = (0..<40_000).map { _ in generator.normal() }
        let mean = normals.reduce(0, +) / Double(normals.count)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(normals.count), 1, accuracy: 0.03)
        // Student's t with 6 degrees of freedom: variance 6/4, and 5 % of |t| above 2.447.
        let t = (0..<40_000).map { _ in generator.studentT(degrees: 6) }
        XCTAssertEqual(t.map { $0 * $0 }.reduce(0, +) / Double(t.count), 1.5, accuracy: 0.08)
        XCTAssertEqual(Double(t.filter { abs($0) > 2.447 }.count) / Double(t.count), 0.05, accuracy: 0.005)
    }
}
