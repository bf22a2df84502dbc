/// How a concept's fitted weight reads as a level of its rendering. A direction `f(C)` is one
/// slope, but responses bend (grain adds variance, tone curves saturate), so the weight a level
/// produces is measured at a few levels and a fitted weight is read back through that curve:
/// piecewise linear through (0, 0) and the measured points, the end segments extended.
package struct LevelResponse: Sendable, Equatable, Codable {
    /// Levels of the rendering, increasing, all > 0.
    package var levels: [Double]
    /// The mean weight each level produces (its response projected on f(C)).
    package var weights: [Double]

    package init(levels: [Double], weights: [Double]) {
        self.levels = levels
        self.weights = weights
    }

    /// The response of a direction measured at `levels`: each level's mean change projected on
    /// `direction`, in the direction's units (0 for a zero direction).
    package init(levels: [Double], meanChanges: [[Double]], on direction: [Double]) {
        let squaredNorm = Vector.dot(direction, direction)
        self.init(levels: levels, weights: meanChanges.map { squaredNorm > 0 ? Vector.dot($0, direction) / squaredNorm : 0 })
    }

    /// A curve is used only when more level gives more weight all along it.
    package var isMonotone: Bool {
        guard levels.count == weights.count, !levels.isEmpty else { return false }
        let w = [0] + weights, l = [0] + levels
        return zip(w, w.dropFirst()).allSatisfy { $0 < $1 } && zip(l, l.dropFirst()).allSatisfy { $0 < $1 }
    }

    /// The level whose response is `weight`; the weight itself when the curve is not monotone.
    package func level(forWeight weight: Double) -> Double {
        guard isMonotone else { return weight }
        let w = [0] + weights, l = [0] + levels
        var segment = w.count - 2
        for i in 0..<(w.count - 1) where weight <= w[i + 1] {
            segment = i
            break
        }
        let t = (weight - w[segment]) / (w[segment + 1] - w[segment])
        return l[segment] + t * (l[segment + 1] - l[segment])
    }
}
