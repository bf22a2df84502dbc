// libjpeg's default error_exit calls exit(); the replacement below longjmps back into the
// cjpeg_reader function that called libjpeg instead, so no Swift frame is ever jumped over and failures come back as values.
#include "cjpeg_shim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
    // Set between setjmp and longjmp, so it must be read from memory afterwards.
    volatile int status;
} cjpeg_failure;

static void cjpeg_fail(j_common_ptr cinfo, const char *text) {
    cjpeg_failure *failure = (cjpeg_failure *)cinfo->err;
    snprintf(failure->message, CJPEG_MESSAGE_CAPACITY, "%s", text);
    longjmp(failure->jump, 1);
}

static void cjpeg_error_exit(j_common_ptr cinfo) {
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    cjpeg_fail(cinfo, text);
}

// libjpeg pads a file that ends early, or whose entropy-coded data a marker cuts short, with grey
// and only warns; that hides damage, so both are fatal here. Other warnings (extraneous bytes,
// unknown markers) leave a usable picture and stay quiet.
static void cjpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        cjpeg_fail(cinfo, "truncated: the data ends before the image is complete");
    }
    if (level < 0 && cinfo->err->msg_code == JWRN_HIT_MARKER) {
        cjpeg_fail(cinfo, "truncated: premature end of data segment (the image is incomplete)");
    }
    if (level < 0) cinfo->err->num_warnings++;
}

// Called by libjpeg at every scan start and row group while it reads input; counting scans here
// stops a file of thousands of (empty) scans before each costs a pass over the image.
static void cjpeg_progress(j_common_ptr cinfo) {
    if (cinfo->is_decompressor && ((j_decompress_ptr)cinfo)->input_scan_number > CJPEG_MAX_SCANS) {
        char text[96];
        snprintf(text, sizeof text, "more than %d scans (a real progressive JPEG has about 10)", CJPEG_MAX_SCANS);
        cjpeg_fail(cinfo, text);
    }
}

static void cjpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static inline uint8_t cjpeg_multiply(unsigned a, unsigned b) {
    return (uint8_t)((a * b + 127) / 255);
}

// Everything a reader needs lives here, on the heap, so nothing changed between a setjmp and its
// longjmp sits in a register of the function that called setjmp.
struct cjpeg_reader {
    struct jpeg_decompress_struct cinfo;
    cjpeg_failure failure;
    struct jpeg_progress_mgr progress;
    uint8_t *scanline;
    int components;
    // Adobe applications store CMYK inverted (0 = full ink) and mark it with an Adobe segment.
    int inverted;
    int failed;
};

void cjpeg_reader_free(cjpeg_reader *reader) {
    if (reader == NULL) return;
    jpeg_destroy_decompress(&reader->cinfo);
    free(reader->scanline);
    free(reader);
}

int cjpeg_reader_open(const uint8_t *data, size_t size, cjpeg_size_check check, cjpeg_reader **opened,
                      uint32_t *width, uint32_t *height, char message[CJPEG_MESSAGE_CAPACITY]) {
    *opened = NULL;
    *width = 0;
    *height = 0;
    message[0] = 0;
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        snprintf(message, CJPEG_MESSAGE_CAPACITY, "no JPEG start-of-image marker");
        return 1;
    }
    cjpeg_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        snprintf(message, CJPEG_MESSAGE_CAPACITY, "out of memory");
        return 1;
    }
    struct jpeg_decompress_struct *cinfo = &reader->cinfo;
    cinfo->err = jpeg_std_error(&reader->failure.manager);
    reader->failure.manager.error_exit = cjpeg_error_exit;
    reader->failure.manager.emit_message = cjpeg_emit_message;
    reader->failure.manager.output_message = cjpeg_output_message;
    reader->failure.message = message;
    reader->failure.status = 1;
    reader->progress.progress_monitor = cjpeg_progress;
    if (setjmp(reader->failure.jump)) {
        int status = reader->failure.status;
        cjpeg_reader_free(reader);
        return status;
    }
    jpeg_create_decompress(cinfo);
    cinfo->progress = &reader->progress;
    jpeg_mem_src(cinfo, (const unsigned char *)data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);

    if (check(cinfo->image_width, cinfo->image_height, message) != 0) {
        reader->failure.status = CJPEG_OVER_LIMIT;
        longjmp(reader->failure.jump, 1);
    }
    J_COLOR_SPACE source = cinfo->jpeg_color_space;
    int cmyk = source == JCS_CMYK || source == JCS_YCCK;
    if (cmyk) {
        cinfo->out_color_space = JCS_CMYK;
    } else if (source == JCS_GRAYSCALE) {
        cinfo->out_color_space = JCS_GRAYSCALE;
    } else {
        cinfo->out_color_space = JCS_RGB;
    }
    jpeg_start_decompress(cinfo);
    reader->components = cinfo->output_components;
    reader->inverted = cmyk && cinfo->saw_Adobe_marker;
    reader->scanline = malloc((size_t)cinfo->output_width * (size_t)reader->components);
    if (reader->scanline == NULL) cjpeg_fail((j_common_ptr)cinfo, "out of memory");
    *width = cinfo->output_width;
    *height = cinfo->output_height;
    *opened = reader;
    return 0;
}

int cjpeg_reader_read_rows(cjpeg_reader *reader, uint8_t *rgb8, uint32_t count,
                           char message[CJPEG_MESSAGE_CAPACITY]) {
    struct jpeg_decompress_struct *cinfo = &reader->cinfo;
    message[0] = 0;
    reader->failure.message = message;
    if (reader->failed || count > cinfo->output_height - cinfo->output_scanline) {
        snprintf(message, CJPEG_MESSAGE_CAPACITY, "rows asked for past the end of the image or after an error");
        return 1;
    }
    if (setjmp(reader->failure.jump)) {
        reader->failed = 1;
        return 1;
    }
    uint32_t width = cinfo->output_width;
    const uint8_t *scanline = reader->scanline;
    int components = reader->components, inverted = reader->inverted;
    for (uint32_t row = 0; row < count; row++) {
        JSAMPROW line = reader->scanline;
        if (jpeg_read_scanlines(cinfo, &line, 1) != 1) {
            char text[64];
            snprintf(text, sizeof text, "truncated: no data for row %u", (unsigned)cinfo->output_scanline);
            cjpeg_fail((j_common_ptr)cinfo, text);
        }
        uint8_t *out = rgb8 + (size_t)row * width * 3;
        for (uint32_t x = 0; x < width; x++) {
            if (components == 1) {
                out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = scanline[x];
            } else if (components == 3) {
                memcpy(out + 3 * x, scanline + 3 * x, 3);
            } else {
                // Naive CMYK without a colour profile: each channel is (1 - ink) * (1 - black).
                const uint8_t *ink = scanline + 4 * x;
                unsigned c = inverted ? ink[0] : 255u - ink[0];
                unsigned m = inverted ? ink[1] : 255u - ink[1];
                unsigned yel = inverted ? ink[2] : 255u - ink[2];
                unsigned k = inverted ? ink[3] : 255u - ink[3];
                out[3 * x] = cjpeg_multiply(c, k);
                out[3 * x + 1] = cjpeg_multiply(m, k);
                out[3 * x + 2] = cjpeg_multiply(yel, k);
            }
        }
    }
    return 0;
}

int cjpeg_reader_finish(cjpeg_reader *reader, char message[CJPEG_MESSAGE_CAPACITY]) {
    struct jpeg_decompress_struct *cinfo = &reader->cinfo;
    message[0] = 0;
    reader->failure.message = message;
    if (reader->failed || cinfo->output_scanline != cinfo->output_height) {
        snprintf(message, CJPEG_MESSAGE_CAPACITY, "finished before every row was read");
        return 1;
    }
    if (setjmp(reader->failure.jump)) {
        reader->failed = 1;
        return 1;
    }
    jpeg_finish_decompress(cinfo);
    return 0;
}
