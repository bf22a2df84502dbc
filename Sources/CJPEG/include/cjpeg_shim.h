#ifndef CJPEG_SHIM_H
#define CJPEG_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// Room for libjpeg's error text; longer messages are cut.
#define CJPEG_MESSAGE_CAPACITY 256

/// A decoded JPEG as 8-bit interleaved R, G, B; grayscale is expanded and CMYK/YCCK converted.
typedef struct {
    uint32_t width;
    uint32_t height;
    uint8_t *rgb8;
} cjpeg_decoded;

/// Decodes a whole JPEG (baseline or progressive; gray, YCbCr, RGB, CMYK or YCCK) held in memory.
/// libjpeg's fatal errors are caught with setjmp here; a file that ends early is an error rather
/// than a grey-padded picture; other warnings are dropped instead of printed. Returns 0 on success
/// (free with `cjpeg_decoded_free`), non-zero on failure with a reason in `message`.
int cjpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                 cjpeg_decoded *result, char message[CJPEG_MESSAGE_CAPACITY]);

void cjpeg_decoded_free(cjpeg_decoded *result);

#endif
