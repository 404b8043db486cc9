// The AVX-512 VNNI conv tile: MR output pixels x NV blocks of 16 channels on 512-bit vpdpbusd, and
// the 16-row tiles with constant displacements for evenly spaced row runs.
#ifndef DSCSIMD_GEMM_TILE_AVX512VNNI_H
#define DSCSIMD_GEMM_TILE_AVX512VNNI_H

#include "../requant/requant.h"
#include "conv-indirection.h"

/// One tile: MR output pixels x NV blocks of 16 channels. `ind` holds, for each of the MR rows,
/// `taps` pointers to `cq * 4` input bytes; `b` the packed weights of the first block; `out_stride`
/// the bytes between output pixels. With SAT (a saturating accumulator), every accumulator is clamped
/// to [rq->sat_lo, rq->sat_hi] after each `qb` 4-byte groups of a tap and at the end of each tap.
static inline __attribute__((always_inline)) void gemm_tile(
    const int MR, const int NV, int rows, const uint8_t *const *ind, int taps, int cq,
    const int8_t *b, size_t block_stride, uint32_t xr, const int32_t *bias, const dscsimd_requant *rq,
    int c0, int out_c, uint8_t *out, size_t out_stride, const int16_t *b16, const int SAT, int qb)
{
    (void)b16;
    __m512i acc[16][4];
    for (int v = 0; v < NV; v++) {
        __m512i bv = _mm512_loadu_si512((const void *)(bias + c0 + 16 * v));
        for (int r = 0; r < MR; r++) acc[r][v] = bv;
    }
    (void)xr;  // the VNNI build always gets an input already flipped to u8
    const __m512i slo = _mm512_set1_epi32(SAT ? rq->sat_lo : 0), shi = _mm512_set1_epi32(SAT ? rq->sat_hi : 0);
    if (NV == 1 && MR == 16 && out_c - c0 <= 8) {
        // At most 8 channels in the block: two output pixels per vector (lanes 0-7 row 2i, lanes 8-15
        // row 2i+1), so half the vpdpbusd and half the requantizations; weights, bias and the
        // requantization tables are the block's first 8 lanes repeated.
        const __m512i dup_bias = _mm512_shuffle_i64x2(_mm512_loadu_si512((const void *)(bias + c0)),
                                                      _mm512_loadu_si512((const void *)(bias + c0)), 0x44);
        __m512i pair[8];
        for (int i = 0; i < 8; i++) pair[i] = dup_bias;
        for (int t = 0; t < taps; t++) {
            const uint8_t *p[16];
            for (int r = 0; r < 16; r++) p[r] = ind[(size_t)t * DSCSIMD_RB + r];
            int left = qb;
            for (int q = 0; q < cq; q++) {
                const __m512i w = _mm512_loadu_si512((const void *)b);
                const __m512i wd = _mm512_shuffle_i64x2(w, w, 0x44);
                b += 64;
                for (int i = 0; i < 8; i++) {
                    int32_t ga, gb;
                    memcpy(&ga, p[2 * i] + 4 * q, 4);
                    memcpy(&gb, p[2 * i + 1] + 4 * q, 4);
                    const __m512i x = _mm512_mask_set1_epi32(_mm512_set1_epi32(ga), (__mmask16)0xFF00, gb);
                    pair[i] = _mm512_dpbusd_epi32(pair[i], x, wd);
                }
                if (SAT && (--left == 0 || q == cq - 1)) {
                    for (int i = 0; i < 8; i++) pair[i] = _mm512_min_epi32(_mm512_max_epi32(pair[i], slo), shi);
                    left = qb;
                }
            }
        }
        rq_block_store_any(16, 1, pair, rows, rq, c0, out_c - c0, out, out_stride);
        return;
    }
    for (int t = 0; t < taps; t++) {
        const uint8_t *p[16];
        for (int r = 0; r < MR; r++) p[r] = ind[(size_t)t * DSCSIMD_RB + r];
        int left = qb;
#pragma clang loop unroll_count(4)
        for (int q = 0; q < cq; q++) {
            __m512i w[4];
            for (int v = 0; v < NV; v++) w[v] = _mm512_loadu_si512((const void *)(b + v * block_stride));
            b += 64;
            for (int r = 0; r < MR; r++) {
                // Broadcast straight from memory (a load-unit op), then flip to u8 on the vector side.
                __m512i a;
                __asm__("vpbroadcastd %1, %0" : "=v"(a) : "m"(*(const int32_t *)(const void *)(p[r] + 4 * q)));
                for (int v = 0; v < NV; v++) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], a, w[v]);
            }
            if (SAT && (--left == 0 || q == cq - 1)) {
                for (int r = 0; r < MR; r++)
                    for (int v = 0; v < NV; v++) acc[r][v] = _mm512_min_epi32(_mm512_max_epi32(acc[r][v], slo), shi);
                left = qb;
            }
        }
    }
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) {
        __m512i col[16];
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) col[r] = acc[r][v];
        rq_block_store_any(MR, 0, col, rows, rq, c0 + 16 * v, out_c - c0 - 16 * v, out, out_stride);
    }
}

/// 16 output pixels of one 16-channel block whose kernel-row runs are evenly spaced by STEP bytes (one
/// output row at stride 1 with 16 or 3 input channels): one pointer per kernel row, the others as
/// constant displacements, so 16 accumulators fit without spilling 16 row pointers.
static inline __attribute__((always_inline)) void gemm_tile_even(
    const int STEP, const uint8_t *const *ind, int taps, int cq, const int8_t *b, const int32_t *bias,
    const dscsimd_requant *rq, int out_c, uint8_t *out, size_t out_stride)
{
    __m512i acc[16];
    const __m512i bv = _mm512_loadu_si512((const void *)bias);
    for (int r = 0; r < 16; r++) acc[r] = bv;
    for (int t = 0; t < taps; t++) {
        const uint8_t *p = ind[(size_t)t * DSCSIMD_RB];
#pragma clang loop unroll_count(4)
        for (int q = 0; q < cq; q++) {
            const __m512i w = _mm512_loadu_si512((const void *)b);
            b += 64;
#pragma clang loop unroll(full)
            for (int r = 0; r < 16; r++) {
                __m512i x;
                __asm__("vpbroadcastd %1, %0" : "=v"(x) : "m"(*(const int32_t *)(const void *)(p + r * STEP + 4 * q)));
                acc[r] = _mm512_dpbusd_epi32(acc[r], x, w);
            }
        }
    }
    rq_block_store_any(16, 0, acc, 16, rq, 0, out_c, out, out_stride);
}

/// `gemm_tile_even` for a block of at most 8 channels: two output pixels per vector (lanes 0-7 pixel
/// 2i, lanes 8-15 pixel 2i+1), as in `gemm_tile`'s 8-channel branch, with constant displacements.
static inline __attribute__((always_inline)) void gemm_tile_even_pairs(
    const int STEP, const uint8_t *const *ind, int taps, int cq, const int8_t *b, const int32_t *bias,
    const dscsimd_requant *rq, int out_c, uint8_t *out, size_t out_stride)
{
    const __m512i bv = _mm512_loadu_si512((const void *)bias);
    __m512i pair[8];
    for (int i = 0; i < 8; i++) pair[i] = _mm512_shuffle_i64x2(bv, bv, 0x44);
    for (int t = 0; t < taps; t++) {
        const uint8_t *p = ind[(size_t)t * DSCSIMD_RB];
#pragma clang loop unroll_count(4)
        for (int q = 0; q < cq; q++) {
            const __m512i w = _mm512_loadu_si512((const void *)b);
            const __m512i wd = _mm512_shuffle_i64x2(w, w, 0x44);
            b += 64;
#pragma clang loop unroll(full)
            for (int i = 0; i < 8; i++) {
                int32_t ga, gb;
                memcpy(&ga, p + (2 * i) * STEP + 4 * q, 4);
                memcpy(&gb, p + (2 * i + 1) * STEP + 4 * q, 4);
                const __m512i x = _mm512_mask_set1_epi32(_mm512_set1_epi32(ga), (__mmask16)0xFF00, gb);
                pair[i] = _mm512_dpbusd_epi32(pair[i], x, wd);
            }
        }
    }
    rq_block_store_any(16, 1, pair, 16, rq, 0, out_c, out, out_stride);
}

/// Whether the 16 rows of a row-runs tile start `step` (= stride_w * C) bytes apart. The kernel rows of
/// every pixel are the same offsets from its first, so the first kernel row decides; and consecutive
/// pixels of the padded image are never closer than `step` (a new output row jumps by
/// C * (stride_h * padded_w - (out_w - 1) * stride_w) >= C * kernel_w, a new image by at least as much),
/// so the last row being 15 steps from the first means every gap is one step.
static inline __attribute__((always_inline)) int even16(const uint8_t *const *ind, size_t step) {
    return ind[15] == ind[0] + 15 * step;
}

#endif
