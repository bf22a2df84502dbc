import FineXLCore
import XCTest
@testable import FineXLDescriptor

final class AspectTests: XCTestCase {
    private static let images: [RGBImage] = (0..<4).map { i in
        let spec = SyntheticSpec(aspects: [], count: 4, seed: 500, size: 128, baseKind: i < 2 ? .scenes : .textures)
        return spec.baseImage(i)
    }

    func testLevelZeroIsIdentityForEveryAspectAndVariant() {
        let image = Self.images[0]
        for aspect in Aspect.all {
            for variant in Aspect.Variant.allCases {
                XCTAssertEqual(aspect.apply(to: image, level: 0, variant: variant), image, "\(aspect.name) \(variant)")
            }
        }
    }

    func testEveryAspectChangesTheImageAtFullLevel() {
        let image = Self.images[1]
        for aspect in Aspect.all {
            for variant in Aspect.Variant.allCases {
                XCTAssertNotEqual(aspect.apply(to: image, level: 1, variant: variant, seed: 3), image,
                                  "\(aspect.name) \(variant)")
            }
        }
    }

    func testProjectionOnOwnDirectionGrowsWithLevel() throws {
        let encoder = DescriptorEncoder()
        let base = try encoder.embed(Self.images).map { $0.map(Double.init) }
        for aspect in Aspect.all {
            let direction = DescriptorCalibration.shared.directions[aspect.kind]!
            var projections: [Double] = []
            for level in [0.4, 0.7, 1.0] {
                let personal = try encoder.embed(Self.images.enumerated().map { i, image in
                    SyntheticSpec.personalize(image, aspects: [(aspect.name, level)], variant: .canonical, seed: UInt64(i))
                }).map { $0.map(Double.init) }
                let divergence = try Divergence(base: base, personal: personal)
                projections.append(Vector.dot(divergence.vector, direction) / Vector.norm(direction))
            }
            XCTAssertGreaterThan(projections[0], 0, aspect.name)
            XCTAssertLessThan(projections[0], projections[1], aspect.name)
            XCTAssertLessThan(projections[1], projections[2], aspect.name)
        }
    }

    func testAlternateRenderingDiffersFromCanonical() {
        let image = Self.images[2]
        for aspect in Aspect.all {
            XCTAssertNotEqual(aspect.apply(to: image, level: 0.8, variant: .canonical, seed: 1),
                              aspect.apply(to: image, level: 0.8, variant: .alternate, seed: 1), aspect.name)
        }
    }

    func testEveryAspectDocumentsBothRenderings() {
        for aspect in Aspect.all {
            XCTAssertFalse(aspect.canonicalDescription.isEmpty)
            XCTAssertFalse(aspect.alternateDescription.isEmpty)
            XCTAssertNotEqual(aspect.canonicalDescription, aspect.alternateDescription)
        }
    }
}
