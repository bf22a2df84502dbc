import CBLAS

/// The one door to the C shim in `Sources/CBLAS`, which picks oneDNN's
/// `dnnl_sgemm`, else OpenBLAS (with its core type pinned), else a portable loop.
package enum BLAS {
    /// Which library does the matrix products in this process.
    package static var backendName: String {
        switch finexl_sgemm_backend_load() {
        case FINEXL_SGEMM_ONEDNN: return "oneDNN dnnl_sgemm"
        case FINEXL_SGEMM_OPENBLAS: return "OpenBLAS cblas_sgemm"
        default: return "portable C loop"
        }
    }

    /// Row-major `C = alpha·op(A)·op(B) + beta·C`, `op(A)` m×k, `op(B)` k×n.
    /// The corresponding C function is `finexl_sgemm`.
    @inline(__always)
    package static func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                      alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        finexl_sgemm(CChar(UInt8(ascii: transposeA ? "T" : "N")), CChar(UInt8(ascii: transposeB ? "T" : "N")),
                     Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
    }
}
