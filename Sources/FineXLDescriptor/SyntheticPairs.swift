import FineXLCore
import Foundation

/// The in-memory base and personalized images of a `SyntheticSpec`, rendered on demand.
public struct SyntheticPairs: PairedImageSource {
    public let spec: SyntheticSpec

    public init(spec: SyntheticSpec) throws {
        try spec.validate()
        self.spec = spec
    }

    public var names: [String] { (0..<spec.count).map { Self.name($0) } }

    public var prompts: [String]? { (0..<spec.count).map { spec.prompt($0) } }

    public var description: String {
        let aspects = spec.aspects.map { "\($0.name)=\($0.level)" }.joined(separator: ", ")
        return "synthetic \(spec.base.rawValue) (\(spec.count) pairs, \(spec.size) px), "
            + "\(aspects.isEmpty ? "no aspects" : aspects), \(spec.variant.rawValue) renderings"
    }

    /// "0001", "0002", …
    static func name(_ index: Int) -> String {
        let digits = String(index + 1)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    public func image(_ side: PairSide, at index: Int) throws -> RGBImage {
        guard names.indices.contains(index) else {
            throw FineXLError("synthetic pair index \(index) is outside 0..<\(spec.count)")
        }
        switch side {
        case .base: return spec.baseImage(index)
        case .personal: return spec.personalImage(index)
        }
    }

    public func contentDigest(_ side: PairSide, at index: Int) throws -> String {
        // The base side does not depend on the aspects, so base embeddings are shared
        // between synthetic models with the same generator settings.
        var text = spec.canonicalText
        if side == .base {
            text = "\(DescriptorEncoder.version);synth-base;seed=\(spec.seed);size=\(spec.size);base=\(spec.base.rawValue)"
        }
        return SHA256.hex("\(text);side=\(side.rawValue);index=\(index)")
    }
}
