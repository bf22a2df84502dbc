#ifndef CJPEG_SHIM_H
#define CJPEG_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// Room for libjpeg's error text; longer messages are cut.
#define CJPEG_MESSAGE_CAPACITY 256

/// Asked with the image's declared size before any pixel memory is allocated. Returns 0 to decode
/// it, non-zero with a NUL-terminated reason written to `message` (CJPEG_MESSAGE_CAPACITY bytes).
typedef int (*cjpeg_size_check)(uint32_t width, uint32_t height, char *message);

/// `cjpeg_reader_open`'s status when `check` refused the image's size.
#define CJPEG_OVER_LIMIT 2

/// More scans than this are refused: real progressive files have about 10, and each scan costs a
/// pass over the whole image (10,000 empty scans took 92 s).
#define CJPEG_MAX_SCANS 1000

/// A JPEG (baseline or progressive; gray, YCbCr, RGB, CMYK or YCCK) being decoded row by row, top
/// to bottom, as 8-bit interleaved R, G, B (grayscale expanded, CMYK/YCCK converted); opaque.
typedef struct cjpeg_reader cjpeg_reader;

/// Reads the header of the JPEG in `data` (which must stay valid until the reader is freed) and
/// starts decoding. libjpeg's fatal errors are caught with setjmp in this call and the two below; a
/// file that ends early, or whose entropy-coded data a marker cuts short, is an error rather than
/// a grey-padded picture; other warnings are dropped instead of printed. Returns 0 on success
/// (free with `cjpeg_reader_free`), CJPEG_OVER_LIMIT when `check` refuses the size, other non-zero
/// values on failure; failures come with a reason in `message`.
int cjpeg_reader_open(const uint8_t *data, size_t size, cjpeg_size_check check, cjpeg_reader **reader,
                      uint32_t *width, uint32_t *height, char message[CJPEG_MESSAGE_CAPACITY]);

/// Decodes the next `count` rows into `rgb8` (`count` rows of width * 3 bytes). Returns 0 on
/// success, non-zero with a reason in `message` (the reader is then only to be freed).
int cjpeg_reader_read_rows(cjpeg_reader *reader, uint8_t *rgb8, uint32_t count,
                           char message[CJPEG_MESSAGE_CAPACITY]);

/// After the last row: reads to the end of the image. Returns 0 on success, non-zero with a reason.
int cjpeg_reader_finish(cjpeg_reader *reader, char message[CJPEG_MESSAGE_CAPACITY]);

void cjpeg_reader_free(cjpeg_reader *reader);

#endif
