// Shared by the two halves of the CPNG shim: cpng_libpng.c (libpng: the reader for every PNG, the
// writer) and cpng_libdeflate.c (the fast path that inflates well-formed common files whole with
// libdeflate). Not part of the module's interface; only PNGCodec.swift calls the shim.
#ifndef CPNG_INTERNAL_H
#define CPNG_INTERNAL_H

#include "cpng_shim.h"

#include <png.h>
#include <setjmp.h>

typedef struct {
    jmp_buf jump;
    char *message;
} cpng_failure;

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} cpng_input;

// Everything a reader needs lives here, on the heap, so nothing changed between a setjmp and its
// longjmp sits in a register of the function that called setjmp.
struct cpng_reader {
    png_structp png;
    png_infop info;
    cpng_failure failure;
    cpng_input input;
    size_t row_bytes;
    uint32_t height;
    uint32_t next_row;
    int failed;
    // Interlaced files only: libpng needs the whole image to put the passes together.
    uint8_t *image;
    png_bytep *image_rows;
    // Whole-buffer files only (see cpng_whole_open): the file's rows, each after its filter byte,
    // unfiltered in place as they are read; the row before the first is zeros.
    uint8_t *filtered;
    uint8_t *zero_row;
    size_t file_row_bytes;
    int file_channels;
    int sample_bytes;
};

// Returns 1 with the image inflated into reader->filtered and `layout` filled, or 0 (nothing kept)
// for libpng to decode the file from its start. `check` is asked about the declared size first.
int cpng_whole_open(cpng_reader *reader, const uint8_t *data, size_t size, cpng_size_check check,
                    cpng_layout *layout);

// The next row of a whole-buffer reader, unfiltered, in the layout libpng's path gives.
void cpng_whole_row(cpng_reader *reader, uint8_t *out);

#endif
