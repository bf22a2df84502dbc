#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// Room for libpng's error text; longer messages are cut.
#define CPNG_MESSAGE_CAPACITY 256

/// Asked with an image's declared size before any pixel memory is allocated (`interlaced` 1 for an
/// interlaced PNG, which is held whole while its passes arrive). Returns 0 to decode it, non-zero
/// with a NUL-terminated reason written to `message` (CPNG_MESSAGE_CAPACITY bytes) to refuse it.
typedef int (*cpng_size_check)(uint32_t width, uint32_t height, int interlaced, char *message);

/// `cpng_reader_open`'s status when `check` refused the image's size.
#define CPNG_OVER_LIMIT 2

/// A PNG being decoded row by row, top to bottom; opaque to callers.
typedef struct cpng_reader cpng_reader;

/// The rows a reader gives: `width` pixels of R, G, B (`channels` 3) or R, G, B, A (`channels` 4,
/// when the file has alpha as a channel or tRNS). Every PNG kind (gray, palette, 1…16 bit, interlaced
/// or not) arrives in one of these: 16-bit files as 16-bit samples in host byte order (`wide` 1),
/// all others as 8-bit samples.
typedef struct {
    uint32_t width;
    uint32_t height;
    int channels;
    int wide;
    /// 1 when the file was inflated whole at once, 0 when libpng decodes its rows.
    int whole_buffer;
} cpng_layout;

/// Reads a PNG's header from `data`, which must stay valid until the reader is freed. With
/// `whole_buffer` non-zero a well-formed file of a common kind is checked and inflated whole at
/// once (faster); any other file, or with `whole_buffer` 0 every file, is decoded by libpng row by
/// row. libpng's setjmp/longjmp error handling stays inside this call and the two below; warnings
/// are discarded. Returns 0 on success (free the reader with `cpng_reader_free`), CPNG_OVER_LIMIT
/// when `check` refuses the declared size, other non-zero values on failure; failures
/// come with a NUL-terminated reason in `message`.
int cpng_reader_open(const uint8_t *data, size_t size, cpng_size_check check, int whole_buffer,
                     cpng_reader **reader, cpng_layout *layout, char message[CPNG_MESSAGE_CAPACITY]);

/// Decodes the next `count` rows into `rows` (`count` rows of width * channels samples each).
/// Returns 0 on success, non-zero with a reason in `message` (the reader is then only to be freed).
int cpng_reader_read_rows(cpng_reader *reader, void *rows, uint32_t count,
                          char message[CPNG_MESSAGE_CAPACITY]);

/// After the last row: reads to the end of the file, so a file cut after its pixel data is an error
/// too. Returns 0 on success, non-zero with a reason in `message`.
int cpng_reader_finish(cpng_reader *reader, char message[CPNG_MESSAGE_CAPACITY]);

void cpng_reader_free(cpng_reader *reader);

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
