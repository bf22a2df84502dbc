#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// Room for libpng's error text; longer messages are cut.
#define CPNG_MESSAGE_CAPACITY 256

/// A decoded PNG: `width * height` pixels of R, G, B, A. Every PNG kind (gray, palette, 1…16 bit,
/// with or without alpha or tRNS) arrives in one of two forms: 16-bit files as `rgba16` (host byte
/// order, `rgba8` NULL), all others as `rgba8` (`rgba16` NULL), so 8-bit files skip a widening pass.
typedef struct {
    uint32_t width;
    uint32_t height;
    uint16_t *rgba16;
    uint8_t *rgba8;
} cpng_decoded;

/// Decodes a whole PNG held in memory. libpng's setjmp/longjmp error handling stays inside this
/// call; warnings are discarded. Returns 0 on success (free the result with `cpng_decoded_free`),
/// non-zero on failure with a NUL-terminated reason in `message`.
int cpng_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                cpng_decoded *result, char message[CPNG_MESSAGE_CAPACITY]);

void cpng_decoded_free(cpng_decoded *result);

/// An encoded PNG in a malloc'd buffer.
typedef struct {
    uint8_t *bytes;
    size_t count;
} cpng_encoded;

/// Encodes 8-bit interleaved pixels (`channels` 3 = RGB, 4 = RGBA), rows top to bottom, with no
/// time or text chunks so equal pixels give equal bytes. Returns 0 on success (free the result with
/// `cpng_encoded_free`), non-zero on failure with a reason in `message`.
int cpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                cpng_encoded *result, char message[CPNG_MESSAGE_CAPACITY]);

void cpng_encoded_free(cpng_encoded *result);

#endif
