/// The decomposition methods `--method` selects.
package enum DecompositionMethod: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// The paper: greedy least squares, adding concepts until the residual < eDecomp (Eqs. 10–11).
    case paper
    /// Lawson–Hanson non-negative least squares over the kept set.
    case nnls
    /// NNLS after whitening the space by the pair-difference covariance (Mahalanobis metric).
    case whitenedNNLS = "whitened-nnls"

    /// The name `--method` and the JSON use.
    package var description: String { rawValue }
}

/// Knobs of one explanation run; defaults are the documented ones.
package struct ExplainOptions: Sendable, Equatable {
    package var method: DecompositionMethod
    /// Eq. 9: reject a candidate whose summed |cos| with the kept concepts is ≥ eOrtho.
    package var eOrtho: Double
    /// Eq. 11: stop adding concepts once the relative residual < eDecomp.
    package var eDecomp: Double
    package var bootstrapResamples: Int
    package var seed: UInt64

    /// Limits shared by the command line and notebooks.
    package static let eOrthoRange: ClosedRange<Double> = 0...100
    package static let eDecompRange: ClosedRange<Double> = 0...1
    package static let bootstrapRange: ClosedRange<Int> = 0...100_000

    package init(method: DecompositionMethod = .nnls, eOrtho: Double = 0.2, eDecomp: Double = 0.2,
                bootstrapResamples: Int = 200, seed: UInt64 = 0) {
        self.method = method
        self.eOrtho = eOrtho
        self.eDecomp = eDecomp
        self.bootstrapResamples = bootstrapResamples
        self.seed = seed
    }
}
