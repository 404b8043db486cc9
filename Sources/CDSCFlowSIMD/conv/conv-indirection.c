// Tap pointers and scratch sizes of the conv drivers (ISA-independent).
#include "conv-indirection.h"
#include <string.h>

void dscsimd_conv_block_indirection(const dscsimd_conv *a, const uint8_t *input, const uint8_t *padrow,
                                           size_t p0, int rows, const uint8_t **ind) {
    const int kh = a->kernel_h, kw = a->kernel_w, taps = kh * kw;
    const int in_c = (a->in_c + 3) / 4 * 4;
    const size_t row_bytes = (size_t)a->in_w * in_c, image_bytes = row_bytes * a->in_h;
    const size_t plane = (size_t)a->out_h * a->out_w;
    size_t bi = p0 / plane;
    int oy = (int)((p0 % plane) / a->out_w), ox = (int)((p0 % plane) % a->out_w);
    for (int r = 0; r < DSCSIMD_RB; r++) {
        if (r > 0 && r < rows) {
            if (++ox == a->out_w) {
                ox = 0;
                if (++oy == a->out_h) { oy = 0; bi++; }
            }
        }
        const uint8_t *img = input + bi * image_bytes;
        const uint8_t **dst = ind + r;
        int iy0 = oy * a->stride_h - a->pad_top, ix0 = ox * a->stride_w - a->pad_left;
        if (iy0 >= 0 && ix0 >= 0 && iy0 + (kh - 1) * a->dilation_h < a->in_h && ix0 + (kw - 1) * a->dilation_w < a->in_w) {
            const uint8_t *p = img + (size_t)iy0 * row_bytes + (size_t)ix0 * in_c;
            for (int ky = 0, k = 0; ky < kh; ky++) {
                const uint8_t *prow = p + (size_t)ky * a->dilation_h * row_bytes;
                // Strided stores: vectorised they become scatters, which are slow (microcoded on AMD).
#pragma clang loop vectorize(disable)
                for (int kx = 0; kx < kw; kx++, k++) dst[(size_t)k * DSCSIMD_RB] = prow + (size_t)kx * a->dilation_w * in_c;
            }
            continue;
        }
        for (int ky = 0, k = 0; ky < kh; ky++) {
            int iy = iy0 + ky * a->dilation_h;
#pragma clang loop vectorize(disable)
            for (int kx = 0; kx < kw; kx++, k++) {
                int ix = ix0 + kx * a->dilation_w;
                int inside = iy >= 0 && iy < a->in_h && ix >= 0 && ix < a->in_w;
                dst[(size_t)k * DSCSIMD_RB] = inside ? img + (size_t)iy * row_bytes + (size_t)ix * in_c : padrow;
            }
        }
    }
    (void)taps;
}

/// Row-runs layout: the kernel_h run pointers of each of the block's output pixels into the padded
/// image `img`, laid out [ky][row]; rows past `rows` repeat the last one.
void dscsimd_conv_runs_indirection(const dscsimd_conv *a, const uint8_t *img, size_t p0, int rows,
                                          const uint8_t **ind) {
    const int kh = a->kernel_h;
    const size_t prow = (size_t)a->padded_w * a->in_c, pimg = prow * a->padded_h;
    const size_t ky_step = (size_t)a->dilation_h * prow, ox_step = (size_t)a->stride_w * a->in_c;
    const size_t plane = (size_t)a->out_h * a->out_w;
    size_t bi = p0 / plane;
    int oy = (int)((p0 % plane) / a->out_w), ox = (int)((p0 % plane) % a->out_w);
    const uint8_t *base = img;
    for (int r = 0; r < DSCSIMD_RB; r++) {
        if (r < rows) {
            base = img + bi * pimg + (size_t)oy * a->stride_h * prow + (size_t)ox * ox_step;
            if (++ox == a->out_w) {
                ox = 0;
                if (++oy == a->out_h) { oy = 0; bi++; }
            }
        }
#pragma clang loop vectorize(disable)
        for (int ky = 0; ky < kh; ky++) ind[(size_t)ky * DSCSIMD_RB + r] = base + (size_t)ky * ky_step;
    }
}

size_t dscsimd_conv_scratch_bytes(int32_t in_c, int32_t kernel_h, int32_t kernel_w, int64_t input_pixels) {
    size_t c4 = ((size_t)in_c + 3) / 4 * 4;
    size_t padbytes = (c4 + 63) / 64 * 64;
    size_t copy = (size_t)input_pixels * c4;
    return padbytes + (size_t)DSCSIMD_RB * (size_t)kernel_h * (size_t)kernel_w * sizeof(void *) + copy + 64;
}

/// Where the conv kernel of `isa` reads its input: the input itself, or its copy in scratch
/// (flipped to u8 on AVX-512 VNNI for int8, channels padded to 4 for few channels).
static const uint8_t *dscsimd_conv_source(const dscsimd_conv *a, int isa) {
    int in_c = (a->in_c + 3) / 4 * 4;
    int copies = in_c != a->in_c || (isa == DSCSIMD_ISA_AVX512VNNI && a->input_xor != 0);
    if (!copies) return a->input;
    size_t padbytes = ((size_t)in_c + 63) / 64 * 64;
    return a->scratch + padbytes + (size_t)DSCSIMD_RB * (size_t)a->kernel_h * a->kernel_w * sizeof(void *);
}

size_t dscsimd_conv_runs_scratch_bytes(const dscsimd_conv *a) {
    size_t ind = (size_t)DSCSIMD_RB * (size_t)a->kernel_h * sizeof(void *);
    size_t image = (size_t)a->padded_h * (size_t)a->padded_w * (size_t)a->in_c;
    return ind + (size_t)a->batches * image + 64 + 64;
}

size_t dscsimd_conv_indirection_count(const dscsimd_conv *a) {
    size_t total = (size_t)a->batches * a->out_h * a->out_w;
    size_t blocks = (total + DSCSIMD_RB - 1) / DSCSIMD_RB;
    return blocks * DSCSIMD_RB * (size_t)a->kernel_h * (a->row_runs ? 1 : (size_t)a->kernel_w);
}

void dscsimd_conv_prepare_indirection(dscsimd_conv *a, int32_t isa, const uint8_t **table) {
    if (a->row_runs) {
        const uint8_t *img = a->scratch + (size_t)DSCSIMD_RB * (size_t)a->kernel_h * sizeof(void *);
        size_t total = (size_t)a->batches * a->out_h * a->out_w;
        size_t per_block = DSCSIMD_RB * (size_t)a->kernel_h;
        for (size_t p0 = 0, b = 0; p0 < total; p0 += DSCSIMD_RB, b++) {
            int rows = (int)(total - p0 < DSCSIMD_RB ? total - p0 : DSCSIMD_RB);
            dscsimd_conv_runs_indirection(a, img, p0, rows, table + b * per_block);
        }
        a->indirection = table;
        return;
    }
    const uint8_t *input = dscsimd_conv_source(a, isa);
    size_t total = (size_t)a->batches * a->out_h * a->out_w;
    size_t per_block = DSCSIMD_RB * (size_t)a->kernel_h * a->kernel_w;
    for (size_t p0 = 0, b = 0; p0 < total; p0 += DSCSIMD_RB, b++) {
        int rows = (int)(total - p0 < DSCSIMD_RB ? total - p0 : DSCSIMD_RB);
        dscsimd_conv_block_indirection(a, input, a->scratch, p0, rows, table + b * per_block);
    }
    a->indirection = table;
}
