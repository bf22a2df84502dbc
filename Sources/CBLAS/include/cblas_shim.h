#ifndef FINEXL_CBLAS_SHIM_H
#define FINEXL_CBLAS_SHIM_H

#include <stdint.h>

/// Which single-precision GEMM the shim found, loaded on first use.
typedef enum {
    FINEXL_SGEMM_ONEDNN = 1,
    FINEXL_SGEMM_OPENBLAS = 2,
    FINEXL_SGEMM_PORTABLE = 3,
} finexl_sgemm_backend;

/// Loads the fastest available library once (oneDNN, then OpenBLAS with its
/// core type pinned from CPUID, then a portable loop) and says which one won.
finexl_sgemm_backend finexl_sgemm_backend_load(void);

/// Row-major C = alpha * op(A) * op(B) + beta * C, op chosen by trans_a/trans_b
/// ('N' or 'T'). A is M x K after op, B is K x N after op.
void finexl_sgemm(char trans_a, char trans_b, int64_t m, int64_t n, int64_t k,
                  float alpha, const float *a, int64_t lda,
                  const float *b, int64_t ldb,
                  float beta, float *c, int64_t ldc);

#endif
