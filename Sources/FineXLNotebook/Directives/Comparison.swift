import FineXLCore
import FineXLSupport

/// The result of a `compare` directive: each personalized model's explanation against the
/// same base, and, when a target was stated, how far each model is from it.
struct Comparison: Codable, Sendable {
    struct Model: Codable, Sendable {
        var name: String
        var explanation: Explanation
        /// Distance to the target (lower matches better); nil without a target.
        var score: Double?
    }

    var models: [Model]
    var target: [TargetLevel]

    /// The model closest to the target; nil when no model has a finite distance to it.
    var best: Model? {
        models.filter { $0.score?.isFinite ?? false }.min { $0.score! < $1.score! }
    }

    /// The target level wanted for one concept.
    struct TargetLevel: Codable, Sendable, Equatable {
        enum Level: Codable, Sendable, Equatable {
            /// The largest weight any compared model gives the concept.
            case high
            /// The smallest weight any compared model gives the concept.
            case low
            /// Absent: weight 0.
            case none
            case value(Double)

            var written: String {
                switch self {
                case .high: return "high"
                case .low: return "low"
                case .none: return "none"
                case .value(let value): return NotebookFormat.number(value)
                }
            }
        }

        var concept: String
        var level: Level
    }

    /// Reads `target: {warm tones: high, film grain: low, sepia: none, vignette: 0.3}`.
    static func target(from mapping: YAMLValue) throws -> [TargetLevel] {
        guard let entries = mapping.entries, !entries.isEmpty else {
            throw FineXLError("`target` maps concepts to high, low, none or a number", line: mapping.line)
        }
        return try entries.map { entry in
            let level: TargetLevel.Level
            if let number = entry.value.number {
                guard number.isFinite else {
                    throw FineXLError("target level of `\(entry.key)` must be a finite number, got `\(entry.value.shortDescription)`",
                                      line: entry.value.line)
                }
                level = .value(number)
            } else {
                switch entry.value.scalarText?.lowercased() {
                case "high": level = .high
                case "low": level = .low
                case "none", "no", "off": level = .none
                default:
                    throw FineXLError("target level of `\(entry.key)` is high, low, none or a number, "
                                           + "got `\(entry.value.shortDescription)`", line: entry.value.line)
                }
            }
            return TargetLevel(concept: entry.key, level: level)
        }
    }

    /// The score of each model: the root-mean-square gap between its weights and the target
    /// over the target's concepts (a concept a model did not keep weighs 0). `high` and `low`
    /// are relative to the models compared — the largest and the smallest weight any of them
    /// gives that concept — so the score needs no knowledge of an encoder's weight scale.
    static func scores(weights: [[String: Double]], target: [TargetLevel]) -> [Double] {
        guard !target.isEmpty else { return weights.map { _ in .nan } }
        var wanted: [Double] = []
        for entry in target {
            let column = weights.map { $0[entry.concept] ?? 0 }
            switch entry.level {
            case .high: wanted.append(column.max() ?? 0)
            case .low: wanted.append(column.min() ?? 0)
            case .none: wanted.append(0)
            case .value(let value): wanted.append(value)
            }
        }
        return weights.map { model in
            let squares = zip(target, wanted).map { entry, goal in
                let gap = (model[entry.concept] ?? 0) - goal
                return gap * gap
            }
            return (squares.reduce(0, +) / Double(squares.count)).squareRoot()
        }
    }
}
