// libpng reports errors by longjmp; Swift frames must never be jumped over, so every libpng call
// runs inside the functions below, each with its own setjmp, and failures come back as values.
#include "cpng_shim.h"

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
} cpng_reader;

static void cpng_read(png_structp png, png_bytep out, size_t count) {
    cpng_reader *reader = (cpng_reader *)png_get_io_ptr(png);
    if (count > reader->size - reader->offset) {
        char text[160];
        snprintf(text, sizeof text, "truncated: needs %zu more bytes at offset %zu but the file has %zu bytes",
                 count, reader->offset, reader->size);
        png_error(png, text);
    }
    memcpy(out, reader->data + reader->offset, count);
    reader->offset += count;
}

int cpng_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                cpng_decoded *result, char message[CPNG_MESSAGE_CAPACITY]) {
    result->width = 0;
    result->height = 0;
    result->rgba16 = NULL;
    result->rgba8 = NULL;
    message[0] = 0;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "no PNG signature");
        return 1;
    }

    cpng_failure failure;
    failure.message = message;
    cpng_reader reader = {data, size, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &failure, cpng_error, cpng_warning);
    if (png == NULL) {
        snprintf(message, CPNG_MESSAGE_CAPACITY, "libpng could not start");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    // Written after setjmp and read after longjmp, so they must live in memory, not registers.
    uint8_t *volatile rows8 = NULL;
    png_bytep *volatile rowPointers = NULL;
    uint16_t *volatile rgba16 = NULL;

    if (setjmp(failure.jump)) {
        png_destroy_read_struct(&png, &info, NULL);
        free(rows8);
        free(rowPointers);
        free(rgba16);
        return 1;
    }
    if (info == NULL) png_error(png, "libpng could not start");

    png_set_read_fn(png, &reader, cpng_read);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        char text[160];
        snprintf(text, sizeof text, "%u x %u pixels is larger than the limit of %llu pixels",
                 (unsigned)width, (unsigned)height, (unsigned long long)max_pixels);
        png_error(png, text);
    }

    // Normalize every colour type to RGBA: 16-bit files keep 16 bits, all others become 8-bit.
    int colorType = png_get_color_type(png, info);
    int bitDepth = png_get_bit_depth(png, info);
    int wide = bitDepth == 16;
    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_add_alpha(png, wide ? 0xffff : 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t rowBytes = png_get_rowbytes(png, info);
    if (rowBytes != (size_t)width * (wide ? 8 : 4)) png_error(png, "unexpected row layout after conversion to RGBA");

    rows8 = malloc(rowBytes * height);
    rowPointers = malloc(sizeof(png_bytep) * height);
    if (wide) rgba16 = malloc(sizeof(uint16_t) * 4 * (size_t)width * height);
    if (rows8 == NULL || rowPointers == NULL || (wide && rgba16 == NULL)) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rowPointers[y] = rows8 + rowBytes * y;
    png_read_image(png, rowPointers);
    // Reading up to IEND makes a file cut after its pixel data an error too.
    png_read_end(png, NULL);

    png_destroy_read_struct(&png, &info, NULL);
    free(rowPointers);
    result->width = width;
    result->height = height;
    if (wide) {
        size_t samples = 4 * (size_t)width * height;
        for (size_t i = 0; i < samples; i++) {
            rgba16[i] = (uint16_t)((rows8[2 * i] << 8) | rows8[2 * i + 1]);
        }
        free(rows8);
        result->rgba16 = rgba16;
    } else {
        result->rgba8 = rows8;
    }
    return 0;
}

void cpng_decoded_free(cpng_decoded *result) {
    free(result->rgba16);
    free(result->rgba8);
    result->rgba16 = NULL;
    result->rgba8 = NULL;
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
