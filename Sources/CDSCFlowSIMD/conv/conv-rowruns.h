// The row-runs conv driver (`dscsimd_conv.row_runs`), built once per ISA by conv-rowruns-<isa>.c.
#ifndef DSCSIMD_CONV_ROWRUNS_H
#define DSCSIMD_CONV_ROWRUNS_H

#include "conv-blocks.h"
#include "conv-indirection.h"

/// Conv in the row-runs layout (`dscsimd_conv.row_runs`): one padded u8 copy of the input, then
/// per block of output pixels kernel_h pointers per pixel, each to a contiguous run of
/// kernel_w * in_c bytes.
#ifndef DSCSIMD_CONV_ROWRUNS
#define DSCSIMD_CONV_ROWRUNS dscsimd_conv_rowruns
#endif

void KFN(DSCSIMD_CONV_ROWRUNS)(const dscsimd_op *op) {
    const dscsimd_conv *a = &op->conv;
    const dscsimd_requant rq = a->rq;  // local: output stores cannot alias it
    const size_t os = conv_out_stride(a, &rq);
    const int kh = a->kernel_h, C = a->in_c;
    const int cq = (a->kernel_w * C + 3) / 4;
    const int PH = a->padded_h, PW = a->padded_w;
    const size_t prow = (size_t)PW * C, pimg = prow * PH, in_row = (size_t)a->in_w * C;
    const uint8_t **scratch_ind = (const uint8_t **)(void *)a->scratch;
    uint8_t *img = a->scratch + (size_t)DSCSIMD_RB * kh * sizeof(void *);
    const uint8_t xr = (uint8_t)a->input_xor, padv = a->pad_byte ^ xr;
    const int left = a->pad_left < PW ? a->pad_left : PW;
    const int inside = a->in_w < PW - left ? a->in_w : PW - left;
    // Parts of a threaded run find the padded image built by the prologue call.
    const int prepare = a->parts <= 1 || a->prologue;
    for (int bi = 0; bi < a->batches && prepare && a->subsample_h > 0; bi++) {
        // Strided 1x1: the sampled pixels only (no padding: the packer checked every one is inside).
        for (int r = 0; r < PH; r++) {
            const uint8_t *src = a->input + ((size_t)bi * a->in_h + (size_t)r * a->subsample_h) * in_row;
            uint8_t *dst = img + (size_t)bi * pimg + (size_t)r * prow;
            const size_t sstep = (size_t)a->subsample_w * C;
            if (C == 16) {
                const v16qu flip = (v16qu){0} + xr;
                for (int x = 0; x < PW; x++) {
                    v16qu v = load_v16qu(src + x * sstep) ^ flip;
                    memcpy(dst + x * 16, &v, 16);
                }
            } else {
                for (int x = 0; x < PW; x++) copy_xor(dst + (size_t)x * C, src + x * sstep, (size_t)C, xr);
            }
        }
    }
    for (int bi = 0; bi < a->batches && prepare && a->subsample_h == 0; bi++) {
        for (int r = 0; r < PH; r++) {
            int iy = r - a->pad_top;
            uint8_t *dst = img + (size_t)bi * pimg + (size_t)r * prow;
            if (iy < 0 || iy >= a->in_h) {
                memset(dst, padv, prow);
                continue;
            }
            const uint8_t *src = a->input + ((size_t)bi * a->in_h + iy) * in_row;
            memset(dst, padv, (size_t)left * C);
            uint8_t *d = dst + (size_t)left * C;
            size_t bytes = (size_t)inside * C;
            copy_xor(d, src, bytes, xr);
            memset(d + bytes, padv, prow - (size_t)(left + inside) * C);
        }
    }
    if (prepare) memset(img + (size_t)a->batches * pimg, 0, 64);  // read past the last run (weights 0 there)
    if (a->prologue) return;
    const conv_span span = conv_span_of(a);
    for (size_t p0 = span.begin; p0 < span.end; p0 += DSCSIMD_RB) {
        const int rows = conv_block_rows(span, p0);
        const uint8_t *const *ind = a->indirection ? a->indirection + (p0 / DSCSIMD_RB) * DSCSIMD_RB * (size_t)kh : scratch_ind;
        if (!a->indirection) dscsimd_conv_runs_indirection(a, img, p0, rows, scratch_ind);
#if KVNNI
        // One block of at most 16 channels: 16-row tiles with one pointer per kernel row where the rows
        // are evenly spaced by 16, 6 or 3 bytes (16 accumulators instead of 8; with at most 8 channels,
        // two pixels per vector).
        const size_t step = (size_t)a->stride_w * C;
        if (a->out_c <= 16 && (step == 16 || step == 6 || step == 3)) {
            const int narrow_block = a->out_c <= 8;
            for (int r0 = 0; r0 < rows; r0 += 16) {
                const int n = rows - r0 < 16 ? rows - r0 : 16;
                uint8_t *o = a->output + (p0 + (size_t)r0) * os;
                const uint8_t *const *t0 = ind + r0;
                const int8_t *w0 = a->packed_weights;
                if (n == 16 && even16(t0, step)) {
                    if (narrow_block) {
                        if (step == 16) gemm_tile_even_pairs(16, t0, kh, cq, w0, a->bias, &rq, a->out_c, o, os);
                        else if (step == 6) gemm_tile_even_pairs(6, t0, kh, cq, w0, a->bias, &rq, a->out_c, o, os);
                        else gemm_tile_even_pairs(3, t0, kh, cq, w0, a->bias, &rq, a->out_c, o, os);
                    } else {
                        if (step == 16) gemm_tile_even(16, t0, kh, cq, w0, a->bias, &rq, a->out_c, o, os);
                        else if (step == 6) gemm_tile_even(6, t0, kh, cq, w0, a->bias, &rq, a->out_c, o, os);
                        else gemm_tile_even(3, t0, kh, cq, w0, a->bias, &rq, a->out_c, o, os);
                    }
                } else if (narrow_block) {  // MR a constant in each call: the tile's accumulators stay off the stack
                    gemm_rows(16, 1, n, t0, kh, cq, w0, (size_t)a->k4 * 16, 0, a->bias, &rq, 0, a->out_c, o, os, 0, 0, 0);
                } else {
                    gemm_rows(8, 1, n, t0, kh, cq, w0, (size_t)a->k4 * 16, 0, a->bias, &rq, 0, a->out_c, o, os, 0, 0, 0);
                }
            }
            continue;
        }
#endif
        conv_blocks(a, &rq, ind, kh, cq, 0, rows, a->output + p0 * os);
    }
}

#endif
