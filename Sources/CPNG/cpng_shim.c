// libpng reports errors by longjmp; Swift frames must never be jumped over, so every libpng call
// runs inside the functions below, each with its own setjmp, and failures come back as values.
#include "cpng_shim.h"

#include <libdeflate.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    jmp_buf jump;
    char *message;
} cpng_failure;

static void cpng_error(png_structp png, png_const_charp text) {
    cpng_failure *failure = (cpng_failure *)png_get_error_ptr(png);
    snprintf(failure->message, CPNG_MESSAGE_CAPACITY, "%s", text);
    longjmp(failure->jump, 1);
}

// Warnings (bad CRC in an ancillary chunk, unknown sRGB profile…) do not stop decoding and must not
// reach stderr.
static void cpng_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} cpng_input;

static void cpng_read(png_structp png, png_bytep out, size_t count) {
    cpng_input *input = (cpng_input *)png_get_io_ptr(png);
    if (count > input->size - input->offset) {
        char text[160];
        snprintf(text, sizeof text, "truncated: needs %zu more bytes at offset %zu but the file has %zu bytes",
                 count, input->offset, input->size);
        png_error(png, text);
    }
    memcpy(out, input->data + input->offset, count);
    input->offset += count;
}

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

void cpng_reader_free(cpng_reader *reader) {
    if (reader == NULL) return;
    png_destroy_read_struct(&reader->png, &reader->info, NULL);
    free(reader->image);
    free(reader->image_rows);
    free(reader->filtered);
    free(reader->zero_row);
    free(reader);
}

// MARK: - Whole-buffer path
//
// libpng inflates with zlib one row per call and unfilters byte by byte; that was most of the time
// spent on a large PNG. Well-formed files of the common kinds (8- or 16-bit gray, gray+alpha, RGB
// or RGBA; not interlaced; no palette or tRNS) are instead checked here chunk by chunk (every CRC,
// chunk names and order, IEND) and inflated in one call by libdeflate, which checks the zlib
// header, the stream's end and its Adler-32; then every row's filter type is checked. The first
// thing that is not exactly as expected hands the file to libpng from its start, so a damaged or
// unusual file gets libpng's answer: its pixels or its error.

// libpng's defaults: widths and heights up to a million, chunks other than IDAT up to 8 MB.
#define CPNG_SIDE_LIMIT 1000000u
#define CPNG_CHUNK_LIMIT 8000000u
// Larger images take libpng's path, which holds a few rows rather than the whole inflated image.
#define CPNG_WHOLE_LIMIT ((size_t)64 << 20)

static uint32_t cpng_be32(const uint8_t *bytes) {
    return ((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) | ((uint32_t)bytes[2] << 8) | bytes[3];
}

// The chunk at `chunk` (length, type, data, CRC) has the CRC of its type and data.
static int cpng_crc_matches(const uint8_t *chunk, uint32_t length) {
    return libdeflate_crc32(0, chunk + 4, (size_t)length + 4) == cpng_be32(chunk + 8 + length);
}

static int cpng_is_type(const uint8_t *chunk, const char *type) { return memcmp(chunk + 4, type, 4) == 0; }

// Walks the chunks after IHDR up to IEND. Returns 1 when every one is as expected, with where the
// IDAT data lies: the one IDAT chunk's data in place, or all of it copied together into `*joined`.
static int cpng_whole_chunks(const uint8_t *data, size_t size, size_t at, size_t idatLimit,
                             const uint8_t **idat, size_t *idatSize, uint8_t **joined) {
    size_t firstIDAT = 0, idatChunks = 0, total = 0;
    int afterIDAT = 0;
    for (;;) {
        if (size - at < 12) return 0;
        const uint8_t *chunk = data + at;
        uint32_t length = cpng_be32(chunk);
        int isIDAT = cpng_is_type(chunk, "IDAT");
        if (length > size - at - 12 || length > (isIDAT ? idatLimit : CPNG_CHUNK_LIMIT)) return 0;
        for (int i = 4; i < 8; i++) {
            uint8_t letter = chunk[i] & (uint8_t)~0x20;
            if (letter < 'A' || letter > 'Z') return 0;
        }
        if (!cpng_crc_matches(chunk, length)) return 0;
        if (isIDAT) {
            if (afterIDAT) return 0;
            if (idatChunks++ == 0) firstIDAT = at;
            total += length;
        } else if (cpng_is_type(chunk, "IEND")) {
            if (length != 0 || idatChunks == 0) return 0;
            break;
        } else if (!(chunk[4] & 0x20) || cpng_is_type(chunk, "tRNS")) {
            return 0;  // PLTE or an unknown critical chunk; transparency is libpng's to apply
        } else {
            afterIDAT = idatChunks > 0;  // other ancillary chunks do not change the pixels
        }
        at += 12 + (size_t)length;
    }
    if (idatChunks == 1) {
        *idat = data + firstIDAT + 8;
        *idatSize = total;
        return 1;
    }
    uint8_t *all = malloc(total ? total : 1);
    if (all == NULL) return 0;
    size_t filled = 0;
    for (at = firstIDAT; filled < total; ) {
        uint32_t length = cpng_be32(data + at);
        memcpy(all + filled, data + at + 8, length);
        filled += length;
        at += 12 + (size_t)length;
    }
    *joined = all;
    *idat = all;
    *idatSize = total;
    return 1;
}

// Returns 1 with the image inflated into reader->filtered, or 0 (nothing kept) for libpng to decode.
static int cpng_whole_open(cpng_reader *reader, const uint8_t *data, size_t size, cpng_size_check check,
                           cpng_layout *layout) {
    size_t at = 8;
    char scratch[CPNG_MESSAGE_CAPACITY];
    if (size - at < 8 + 13 + 4 || cpng_be32(data + at) != 13 || !cpng_is_type(data + at, "IHDR")
        || !cpng_crc_matches(data + at, 13)) {
        return 0;
    }
    const uint8_t *header = data + at + 8;
    uint32_t width = cpng_be32(header), height = cpng_be32(header + 4);
    int depth = header[8], colorType = header[9];
    int channels = colorType == PNG_COLOR_TYPE_GRAY ? 1
        : colorType == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
        : colorType == PNG_COLOR_TYPE_RGB ? 3
        : colorType == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 0;
    if (channels == 0 || (depth != 8 && depth != 16) || header[10] != 0 || header[11] != 0 || header[12] != 0
        || width == 0 || height == 0 || width > CPNG_SIDE_LIMIT || height > CPNG_SIDE_LIMIT
        || check(width, height, 0, scratch) != 0) {
        return 0;
    }
    size_t sampleBytes = (size_t)depth / 8;
    size_t rowBytes = (size_t)width * channels * sampleBytes;
    size_t filteredSize = (rowBytes + 1) * height;
    if (filteredSize > CPNG_WHOLE_LIMIT) return 0;

    const uint8_t *idat = NULL;
    size_t idatSize = 0;
    uint8_t *joined = NULL;
    size_t idatLimit = filteredSize > CPNG_CHUNK_LIMIT ? filteredSize : CPNG_CHUNK_LIMIT;
    if (!cpng_whole_chunks(data, size, at + 8 + 13 + 4, idatLimit, &idat, &idatSize, &joined)) return 0;

    uint8_t *filtered = malloc(filteredSize);
    uint8_t *zeroRow = calloc(rowBytes + 1, 1);
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    size_t consumed = 0;
    // The exact size: a stream that ends early or runs on is not taken.
    int complete = filtered != NULL && zeroRow != NULL && inflater != NULL
        && libdeflate_zlib_decompress_ex(inflater, idat, idatSize, filtered, filteredSize, &consumed, NULL)
               == LIBDEFLATE_SUCCESS
        && consumed == idatSize;
    libdeflate_free_decompressor(inflater);
    free(joined);
    for (uint32_t y = 0; complete && y < height; y++) complete = filtered[(rowBytes + 1) * y] <= 4;
    if (!complete) {
        free(filtered);
        free(zeroRow);
        return 0;
    }

    int outChannels = channels <= 2 ? channels + 2 : channels;  // gray as RGB, gray+alpha as RGBA
    reader->filtered = filtered;
    reader->zero_row = zeroRow;
    reader->file_row_bytes = rowBytes;
    reader->file_channels = channels;
    reader->sample_bytes = (int)sampleBytes;
    reader->height = height;
    reader->row_bytes = (size_t)width * outChannels * sampleBytes;
    layout->width = width;
    layout->height = height;
    layout->channels = outChannels;
    layout->wide = depth == 16;
    layout->whole_buffer = 1;
    return 1;
}

static inline uint8_t cpng_paeth(int left, int up, int upLeft) {
    int toLeft = abs(up - upLeft), toUp = abs(left - upLeft), toUpLeft = abs(left + up - 2 * upLeft);
    return (uint8_t)(toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft);
}

// Undoes one row's filter in place (PNG spec §9.2). Inlined with a constant `bpp`, the bytes of
// the pixel to the left stay in registers: the bytes of one pixel are independent, and only pixel
// waits on pixel, not byte on byte through memory.
static inline __attribute__((always_inline)) void cpng_unfilter_bpp(uint8_t *row, const uint8_t *prior,
                                                                      size_t count, int type, size_t bpp) {
    uint8_t left[8] = {0}, upLeft[8] = {0};
    switch (type) {
    case 1:
        for (size_t i = 0; i < count; i += bpp) {
            for (size_t k = 0; k < bpp; k++) left[k] = row[i + k] = (uint8_t)(row[i + k] + left[k]);
        }
        break;
    case 2:
        for (size_t i = 0; i < count; i++) row[i] = (uint8_t)(row[i] + prior[i]);
        break;
    case 3:
        for (size_t i = 0; i < count; i += bpp) {
            for (size_t k = 0; k < bpp; k++) {
                left[k] = row[i + k] = (uint8_t)(row[i + k] + ((left[k] + prior[i + k]) >> 1));
            }
        }
        break;
    case 4:
        for (size_t i = 0; i < count; i += bpp) {
            for (size_t k = 0; k < bpp; k++) {
                uint8_t up = prior[i + k];
                left[k] = row[i + k] = (uint8_t)(row[i + k] + cpng_paeth(left[k], up, upLeft[k]));
                upLeft[k] = up;
            }
        }
        break;
    default:
        break;
    }
}

static void cpng_unfilter(uint8_t *row, const uint8_t *prior, size_t count, int type, size_t bpp) {
    switch (bpp) {
    case 1: cpng_unfilter_bpp(row, prior, count, type, 1); break;
    case 2: cpng_unfilter_bpp(row, prior, count, type, 2); break;
    case 3: cpng_unfilter_bpp(row, prior, count, type, 3); break;
    case 4: cpng_unfilter_bpp(row, prior, count, type, 4); break;
    case 6: cpng_unfilter_bpp(row, prior, count, type, 6); break;
    default: cpng_unfilter_bpp(row, prior, count, type, 8); break;
    }
}

// The next row, unfiltered, in the layout libpng's path gives: gray as RGB, gray+alpha as RGBA,
// 16-bit samples in host byte order.
static void cpng_whole_row(cpng_reader *reader, uint8_t *out) {
    size_t stride = reader->file_row_bytes + 1;
    uint8_t *line = reader->filtered + stride * reader->next_row;
    const uint8_t *prior = reader->next_row == 0 ? reader->zero_row : line - stride;
    size_t bpp = (size_t)reader->file_channels * reader->sample_bytes;
    cpng_unfilter(line + 1, prior + 1, reader->file_row_bytes, line[0], bpp);
    reader->next_row++;

    const uint8_t *in = line + 1;
    size_t pixels = reader->file_row_bytes / bpp;
    int channels = reader->file_channels;
    if (reader->sample_bytes == 1) {
        if (channels >= 3) {
            memcpy(out, in, reader->file_row_bytes);
        } else {
            for (size_t x = 0; x < pixels; x++, in += channels) {
                out[0] = out[1] = out[2] = in[0];
                if (channels == 2) out[3] = in[1];
                out += channels + 2;
            }
        }
        return;
    }
    uint16_t *wide = (uint16_t *)out;
    if (channels >= 3) {
        for (size_t i = 0; i < pixels * channels; i++) wide[i] = (uint16_t)((in[2 * i] << 8) | in[2 * i + 1]);
    } else {
        for (size_t x = 0; x < pixels; x++, in += 2 * channels) {
            wide[0] = wide[1] = wide[2] = (uint16_t)((in[0] << 8) | in[1]);
            if (channels == 2) wide[3] = (uint16_t)((in[2] << 8) | in[3]);
            wide += channels + 2;
        }
    }
}

// MARK: - Reader

int cpng_reader_open(const uint8_t *data, size_t size, cpng_size_check check, int whole_buffer,
                     cpng_reader **opened, cpng_layout *layout, char message[CPNG_MESSAGE_CAPACITY]) {
    *opened = NULL;
    memset(layout, 0, sizeof *layout);
    message[0] = 0;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "no PNG signature");
        return 1;
    }
    cpng_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "out of memory");
        return 1;
    }
    if (whole_buffer && cpng_whole_open(reader, data, size, check, layout)) {
        *opened = reader;
        return 0;
    }

    reader->failure.message = message;
    reader->input = (cpng_input){data, size, 0};
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader->failure, cpng_error, cpng_warning);
    if (reader->png == NULL) {
        free(reader);
        snprintf(message, CPNG_MESSAGE_CAPACITY, "libpng could not start");
        return 1;
    }
    reader->info = png_create_info_struct(reader->png);
    if (setjmp(reader->failure.jump)) {
        cpng_reader_free(reader);
        return 1;
    }
    png_structp png = reader->png;
    png_infop info = reader->info;
    if (info == NULL) png_error(png, "libpng could not start");

    png_set_read_fn(png, &reader->input, cpng_read);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    int interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    if (check(width, height, interlaced, message) != 0) {
        cpng_reader_free(reader);
        return CPNG_OVER_LIMIT;
    }

    // Normalize every colour type to RGB, or RGBA where the file has alpha (a channel or tRNS):
    // 16-bit files keep 16 bits in host byte order, all others become 8-bit.
    int colorType = png_get_color_type(png, info);
    int bitDepth = png_get_bit_depth(png, info);
    int wide = bitDepth == 16;
    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    const uint16_t probe = 1;
    if (wide && *(const uint8_t *)&probe == 1) png_set_swap(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    reader->row_bytes = png_get_rowbytes(png, info);
    if ((channels != 3 && channels != 4) || reader->row_bytes != (size_t)width * channels * (wide ? 2 : 1)) {
        png_error(png, "unexpected row layout after conversion to RGB");
    }
    reader->height = height;
    if (passes > 1) {
        reader->image = malloc(reader->row_bytes * height);
        reader->image_rows = malloc(sizeof(png_bytep) * height);
        if (reader->image == NULL || reader->image_rows == NULL) png_error(png, "out of memory");
        for (png_uint_32 y = 0; y < height; y++) reader->image_rows[y] = reader->image + reader->row_bytes * y;
        png_read_image(png, reader->image_rows);
    }

    layout->width = width;
    layout->height = height;
    layout->channels = channels;
    layout->wide = wide;
    *opened = reader;
    return 0;
}

int cpng_reader_read_rows(cpng_reader *reader, void *rows, uint32_t count,
                          char message[CPNG_MESSAGE_CAPACITY]) {
    message[0] = 0;
    reader->failure.message = message;
    if (reader->failed || count > reader->height - reader->next_row) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "rows asked for past the end of the image or after an error");
        return 1;
    }
    if (reader->filtered != NULL) {
        for (uint32_t i = 0; i < count; i++) cpng_whole_row(reader, (uint8_t *)rows + reader->row_bytes * i);
        return 0;
    }
    if (reader->image != NULL) {
        memcpy(rows, reader->image + reader->row_bytes * reader->next_row, reader->row_bytes * count);
        reader->next_row += count;
        return 0;
    }
    if (setjmp(reader->failure.jump)) {
        reader->failed = 1;
        return 1;
    }
    for (uint32_t i = 0; i < count; i++) {
        png_read_row(reader->png, (png_bytep)rows + reader->row_bytes * i, NULL);
        reader->next_row++;
    }
    return 0;
}

int cpng_reader_finish(cpng_reader *reader, char message[CPNG_MESSAGE_CAPACITY]) {
    message[0] = 0;
    reader->failure.message = message;
    if (reader->failed || reader->next_row != reader->height) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "finished before every row was read");
        return 1;
    }
    if (reader->filtered != NULL) return 0;  // read to IEND already
    if (setjmp(reader->failure.jump)) {
        reader->failed = 1;
        return 1;
    }
    // Reading up to IEND makes a file cut after its pixel data an error too.
    png_read_end(reader->png, NULL);
    return 0;
}

typedef struct {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
} cpng_writer;

static void cpng_write(png_structp png, png_bytep in, size_t count) {
    cpng_writer *writer = (cpng_writer *)png_get_io_ptr(png);
    if (count > writer->capacity - writer->count) {
        size_t capacity = writer->capacity ? writer->capacity : 4096;
        while (count > capacity - writer->count) capacity *= 2;
        uint8_t *grown = realloc(writer->bytes, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        writer->bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->bytes + writer->count, in, count);
    writer->count += count;
}

static void cpng_flush(png_structp png) { (void)png; }

int cpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                cpng_encoded *result, char message[CPNG_MESSAGE_CAPACITY]) {
    result->bytes = NULL;
    result->count = 0;
    message[0] = 0;
    if (channels != 3 && channels != 4) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "%d channels; only RGB (3) and RGBA (4) are written", channels);
        return 1;
    }
    if (width == 0 || height == 0) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "an image of %u x %u pixels is empty", width, height);
        return 1;
    }

    cpng_failure failure;
    failure.message = message;
    cpng_writer writer = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure, cpng_error, cpng_warning);
    if (png == NULL) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "libpng could not start");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rowPointers = NULL;

    if (setjmp(failure.jump)) {
        png_destroy_write_struct(&png, &info);
        free(rowPointers);
        free(writer.bytes);
        return 1;
    }
    if (info == NULL) png_error(png, "libpng could not start");

    png_set_write_fn(png, &writer, cpng_write, cpng_flush);
    png_set_IHDR(png, info, width, height, 8,
                 channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_write_info(png, info);

    rowPointers = malloc(sizeof(png_bytep) * height);
    if (rowPointers == NULL) png_error(png, "out of memory");
    size_t stride = (size_t)width * (size_t)channels;
    for (uint32_t y = 0; y < height; y++) rowPointers[y] = (png_bytep)(pixels + stride * y);
    png_write_image(png, rowPointers);
    png_write_end(png, NULL);

    png_destroy_write_struct(&png, &info);
    free(rowPointers);
    result->bytes = writer.bytes;
    result->count = writer.count;
    return 0;
}

void cpng_encoded_free(cpng_encoded *result) {
    free(result->bytes);
    result->bytes = NULL;
    result->count = 0;
}
