// libjpeg's default error_exit calls exit(); the replacement below longjmps back into
// cjpeg_decode instead, so no Swift frame is ever jumped over and failures come back as values.
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

int cjpeg_decode(const uint8_t *data, size_t size, cjpeg_size_check check,
                 cjpeg_decoded *result, char message[CJPEG_MESSAGE_CAPACITY]) {
    result->width = 0;
    result->height = 0;
    result->rgb8 = NULL;
    message[0] = 0;
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        snprintf(message, CJPEG_MESSAGE_CAPACITY, "no JPEG start-of-image marker");
        return 1;
    }

    struct jpeg_decompress_struct cinfo;
    cjpeg_failure failure;
    cinfo.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = cjpeg_error_exit;
    failure.manager.emit_message = cjpeg_emit_message;
    failure.manager.output_message = cjpeg_output_message;
    failure.message = message;
    failure.status = 1;
    struct jpeg_progress_mgr progress = {0};
    progress.progress_monitor = cjpeg_progress;
    // Written after setjmp and read after longjmp, so they must live in memory, not registers.
    uint8_t *volatile rgb8 = NULL;
    uint8_t *volatile scanline = NULL;

    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(rgb8);
        free(scanline);
        return failure.status;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, (const unsigned char *)data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    if (check(cinfo.image_width, cinfo.image_height, message) != 0) {
        failure.status = CJPEG_OVER_LIMIT;
        longjmp(failure.jump, 1);
    }

    J_COLOR_SPACE source = cinfo.jpeg_color_space;
    int cmyk = source == JCS_CMYK || source == JCS_YCCK;
    if (cmyk) {
        cinfo.out_color_space = JCS_CMYK;
    } else if (source == JCS_GRAYSCALE) {
        cinfo.out_color_space = JCS_GRAYSCALE;
    } else {
        cinfo.out_color_space = JCS_RGB;
    }
    jpeg_start_decompress(&cinfo);

    uint32_t width = cinfo.output_width;
    uint32_t height = cinfo.output_height;
    int components = cinfo.output_components;
    rgb8 = malloc((size_t)width * height * 3);
    scanline = malloc((size_t)width * (size_t)components);
    if (rgb8 == NULL || scanline == NULL) {
        snprintf(message, CJPEG_MESSAGE_CAPACITY, "out of memory");
        longjmp(failure.jump, 1);
    }
    // Adobe applications store CMYK inverted (0 = full ink) and mark it with an Adobe segment.
    int inverted = cmyk && cinfo.saw_Adobe_marker;

    while (cinfo.output_scanline < height) {
        uint32_t y = cinfo.output_scanline;
        JSAMPROW row = scanline;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
            snprintf(message, CJPEG_MESSAGE_CAPACITY, "truncated: no data for row %u", (unsigned)y);
            longjmp(failure.jump, 1);
        }
        uint8_t *out = rgb8 + (size_t)y * width * 3;
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
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(scanline);
    result->width = width;
    result->height = height;
    result->rgb8 = rgb8;
    return 0;
}

void cjpeg_decoded_free(cjpeg_decoded *result) {
    free(result->rgb8);
    result->rgb8 = NULL;
}
