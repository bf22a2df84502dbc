import FineXLCore
import FineXLSupport
import Foundation

/// CLIP as the paper's `Enc`: images through the vision tower, concepts
/// through the text tower with Eq. 6.
package struct CLIPEncoder: ImageEncoder {
    /// Prompts that stand in for the generation prompts when none are known:
    /// a spread of subjects and media, so that f(C) is not tied to one scene.
    package static let genericPromptTemplates = [
        "a photo",
        "a photo of a person",
        "a portrait of a woman",
        "a painting of a landscape",
        "a photo of a city street",
        "a picture of an animal",
        "an illustration of a house",
        "a still life of fruit on a table",
        "a photo of a car",
        "a drawing of a tree",
    ]

    package let model: CLIPModel

    package init(model: CLIPModel) {
        self.model = model
    }

    /// Loads the model folder (see `CLIPModel.load(from:)`).
    package init(directory: URL) throws {
        self.init(model: try CLIPModel.load(from: directory))
    }

    package var name: String { "clip" }
    /// Concepts go through the text tower with the images' prompts (Eq. 6).
    package var mapsConceptsThroughPrompts: Bool { true }
    package var dimension: Int { model.config.projectionDimension }
    package var identity: String { "clip:" + model.identity }
    package var preferredBatchSize: Int { model.batchSize }
    package var parallelizesInternally: Bool { true }
    package var conceptMappingDescription: String {
        "f(C) is the mean over the generation prompts t of CLIP's normalized text embedding of \"t, C\" minus that of t (paper Eq. 6)."
    }

    package func embed(_ images: [RGBImage]) throws -> [[Float]] {
        try model.embedImages(images)
    }

    /// Eq. 6: f(C) = mean_t [Enc_text("t, C") − Enc_text(t)], over the context's
    /// prompts or, when it has none, `genericPromptTemplates`. Prompts whose
    /// combination with C no longer fits CLIP's 77 tokens are left out for that
    /// concept, since truncation would cut C itself.
    package func mapConcepts(_ names: [String], context: ConceptContext) throws -> [ConceptMapping] {
        var seen = Set<String>()
        let prompts = (context.prompts.isEmpty ? Self.genericPromptTemplates : context.prompts)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !prompts.isEmpty else {
            return names.map { _ in .unrepresentable(reason: "no prompt to combine the concept with") }
        }
        let base = try model.embedTexts(prompts)
        var texts: [String] = []
        var owners: [(concept: Int, prompt: Int)] = []
        var mappings = [ConceptMapping?](repeating: nil, count: names.count)
        for (c, rawName) in names.enumerated() {
            let concept = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !concept.isEmpty else {
                mappings[c] = .unrepresentable(reason: "the concept name is empty")
                continue
            }
            var fitting = 0
            for (p, prompt) in prompts.enumerated() {
                let combined = "\(prompt), \(concept)"
                if model.tokenizer.encode(combined).truncated { continue }
                texts.append(combined)
                owners.append((c, p))
                fitting += 1
            }
            if fitting == 0 {
                mappings[c] = .unrepresentable(reason: "\"\(concept)\" does not fit in CLIP's 77 tokens after any prompt")
            }
        }
        let combined = try model.embedTexts(texts)
        var sums = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: names.count)
        var counts = [Int](repeating: 0, count: names.count)
        for (embedding, owner) in zip(combined, owners) {
            let reference = base[owner.prompt]
            for i in 0..<dimension {
                sums[owner.concept][i] += Double(embedding[i]) - Double(reference[i])
            }
            counts[owner.concept] += 1
        }
        return names.indices.map { c in
            mappings[c] ?? .vector(sums[c].map { $0 / Double(counts[c]) })
        }
    }
}
