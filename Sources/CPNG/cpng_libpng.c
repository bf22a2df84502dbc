// libpng reports errors by longjmp; Swift frames must never be jumped over, so every libpng call
// runs inside the functions below, each with its own setjmp, and failures come back as values.
#include "cpng_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void cpng_reader_free(cpng_reader *reader) {
    if (reader == NULL) return;
    png_destroy_read_struct(&reader->png, &reader->info, NULL);
    free(reader->image);
    free(reader->image_rows);
    free(reader->filtered);
    free(reader->zero_row);
    free(reader);
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
