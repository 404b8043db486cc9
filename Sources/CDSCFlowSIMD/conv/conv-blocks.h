// The conv drivers' channel-block loop (shared by the igemm and row-runs layouts): which tile shape
// covers how many 16-channel blocks is each build's policy; the tile itself comes from the build's
// gemm-tile header.
#ifndef DSCSIMD_CONV_BLOCKS_H
#define DSCSIMD_CONV_BLOCKS_H

#ifndef DSCSIMD_NIBBLE
#define DSCSIMD_NIBBLE 0
#endif

#if DSCSIMD_NIBBLE
// conv4/: the same drivers on the int16-accumulating tile for 4-bit weights.
#include "../conv4/gemm-tile-nibble.h"
#elif KVNNI
#include "gemm-tile-avx512vnni.h"
#elif KAVXVNNI
#include "gemm-tile-avxvnni.h"
#elif KAVX2
#include "gemm-tile-avx2.h"
#else
#include "gemm-tile-portable.h"
#endif

/// The output pixels of this call (all of them, or this thread's share of whole blocks): blocks of
/// DSCSIMD_RB pixels from `begin` while below `end`, the last one possibly short (`conv_block_rows`).
typedef struct {
    size_t begin, end;
} conv_span;

static inline conv_span conv_span_of(const dscsimd_conv *a) {
    const size_t total = (size_t)a->batches * a->out_h * a->out_w;
    size_t b_begin, b_end;
    dscsimd_share((total + DSCSIMD_RB - 1) / DSCSIMD_RB, a->part, a->parts, &b_begin, &b_end);
    conv_span sp = {b_begin * DSCSIMD_RB, b_end * DSCSIMD_RB < total ? b_end * DSCSIMD_RB : total};
    return sp;
}

/// The pixels of the block starting at p0 (DSCSIMD_RB, or fewer at the end of the span).
static inline int conv_block_rows(conv_span sp, size_t p0) {
    return (int)(sp.end - p0 < DSCSIMD_RB ? sp.end - p0 : DSCSIMD_RB);
}

/// Runs tiles of MR rows over `rows` rows of one block of NV channel blocks.
static inline __attribute__((always_inline)) void gemm_rows(
    const int MR, const int NV, int rows, const uint8_t *const *ind, int taps, int cq,
    const int8_t *b, size_t block_stride, uint32_t xr, const int32_t *bias, const dscsimd_requant *rq,
    int c0, int out_c, uint8_t *out, size_t out_stride, const int16_t *b16, const int SAT, int qb)
{
    for (int r0 = 0; r0 < rows; r0 += MR) {
        gemm_tile(MR, NV, rows - r0, ind + r0, taps, cq, b, block_stride, xr, bias, rq,
                  c0, out_c, out + (size_t)r0 * out_stride, out_stride, b16, SAT, qb);
    }
}

/// Bytes between consecutive output pixels of a conv (its pixel stride in elements of 1 byte, or of
/// 4 bytes for int32 outputs).
static inline size_t conv_out_stride(const dscsimd_conv *a, const dscsimd_requant *rq) {
    return (size_t)a->out_pixel_stride * (rq->mode == DSCSIMD_RQ_MODE_RAW ? 4 : 1);
}

/// The conv driver's channel-block loop over one block of `rows` output pixels (`out` is the first's
/// bytes), each build's tile shapes; SAT: a saturating accumulator (`dscsimd_conv.sat_block_q`).
static inline __attribute__((always_inline)) void conv_blocks_with(const dscsimd_conv *a, const dscsimd_requant *rq,
                                                                   const uint8_t *const *ind, int taps, int cq,
                                                                   uint32_t xr, int rows, uint8_t *out, const int SAT) {
    const size_t block_stride = (size_t)a->k4 * 16;
    const int nblocks = (a->out_c + 15) / 16;
    const size_t os = conv_out_stride(a, rq);
    // The tile's group count: the saturation block, or for the nibble tile its int16 period.
    const int qb = DSCSIMD_NIBBLE ? a->nibble_groups : a->sat_block_q;
    int nb = 0;
#define DSC_ROWS(MR, NV, W16) \
    gemm_rows(MR, NV, rows, ind, taps, cq, b, block_stride, xr, a->bias, rq, nb * 16, a->out_c, out, os, W16, SAT, qb)
    while (nb < nblocks) {
        const int8_t *b = a->packed_weights + (size_t)nb * block_stride;
        int left = nblocks - nb;
        if (DSCSIMD_NIBBLE) {
            DSC_ROWS(KAVX2 ? 2 : 4, 1, 0);
            nb += 1;
        } else if (KAVXVNNI) {
            DSC_ROWS(4, 1, 0);
            nb += 1;
        } else if (KAVX2) {
            // The block's weights widened to int16 at packing time, so the tile's vpmaddwd read them
            // from memory instead of widening them for every pair of rows.
            DSC_ROWS(2, 1, a->packed_weights16 ? a->packed_weights16 + (size_t)nb * block_stride : 0);
            nb += 1;
        } else if (left >= 4) {
            DSC_ROWS(4, 4, 0);
            nb += 4;
        } else if (left >= 2) {
            DSC_ROWS(8, 2, 0);
            nb += 2;
        } else {
            if (KVNNI && a->out_c - nb * 16 <= 8) DSC_ROWS(16, 1, 0);
            else DSC_ROWS(8, 1, 0);
            nb += 1;
        }
    }
#undef DSC_ROWS
}

/// `conv_blocks_with` for the operator's accumulator (plain wrapping int32 or saturating).
static inline __attribute__((always_inline)) void conv_blocks(const dscsimd_conv *a, const dscsimd_requant *rq,
                                                              const uint8_t *const *ind, int taps, int cq,
                                                              uint32_t xr, int rows, uint8_t *out) {
    if (rq->saturate) conv_blocks_with(a, rq, ind, taps, cq, xr, rows, out, 1);
    else conv_blocks_with(a, rq, ind, taps, cq, xr, rows, out, 0);
}

#endif
