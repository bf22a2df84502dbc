import FineXLCLIP
import FineXLCore
import Foundation
import XCTest

/// Against embeddings, pixels and token ids computed by transformers itself.
final class CLIPParityTests: XCTestCase {
    func testTokenIDsMatchTransformers() throws {
        let reference = try Fixtures.reference()
        for name in Fixtures.modelNames {
            let model = try CLIPModel.load(from: Fixtures.model(name))
            for (text, expected) in zip(reference.texts, reference.models[name]!.token_ids) {
                XCTAssertEqual(model.tokenizer.encode(text).ids, expected, "\(name): \(text)")
            }
        }
    }

    func testTruncationIsReported() throws {
        let reference = try Fixtures.reference()
        let model = try CLIPModel.load(from: Fixtures.model("quickgelu-fp32"))
        let long = reference.texts.max { $0.count < $1.count }!
        let encoding = model.tokenizer.encode(long)
        XCTAssertTrue(encoding.truncated)
        XCTAssertEqual(encoding.ids.count, 77)
        XCTAssertEqual(encoding.ids.last, model.tokenizer.endID)
        XCTAssertFalse(model.tokenizer.encode("a photo of a house").truncated)
    }

    func testPreprocessedPixelsMatchThePILProcessor() throws {
        let reference = try Fixtures.reference()
        for name in Fixtures.modelNames {
            let model = try CLIPModel.load(from: Fixtures.model(name))
            for image in reference.images {
                let expected = try Fixtures.referenceFile(name, "\(image).pixel_values.npy").flatMap { $0 }
                let actual = model.preprocess(try Fixtures.image(image))
                XCTAssertEqual(actual.count, expected.count)
                // Pillow's 8-bit resampling is reproduced exactly, so even
                // resized images agree to float rounding.
                XCTAssertLessThanOrEqual(maxAbsDifference(actual, expected), 1e-5, "\(name) \(image)")
            }
        }
    }

    func testImageEmbeddingsMatchTransformers() throws {
        let reference = try Fixtures.reference()
        for name in Fixtures.modelNames {
            let model = try CLIPModel.load(from: Fixtures.model(name))
            let expected = try Fixtures.referenceFile(name, "image_embeds.npy")
            let actual = try model.embedImages(reference.images.map { try Fixtures.image($0) })
            XCTAssertEqual(actual.count, expected.count)
            for (i, image) in reference.images.enumerated() {
                XCTAssertEqual(actual[i].count, reference.models[name]!.projection_dim)
                XCTAssertGreaterThanOrEqual(cosine(actual[i], expected[i]), 0.999, "\(name) \(image)")
                // Resized images (big70x90, small23x31, all of gelu-fp16) are held to
                // the same bound: the resize reproduces Pillow's arithmetic.
                XCTAssertLessThanOrEqual(maxAbsDifference(actual[i], expected[i]), 1e-4, "\(name) \(image)")
            }
        }
    }

    func testTextEmbeddingsMatchTransformers() throws {
        let reference = try Fixtures.reference()
        for name in Fixtures.modelNames {
            let model = try CLIPModel.load(from: Fixtures.model(name))
            let expected = try Fixtures.referenceFile(name, "text_embeds.npy")
            let actual = try model.embedTexts(reference.texts)
            XCTAssertEqual(actual.count, expected.count)
            for i in expected.indices {
                XCTAssertLessThanOrEqual(maxAbsDifference(actual[i], expected[i]), 1e-4, "\(name): \(reference.texts[i])")
            }
        }
    }

    func testBatchSizeDoesNotChangeEmbeddings() throws {
        let reference = try Fixtures.reference()
        let model = try CLIPModel.load(from: Fixtures.model("quickgelu-fp32"))
        let images = try reference.images.map { try Fixtures.image($0) }
        let together = try model.embedImages(images)
        model.batchSize = 1
        let oneByOne = try model.embedImages(images)
        for (a, b) in zip(together, oneByOne) {
            XCTAssertLessThanOrEqual(maxAbsDifference(a, b), 1e-5)
        }
    }
}
