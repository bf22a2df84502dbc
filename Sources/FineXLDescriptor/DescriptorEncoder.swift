import FineXLCore
import FineXLSupport
import Foundation

/// FineXL's embedded default encoder: a training-free, interpretable embedding of measured
/// low-level image statistics (tone, contrast, colour, white balance, sharpness, noise,
/// vignetting, posterization, texture), each standardized over a procedural reference set.
///
/// It represents only concepts it can render: a concept's direction is the mean change
/// its canonical rendering causes on the reference images, so weights read as levels.
package struct DescriptorEncoder: ImageEncoder {
    /// Bumped whenever a statistic, its standardization, the reference set or a canonical rendering changes.
    static let version = "finexl.descriptor/16"

    package init() {}

    package var name: String { "descriptor" }
    package var dimension: Int { DescriptorStatistics.count }
    package var preferredBatchSize: Int { 1 }
    package var parallelizesInternally: Bool { false }
    /// The statistics are measured at 128–255 px, on box means and on one pixel per box; larger
    /// images are reduced there first, and an image that comes reduced so is not reduced again.
    package var acceptedReduction: BoxReduction { DescriptorStatistics.reduction }

    /// SHA-256 of everything that defines the embedding and the concept directions.
    package var identity: String { Self.definitionDigest }

    static let definitionDigest: String = {
        var definition = [version, DescriptorCalibration.referenceDescription]
        definition += DescriptorStatistics.names
        definition += Aspect.all.map { "\($0.name): \($0.canonicalDescription)" }
        definition += Aspect.Form.allCases.map { "\($0.aspect.rawValue) form \($0.rawValue): \($0.description)" }
        return SHA256.hex(definition.joined(separator: "\n"))
    }()

    package var conceptMappingDescription: String {
        "f(C) is the mean change of the descriptor when C's canonical rendering is applied (least-squares slope over levels ½ and 1) "
            + "to this run's base images (at least \(InContextDirections.minimumImages), at most \(InContextDirections.maximumImages) of them), "
            + "else to \(DescriptorCalibration.referenceScenes + DescriptorCalibration.referenceTextures) procedural reference images, "
            + "so a weight reads as a level; a concept's other common forms (" + Aspect.Form.allCases.map(\.shortName).joined(separator: ", ")
            + ") are measured the same way at level 1 (the partial grey, the slight mute and the faint grain at ¼, scaled to read as ¼ through the canonical response), and its weight is the sum over the forms the fit uses; "
            + "in context each concept's alternate rendering is measured like its canonical one, for the intervals"
    }

    /// Names of the embedding's dimensions, in order, for reports.
    package static var dimensionNames: [String] { DescriptorStatistics.names }

    /// The concepts this encoder can represent, in their canonical spelling.
    package static var representableConcepts: [String] { Aspect.all.map(\.name) }

    /// What level 1.0 of a concept means, e.g. "warm tones: white-balance gains …"; nil for
    /// a concept this encoder does not represent. Synonyms are accepted.
    package static func canonicalDescription(of concept: String) -> String? {
        DescriptorVocabulary.kind(for: concept).map { "\($0.rawValue): \(Aspect($0).canonicalDescription)" }
    }

    /// The canonical concept a name (or synonym) stands for, if representable.
    package static func canonicalName(of concept: String) -> String? {
        DescriptorVocabulary.kind(for: concept)?.rawValue
    }

    /// Seconds the one-time calibration (reference set and concept directions) took.
    package static var calibrationSeconds: Double { DescriptorCalibration.shared.seconds }

    /// Thread-safe; the first call also runs the one-time calibration.
    package func embed(_ images: [RGBImage]) throws -> [[Float]] {
        try embed(reduced: images.map { ReducedImage($0, by: 1) })
    }

    /// Thread-safe; the first call also runs the one-time calibration.
    package func embed(reduced images: [ReducedImage]) throws -> [[Float]] {
        let calibration = DescriptorCalibration.shared
        return images.map { calibration.standardize(DescriptorStatistics.measure($0)) }
    }

    package func mapConcepts(_ names: [String], context: ConceptContext) throws -> [ConceptMapping] {
        try measureConcepts(names, context: context).mappings
    }

    /// f(C) measured on the context's base images when there are enough of them
    /// (`InContextDirections`), else on the reference set; either way per image too.
    package func measureConcepts(_ names: [String], context: ConceptContext) throws -> MeasuredConcepts {
        let calibration = DescriptorCalibration.shared
        let (inContext, reason) = try InContextDirections.forContext(context, identity: identity, calibration: calibration)
        let directions = inContext?.directions ?? calibration.directions
        let perImage = inContext?.perImage ?? calibration.perImage
        let formPerImage = inContext?.formPerImage ?? calibration.formPerImage
        var mappings: [ConceptMapping] = []
        var measured: [[[Double]]?] = []
        var responses: [LevelResponse?] = []
        var forms: [[ConceptForm]] = []
        var ranges: [LevelRange?] = []
        var alternates: [ConceptRendering?] = []
        var oppositions: [Opposition?] = []
        for name in names {
            guard let kind = DescriptorVocabulary.kind(for: name), let direction = directions[kind] else {
                mappings.append(.unrepresentable(reason: Self.unrepresentableReason(name)))
                measured.append(nil)
                responses.append(nil)
                forms.append([])
                ranges.append(nil)
                alternates.append(nil)
                oppositions.append(nil)
                continue
            }
            mappings.append(.vector(direction))
            measured.append(perImage[kind])
            responses.append(inContext?.responses[kind] ?? calibration.responses[kind])
            forms.append(Aspect(kind).forms.compactMap { form in
                formPerImage[form].map { ConceptForm(name: form.rawValue, direction: Vector.mean($0), perImage: $0) }
            })
            ranges.append(Self.levelRange(kind))
            alternates.append(inContext?.alternate(kind))
            oppositions.append(kind.opposite.map { Opposition(look: kind.rawValue, opposite: $0.rawValue) })
        }
        let source = inContext.map { DirectionSource(source: "in-context", images: $0.images) }
            ?? DirectionSource(source: "reference", images: DescriptorCalibration.referenceScenes + DescriptorCalibration.referenceTextures,
                               reason: reason)
        return MeasuredConcepts(mappings: mappings, perImage: measured, levelResponses: responses, source: source,
                                forms: forms, levelRanges: ranges, alternates: alternates, oppositions: oppositions)
    }

    /// Taking colour out is one direction whether a little or all of it goes: "muted colors"
    /// names it while more than a quarter of the colour is left, "black and white" from there on.
    /// (Muted colours at level ℓ take 0.7ℓ of the chroma, black and white ℓ.)
    static func levelRange(_ kind: Aspect.Kind) -> LevelRange? {
        let greyFrom = 0.75
        switch kind {
        case .blackAndWhite:
            return LevelRange(lower: greyFrom,
                              reason: String(format: "black and white leaves at most a quarter of the colour (level ≥ %.2f)", greyFrom))
        case .mutedColors:
            let upper = greyFrom / Double(Aspect.Canonical.mutedCompression)
            return LevelRange(upper: upper, reason: String(format: "muted colors leave more than a quarter of the colour (level ≤ %.2f)", upper))
        default:
            return nil
        }
    }

    static func unrepresentableReason(_ name: String) -> String {
        "the descriptor encoder only measures low-level image statistics and represents these concepts: "
            + representableConcepts.joined(separator: ", ")
            + "; use --encoder clip with a CLIP model for a concept like \"\(name)\""
    }
}
