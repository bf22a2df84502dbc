// The fast path of the CPNG shim (cpng_libpng.c is the rest); see below and cpng_internal.h.
#include "cpng_internal.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

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

int cpng_whole_open(cpng_reader *reader, const uint8_t *data, size_t size, cpng_size_check check,
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
void cpng_whole_row(cpng_reader *reader, uint8_t *out) {
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
