import FineXLCore
import FineXLSupport

/// The prompts the paper's Eq. 6 sums over when mapping a concept, and the base images an
/// encoder that measures concepts on images renders them on.
package enum PromptContext {
    /// The source's own generation prompts when it has them; otherwise an empty list,
    /// which tells the encoder to use its documented generic templates.
    package static func context(for source: any PairedImageSource) -> ConceptContext {
        if let prompts = source.prompts, !prompts.isEmpty {
            return ConceptContext(prompts: prompts, promptSource: "the \(prompts.count) generation prompts of the image pairs",
                                  images: ContextImages(baseOf: source))
        }
        return ConceptContext(prompts: [], promptSource: "generic prompt templates (no manifest.json or prompts.txt beside the images)",
                              images: ContextImages(baseOf: source))
    }
}
