import FineXLSupport
import XCTest
@testable import FineXLDescriptor

final class GeneratorTests: XCTestCase {
    func testSceneIsDeterministicForPromptAndSeed() {
        let a = SceneGenerator().render(prompt: "a red house by a lake at sunset", seed: 17, width: 64, height: 48)
        let b = SceneGenerator().render(prompt: "a red house by a lake at sunset", seed: 17, width: 64, height: 48)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.width, 64)
        XCTAssertEqual(a.height, 48)
    }

    func testScenesWithDifferentSeedsDiffer() {
        let prompt = "a blue ball in a meadow at noon"
        let a = SceneGenerator().render(prompt: prompt, seed: 1, width: 64, height: 64)
        let b = SceneGenerator().render(prompt: prompt, seed: 2, width: 64, height: 64)
        let meanAbsoluteDifference = zip(a.pixels, b.pixels).map { abs($0 - $1) }.reduce(0, +) / Float(a.pixels.count)
        XCTAssertGreaterThan(meanAbsoluteDifference, 0.02)
    }

    func testPromptSteersTheSky() {
        func meanTopRow(_ image: RGBImage) -> Float {
            (0..<image.width).map { image[$0, 0, 0] + image[$0, 0, 1] + image[$0, 0, 2] }.reduce(0, +) / Float(image.width)
        }
        let night = SceneGenerator().render(prompt: "a tent in a meadow at night", seed: 5, width: 48, height: 48)
        let noon = SceneGenerator().render(prompt: "a tent in a meadow at noon", seed: 5, width: 48, height: 48)
        XCTAssertLessThan(meanTopRow(night), meanTopRow(noon) - 0.5)
    }

    func testTexturesAreDeterministicAndVaried() {
        let prompt = TextureGenerator.prompt(seed: 3)
        let a = TextureGenerator().render(prompt: prompt, seed: 3, width: 48, height: 48)
        XCTAssertEqual(a, TextureGenerator().render(prompt: prompt, seed: 3, width: 48, height: 48))
        let b = TextureGenerator().render(prompt: prompt, seed: 4, width: 48, height: 48)
        XCTAssertNotEqual(a, b)
        XCTAssertTrue(a.pixels.allSatisfy { (0...1).contains($0) })
    }

    func testGeneratedPromptsVaryWithSeed() {
        let prompts = Set((0..<40).map { SceneGenerator.prompt(seed: UInt64($0)) })
        XCTAssertGreaterThan(prompts.count, 30)
    }
}
