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
        /// Per concept, the weight of each of its columns: its direction, then its forms (the
        /// NNLS methods; a single entry otherwise). `weights` are their sums.
        package var parts: [[Double]]

        package static func == (a: Result, b: Result) -> Bool {
            a.weights == b.weights && a.used == b.used && a.relativeResidual == b.relativeResidual && a.parts == b.parts
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

    /// Decomposes `target` (V_div) over `directions` (f(C_i), in the filter's order). Under the
    /// NNLS methods `forms[i]`, when given, are more columns of concept i (`Concept.forms`): the
    /// concept is the cone they span with its direction, and its weight is their sum. The
    /// paper's method uses one direction per concept, as the paper does. `replaySteps: false`
    /// leaves the NNLS methods' `steps` empty (they only replay the fit for the report; the
    /// paper's greedy steps are its fit and are always made).
    package func decompose(_ target: [Double], over directions: [[Double]], forms: [[[Double]]] = [],
                           replaySteps: Bool = true) -> Result {
        switch method {
        case .paper:
            return greedyLeastSquares(target, directions)
        case .nnls, .whitenedNNLS:
            return nonNegative(target, directions, forms, replaySteps: replaySteps)
        }
    }

    /// Refits only the weights of the concepts `used`, as a bootstrap resample needs.
    package func refit(_ target: [Double], over directions: [[Double]], forms: [[[Double]]] = [], used: [Bool]) -> [Double] {
        refitParts(target, over: directions, forms: forms, used: used).map { $0.reduce(0, +) }
    }

    /// The weight of each column of each used concept (its direction, then its forms), 0 for the
    /// concepts not used.
    package func refitParts(_ target: [Double], over directions: [[Double]], forms: [[[Double]]] = [],
                            used: [Bool]) -> [[Double]] {
        var columns: [[Double]] = [], owner: [Int] = []
        for i in directions.indices where used[i] {
            for column in self.columns(of: i, directions, forms) {
                columns.append(column)
                owner.append(i)
            }
        }
        let sub: [Double]
        switch method {
        case .paper:
            sub = LeastSquares.solve(columns: columns, target: target)
        case .nnls:
            sub = LeastSquares.nonNegative(columns: columns, target: target)
        case .whitenedNNLS:
            sub = LeastSquares.nonNegative(columns: columns, target: target, metric: whitening)
        }
        var parts = directions.indices.map { [Double](repeating: 0, count: self.columns(of: $0, directions, forms).count) }
        var next = [Int](repeating: 0, count: directions.count)
        for (k, i) in owner.enumerated() {
            parts[i][next[i]] = sub[k]
            next[i] += 1
        }
        return parts
    }

    /// Concept i's columns: its direction, then (NNLS methods) its forms.
    private func columns(of i: Int, _ directions: [[Double]], _ forms: [[[Double]]]) -> [[Double]] {
        [directions[i]] + (method != .paper && i < forms.count ? forms[i] : [])
    }

    /// Each concept's part of the fit: its columns weighted by its `parts`.
    package func contributions(over directions: [[Double]], forms: [[[Double]]] = [], parts: [[Double]]) -> [[Double]] {
        directions.indices.map { i in
            Vector.combination(columns(of: i, directions, forms), weights: parts[i], dimension: directions[i].count)
        }
    }

    /// ‖target − Σ parts · columns‖ / ‖target‖ over each concept's direction and forms.
    package func relativeResidual(_ target: [Double], over directions: [[Double]], forms: [[[Double]]] = [],
                                  parts: [[Double]]) -> Double {
        LeastSquares.relativeResidual(columns: contributions(over: directions, forms: forms, parts: parts),
                                      weights: directions.map { _ in 1 }, target: target)
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
        return Result(weights: weights, used: used, relativeResidual: residual, steps: steps, parts: weights.map { [$0] })
    }

    /// NNLS over all kept concepts (and their forms); the steps replay the fit adding concepts by weight.
    private func nonNegative(_ target: [Double], _ directions: [[Double]], _ forms: [[[Double]]], replaySteps: Bool) -> Result {
        let all = [Bool](repeating: true, count: directions.count)
        let parts = refitParts(target, over: directions, forms: forms, used: all)
        let weights = parts.map { $0.reduce(0, +) }
        let used = weights.map { $0 > 0 }
        let order = directions.indices.filter { used[$0] }.sorted { weights[$0] > weights[$1] }
        var prefix = [Bool](repeating: false, count: directions.count)
        var steps: [(Int, Double)] = []
        for index in order where replaySteps {
            prefix[index] = true
            let partial = refitParts(target, over: directions, forms: forms, used: prefix)
            steps.append((index, relativeResidual(target, over: directions, forms: forms, parts: partial)))
        }
        let residual = relativeResidual(target, over: directions, forms: forms, parts: parts)
        return Result(weights: weights, used: used, relativeResidual: residual, steps: steps, parts: parts)
    }
}
