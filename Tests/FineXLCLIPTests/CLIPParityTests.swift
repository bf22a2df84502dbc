import FineXLCLIP
import FineXLCore
import FineXLImage
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

/// The path real images take: PNG file → `ImageDecoder` → CLIP.
final class CLIPDecodedImageTests: XCTestCase {
    func testPNGFixturesEmbedLikeTheReference() throws {
        let reference = try Fixtures.reference()
        let model = try CLIPModel.load(from: Fixtures.model("gelu-fp16"))
        let expected = try Fixtures.referenceFile("gelu-fp16", "image_embeds.npy")
        let decoded = try reference.images.map {
            try ImageDecoder.decode(contentsOf: Fixtures.root.appendingPathComponent("images/\($0).png"))
        }
        for (image, name) in zip(decoded, reference.images) {
            // Same 8-bit values (the float for v/255 may differ in its last bit).
            let bytes = image.pixels.map { ($0 * 255).rounded() }
            XCTAssertEqual(bytes, try Fixtures.image(name).pixels.map { ($0 * 255).rounded() }, name)
        }
        let actual = try model.embedImages(decoded)
        for i in expected.indices {
            XCTAssertLessThanOrEqual(maxAbsDifference(actual[i], expected[i]), 1e-4, reference.images[i])
        }
    }
}

/// ViT-B/32 at full size with CLIP's complete vocabulary, written by
/// `Tools/make_clip_fixtures.py --full-size DIR` (600 MB, not committed).
final class CLIPFullSizeParityTests: XCTestCase {
    func testFullSizeModelMatchesTransformers() throws {
        guard let path = ProcessInfo.processInfo.environment["FINEXL_CLIP_FULL_FIXTURES"] else {
            throw XCTSkip("set FINEXL_CLIP_FULL_FIXTURES to a folder written by make_clip_fixtures.py --full-size")
        }
        let root = URL(fileURLWithPath: path)
        let reference = try Fixtures.reference(in: root)
        let model = try CLIPModel.load(from: Fixtures.model("vit-b-32", in: root))
        for (text, expected) in zip(reference.texts, reference.models["vit-b-32"]!.token_ids) {
            XCTAssertEqual(model.tokenizer.encode(text).ids, expected, text)
        }
        let texts = try model.embedTexts(reference.texts)
        for (actual, expected) in zip(texts, try Fixtures.referenceFile("vit-b-32", "text_embeds.npy", in: root)) {
            XCTAssertLessThanOrEqual(maxAbsDifference(actual, expected), 1e-4)
        }
        let images = try model.embedImages(reference.images.map { try Fixtures.image($0, in: root) })
        for (actual, expected) in zip(images, try Fixtures.referenceFile("vit-b-32", "image_embeds.npy", in: root)) {
            XCTAssertLessThanOrEqual(maxAbsDifference(actual, expected), 1e-4)
        }
    }
}
