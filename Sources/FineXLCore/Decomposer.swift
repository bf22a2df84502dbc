/// Solves `V_div ≈ Σ w_i f(C_i)` over the concepts the orthogonality filter kept.
package struct Decomposer: Sendable {
    package struct Result: Sendable, Equatable {
        /// One weight per concept given, 0 for concepts the method did not use.
        package var weights: [Double]
        /// Which concepts the method used (the paper's greedy loop may stop early).
        package var used: [Bool]
        /// ‖V_div − Σ w_i f(C_i)‖ / ‖V_div‖, in the embedding's own metric.
        package var relativeResidual: Double
        /// Residual after each concept was added, in the order they were added.
        package var steps: [(index: Int, relativeResidual: Double)]

        package static func == (a: Result, b: Result) -> Bool {
            a.weights == b.weights && a.used == b.used && a.relativeResidual == b.relativeResidual
                && a.steps.map(\.index) == b.steps.map(\.index)
                && a.steps.map(\.relativeResidual) == b.steps.map(\.relativeResidual)
        }
    }

    package var method: DecompositionMethod
    package var eDecomp: Double
    /// Only for `.whitenedNNLS`.
    package var whitening: Whitening?

    package init(method: DecompositionMethod, eDecomp: Double, whitening: Whitening? = nil) {
        self.method = method
        self.eDecomp = eDecomp
        self.whitening = whitening
    }

    /// Decomposes `target` (V_div) over `directions` (f(C_i), in the filter's order).
    package func decompose(_ target: [Double], over directions: [[Double]]) -> Result {
        switch method {
        case .paper:
            return greedyLeastSquares(target, directions)
        case .nnls:
            return nonNegative(target, directions, metric: nil)
        case .whitenedNNLS:
            return nonNegative(target, directions, metric: whitening)
        }
    }

    /// Refits only the weights of the concepts `used`, as a bootstrap resample needs.
    package func refit(_ target: [Double], over directions: [[Double]], used: [Bool]) -> [Double] {
        let indices = directions.indices.filter { used[$0] }
        let columns = indices.map { directions[$0] }
        let sub: [Double]
        switch method {
        case .paper:
            sub = LeastSquares.solve(columns: columns, target: target)
        case .nnls:
            sub = LeastSquares.nonNegative(columns: columns, target: target)
        case .whitenedNNLS:
            let w = whitening
            sub = LeastSquares.nonNegative(columns: columns.map { w?.apply($0) ?? $0 },
                                           target: w?.apply(target) ?? target)
        }
        var weights = [Double](repeating: 0, count: directions.count)
        for (i, j) in indices.enumerated() { weights[j] = sub[i] }
        return weights
    }

    /// Eqs. 10–11: add concepts one by one, refit unconstrained least squares after
    /// each, stop once the relative residual falls under eDecomp.
    private func greedyLeastSquares(_ target: [Double], _ directions: [[Double]]) -> Result {
        var used = [Bool](repeating: false, count: directions.count)
        var weights = [Double](repeating: 0, count: directions.count)
        var steps: [(Int, Double)] = []
        var residual = 1.0
        for index in directions.indices {
            if residual < eDecomp { break }
            used[index] = true
            weights = refit(target, over: directions, used: used)
            residual = LeastSquares.relativeResidual(columns: directions, weights: weights, target: target)
            steps.append((index, residual))
        }
        return Result(weights: weights, used: used, relativeResidual: residual, steps: steps)
    }

    /// NNLS over all kept concepts; the steps replay the fit adding concepts by weight.
    private func nonNegative(_ target: [Double], _ directions: [[Double]], metric: Whitening?) -> Result {
        let all = [Bool](repeating: true, count: directions.count)
        let weights = refit(target, over: directions, used: all)
        let used = weights.map { $0 > 0 }
        let order = directions.indices.filter { used[$0] }.sorted { weights[$0] > weights[$1] }
        var prefix = [Bool](repeating: false, count: directions.count)
        var steps: [(Int, Double)] = []
        for index in order {
            prefix[index] = true
            let partial = refit(target, over: directions, used: prefix)
            steps.append((index, LeastSquares.relativeResidual(columns: directions, weights: partial, target: target)))
        }
        let residual = LeastSquares.relativeResidual(columns: directions, weights: weights, target: target)
        return Result(weights: weights, used: used, relativeResidual: residual, steps: steps)
    }
}
