import FineXLCLIP
import FineXLCore
import FineXLSupport

extension CLIPModel {
    /// A model of `config`'s size with random weights, held in memory: for
    /// measuring speed without a model folder.
    package static func random(_ config: CLIPConfig, seed: UInt64 = 1) throws -> CLIPModel {
        let weights = SafeTensors(randomTensors: tensorShapes(config), seed: seed)
        let tokenizer = try CLIPTokenizer(byteLevelVocabularyWithContext: min(77, config.maxPositions))
        guard tokenizer.endID < config.vocabularySize else {
            throw FineXLError("a random CLIP model needs a vocabulary of at least \(tokenizer.endID + 1) tokens")
        }
        return try CLIPModel(config: config, weights: weights, tokenizer: tokenizer,
                             preprocessor: CLIPImagePreprocessor(imageSize: config.imageSize),
                             identity: "random-\(seed)")
    }
}
