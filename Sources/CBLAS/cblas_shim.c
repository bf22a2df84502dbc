// Finds a tuned sgemm at run time so that the program is fast on a fresh
// machine without the user setting anything. Debian's OpenBLAS misdetects some
// recent CPUs and falls back to a slow generic kernel unless OPENBLAS_CORETYPE
// is set before the library loads, so it is dlopen'ed only after setenv; oneDNN
// needs no such help and is preferred.
#define _GNU_SOURCE
#include "cblas_shim.h"

#include <cpuid.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef int (*dnnl_sgemm_fn)(char, char, int64_t, int64_t, int64_t, float,
                             const float *, int64_t, const float *, int64_t,
                             float, float *, int64_t);
typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float,
                               const float *, int, const float *, int,
                               float, float *, int);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static finexl_sgemm_backend backend = FINEXL_SGEMM_PORTABLE;
static dnnl_sgemm_fn dnnl_sgemm_ptr = NULL;
static cblas_sgemm_fn cblas_sgemm_ptr = NULL;

static void *open_first(const char *const *names) {
    for (const char *const *name = names; *name != NULL; ++name) {
        void *handle = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) return handle;
    }
    return NULL;
}

static const char *openblas_core_type(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return NULL;
    if (ebx & (1u << 16)) return "SkylakeX";  // AVX-512F
    if (ebx & (1u << 5)) return "Haswell";    // AVX2
    return NULL;
}

static void load_backend(void) {
    // Between products the Swift side runs its own threads; OpenMP workers
    // spinning in the meantime would take their cores (a user's choice wins).
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    // FINEXL_SGEMM=openblas or =portable skips the faster choices (for tests and comparisons).
    const char *forced = getenv("FINEXL_SGEMM");
    if (forced != NULL && forced[0] == 0) forced = NULL;
    int allow_dnnl = forced == NULL || strcmp(forced, "onednn") == 0;
    int allow_openblas = forced == NULL || strcmp(forced, "portable") != 0;
    static const char *const dnnl_names[] = {"libdnnl.so.3", "libdnnl.so.2", "libdnnl.so", NULL};
    void *dnnl = allow_dnnl ? open_first(dnnl_names) : NULL;
    if (dnnl != NULL) {
        dnnl_sgemm_ptr = (dnnl_sgemm_fn)dlsym(dnnl, "dnnl_sgemm");
        if (dnnl_sgemm_ptr != NULL) {
            backend = FINEXL_SGEMM_ONEDNN;
            return;
        }
    }
    const char *core = openblas_core_type();
    // A user's own choice wins (overwrite = 0).
    if (core != NULL) setenv("OPENBLAS_CORETYPE", core, 0);
    static const char *const openblas_names[] = {"libopenblas.so.0", "libopenblas.so", NULL};
    void *openblas = allow_openblas ? open_first(openblas_names) : NULL;
    if (openblas != NULL) {
        cblas_sgemm_ptr = (cblas_sgemm_fn)dlsym(openblas, "cblas_sgemm");
        if (cblas_sgemm_ptr != NULL) {
            backend = FINEXL_SGEMM_OPENBLAS;
            return;
        }
    }
    backend = FINEXL_SGEMM_PORTABLE;
}

finexl_sgemm_backend finexl_sgemm_backend_load(void) {
    pthread_once(&load_once, load_backend);
    return backend;
}

// Used only where neither library is installed: correct, cache-friendly
// (i-k-j order so the inner loop streams rows), single-threaded.
static void portable_sgemm(char trans_a, char trans_b, int64_t m, int64_t n, int64_t k,
                           float alpha, const float *a, int64_t lda,
                           const float *b, int64_t ldb,
                           float beta, float *c, int64_t ldc) {
    float *row = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
    for (int64_t i = 0; i < m; ++i) {
        memset(row, 0, sizeof(float) * (size_t)n);
        for (int64_t p = 0; p < k; ++p) {
            float av = trans_a == 'T' ? a[p * lda + i] : a[i * lda + p];
            if (av == 0.0f) continue;
            if (trans_b == 'T') {
                for (int64_t j = 0; j < n; ++j) row[j] += av * b[j * ldb + p];
            } else {
                const float *brow = b + p * ldb;
                for (int64_t j = 0; j < n; ++j) row[j] += av * brow[j];
            }
        }
        float *crow = c + i * ldc;
        for (int64_t j = 0; j < n; ++j) {
            crow[j] = alpha * row[j] + (beta == 0.0f ? 0.0f : beta * crow[j]);
        }
    }
    free(row);
}

void finexl_sgemm(char trans_a, char trans_b, int64_t m, int64_t n, int64_t k,
                  float alpha, const float *a, int64_t lda,
                  const float *b, int64_t ldb,
                  float beta, float *c, int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    switch (finexl_sgemm_backend_load()) {
    case FINEXL_SGEMM_ONEDNN:
        dnnl_sgemm_ptr(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    case FINEXL_SGEMM_OPENBLAS: {
        enum { row_major = 101, no_trans = 111, trans = 112 };
        cblas_sgemm_ptr(row_major, trans_a == 'T' ? trans : no_trans, trans_b == 'T' ? trans : no_trans,
                        (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
        return;
    }
    case FINEXL_SGEMM_PORTABLE:
        portable_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
}
