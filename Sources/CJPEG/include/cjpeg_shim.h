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

/// Asked with the image's declared size before any pixel memory is allocated. Returns 0 to decode
/// it, non-zero with a NUL-terminated reason written to `message` (CJPEG_MESSAGE_CAPACITY bytes).
typedef int (*cjpeg_size_check)(uint32_t width, uint32_t height, char *message);

/// `cjpeg_decode`'s status when `check` refused the image's size.
#define CJPEG_OVER_LIMIT 2

/// More scans than this are refused: real progressive files have about 10, and each scan costs a
/// pass over the whole image (10,000 empty scans took 92 s).
#define CJPEG_MAX_SCANS 1000

/// Decodes a whole JPEG (baseline or progressive; gray, YCbCr, RGB, CMYK or YCCK) held in memory.
/// libjpeg's fatal errors are caught with setjmp here; a file that ends early is an error rather
/// than a grey-padded picture, as is entropy-coded data cut short by a marker; other warnings are
/// dropped instead of printed. Returns 0 on success (free with `cjpeg_decoded_free`),
/// CJPEG_OVER_LIMIT when `check` refuses the size, other non-zero values on failure; failures come
/// with a reason in `message`.
int cjpeg_decode(const uint8_t *data, size_t size, cjpeg_size_check check,
                 cjpeg_decoded *result, char message[CJPEG_MESSAGE_CAPACITY]);

void cjpeg_decoded_free(cjpeg_decoded *result);

#endif
