import FineXLCore
import FineXLSupport
import Foundation

/// A synthetic personalized model: known aspects at known levels applied to a procedural
/// base generator, so the explanation can be scored against the truth.
package struct SyntheticSpec: Sendable, Equatable {
    package enum BaseKind: String, Sendable, CaseIterable, Codable {
        case scenes
        case textures
    }

    /// One planted aspect and its level (0–1, 1 = canonical strength).
    package struct AspectLevel: Sendable, Equatable {
        package var name: String
        package var level: Double

        package init(name: String, level: Double) {
            self.name = name
            self.level = level
        }
    }

    package typealias Variant = Aspect.Variant

    package var aspects: [AspectLevel]
    package var count: Int
    package var seed: UInt64
    package var size: Int
    package var baseKind: BaseKind
    /// Image sides a synthetic model can be rendered at.
    package static let sizes = 32...4096
    package var variant: Variant

    package init(aspects: [(name: String, level: Double)], count: Int = 24, seed: UInt64 = 1, size: Int = 256,
                baseKind: BaseKind = .scenes, variant: Variant = .canonical) {
        self.aspects = aspects.map { AspectLevel(name: $0.name, level: $0.level) }
        self.count = count
        self.seed = seed
        self.size = size
        self.baseKind = baseKind
        self.variant = variant
    }

    /// Parses `"warm tones=0.6, film grain=0.3"`; names may be synonyms ("grainy=0.3").
    package static func parseAspects(_ text: String) throws -> [(name: String, level: Double)] {
        var result: [(name: String, level: Double)] = []
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else {
            throw FineXLError("--aspects is empty; expected e.g. \"warm tones=0.6,film grain=0.3\"")
        }
        for item in items {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw FineXLError("aspect \"\(item)\" must be NAME=LEVEL, e.g. \"warm tones=0.6\"")
            }
            let rawName = parts[0].trimmingCharacters(in: .whitespaces)
            let rawLevel = parts[1].trimmingCharacters(in: .whitespaces)
            guard let kind = DescriptorVocabulary.kind(for: rawName) else {
                throw FineXLError("unknown aspect \"\(rawName)\"; known aspects: "
                                  + Aspect.all.map(\.name).joined(separator: ", "))
            }
            guard let level = Double(rawLevel), level.isFinite else {
                throw FineXLError("level \"\(rawLevel)\" of aspect \"\(rawName)\" is not a number")
            }
            guard (0...1).contains(level) else {
                throw FineXLError("level \(rawLevel) of aspect \"\(rawName)\" is outside 0–1")
            }
            guard !result.contains(where: { $0.name == kind.rawValue }) else {
                throw FineXLError("aspect \"\(kind.rawValue)\" is given twice")
            }
            result.append((name: kind.rawValue, level: level))
        }
        return result
    }

    /// Checks names, levels, count and size; the message names the value at fault.
    package func validate() throws {
        for aspect in aspects {
            guard Aspect.named(aspect.name) != nil else {
                throw FineXLError("unknown aspect \"\(aspect.name)\"; known aspects: "
                                  + Aspect.all.map(\.name).joined(separator: ", "))
            }
            guard (0...1).contains(aspect.level) else {
                throw FineXLError("level \(aspect.level) of aspect \"\(aspect.name)\" is outside 0–1")
            }
        }
        guard count >= 1, count <= 10_000 else { throw FineXLError("pair count \(count) must be between 1 and 10000") }
        guard Self.sizes.contains(size) else {
            throw FineXLError("image size \(size) must be between \(Self.sizes.lowerBound) and \(Self.sizes.upperBound) px")
        }
    }

    /// The seed of pair `index` (0-based): what the base generator samples with.
    package func pairSeed(_ index: Int) -> UInt64 { seed &+ UInt64(index) }

    /// The prompt of pair `index`.
    package func prompt(_ index: Int) -> String {
        switch baseKind {
        case .scenes: SceneGenerator.prompt(seed: pairSeed(index))
        case .textures: TextureGenerator.prompt(seed: pairSeed(index))
        }
    }

    /// A canonical text of everything that determines the images.
    var canonicalText: String {
        let aspectText = aspects.map { "\($0.name)=\($0.level)" }.joined(separator: ",")
        return "\(DescriptorEncoder.version);synth;aspects=\(aspectText);count=\(count);seed=\(seed);size=\(size);"
            + "base=\(baseKind.rawValue);variant=\(variant.rawValue)"
    }

    /// The base generator's picture of pair `index` before 8-bit rounding. Personalization is
    /// applied to this, as a personalized generator renders its own picture: applying it to
    /// the rounded base would stretch 8-bit steps into gaps no generator leaves.
    package func render(_ index: Int) -> RGBImage {
        let s = pairSeed(index)
        return switch baseKind {
        case .scenes: SceneGenerator().render(prompt: prompt(index), seed: s, width: size, height: size)
        case .textures: TextureGenerator().render(prompt: prompt(index), seed: s, width: size, height: size)
        }
    }

    /// The base image of pair `index`, as an 8-bit PNG would hold it.
    package func baseImage(_ index: Int) -> RGBImage {
        ImageFilters.quantized8(render(index))
    }

    /// The personalized image of pair `index`: its render with every aspect applied, in 8 bits.
    package func personalImage(_ index: Int) -> RGBImage {
        Self.personalize(render(index), aspects: aspects.map { ($0.name, $0.level) }, variant: variant,
                         seed: pairSeed(index))
    }

    /// Applies aspects in their processing order (optics, tone, colour, grain, quantization)
    /// and rounds to 8 bits.
    package static func personalize(_ image: RGBImage, aspects: [(name: String, level: Double)], variant: Variant,
                                   seed: UInt64) -> RGBImage {
        let ordered = aspects.compactMap { a in Aspect.named(a.name).map { ($0, a.level) } }
            .sorted { $0.0.processingOrder < $1.0.processingOrder }
        var out = image
        for (aspect, level) in ordered {
            out = aspect.apply(to: out, level: level, variant: variant, seed: seed &* 31 &+ 5)
        }
        return ImageFilters.quantized8(out)
    }
}

extension SyntheticSpec.BaseKind {
    /// From a command-line word; the message lists the choices.
    package init(parsing text: String) throws {
        guard let kind = Self(rawValue: text.lowercased().trimmingCharacters(in: .whitespaces)) else {
            throw FineXLError("unknown base \"\(text)\"; use \(Self.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        self = kind
    }
}

extension Aspect.Variant {
    /// From a command-line word; the message lists the choices.
    package init(parsing text: String) throws {
        guard let variant = Self(rawValue: text.lowercased().trimmingCharacters(in: .whitespaces)) else {
            throw FineXLError("unknown variant \"\(text)\"; use \(Self.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        self = variant
    }
}
