// The portable conv tile: MR output pixels x NV blocks of 16 channels in generic vectors.
#ifndef DSCSIMD_GEMM_TILE_PORTABLE_H
#define DSCSIMD_GEMM_TILE_PORTABLE_H

#include "../requant/requant.h"
#include "conv-indirection.h"

/// One tile: MR output pixels x NV blocks of 16 channels (see the AVX-512 tile for the arguments; SAT
/// clamps the accumulators after every `qb` groups of a tap and at its end).
static inline __attribute__((always_inline)) void gemm_tile(
    const int MR, const int NV, int rows, const uint8_t *const *ind, int taps, int cq,
    const int8_t *b, size_t block_stride, uint32_t xr, const int32_t *bias, const dscsimd_requant *rq,
    int c0, int out_c, uint8_t *out, size_t out_stride, const int16_t *b16, const int SAT, int qb)
{
    (void)b16;
    v16si acc[16][4];
    for (int v = 0; v < NV; v++) {
        v16si bv = load_v16si(bias + c0 + 16 * v);
        for (int r = 0; r < MR; r++) acc[r][v] = bv;
    }
    const v16si slo = splat_v16si(SAT ? rq->sat_lo : 0), shi = splat_v16si(SAT ? rq->sat_hi : 0);
    for (int t = 0; t < taps; t++) {
        const uint8_t *p[16];
        for (int r = 0; r < MR; r++) p[r] = ind[(size_t)t * DSCSIMD_RB + r];
        int left = qb;
        for (int q = 0; q < cq; q++) {
            v16si w[4][4];
            for (int v = 0; v < NV; v++) {
                v16si w32 = load_v16si((const int32_t *)(const void *)(b + v * block_stride));
                w[v][0] = (w32 << 24) >> 24;
                w[v][1] = (w32 << 16) >> 24;
                w[v][2] = (w32 << 8) >> 24;
                w[v][3] = w32 >> 24;
            }
            b += 64;
            for (int r = 0; r < MR; r++) {
                uint32_t word;
                __builtin_memcpy(&word, p[r] + 4 * q, 4);
                word ^= xr;
                int a0 = (int)(word & 0xFF), a1 = (int)((word >> 8) & 0xFF);
                int a2 = (int)((word >> 16) & 0xFF), a3 = (int)(word >> 24);
                for (int v = 0; v < NV; v++)
                    acc[r][v] = (v16si)((v16su)acc[r][v] + (v16su)(w[v][0] * a0 + w[v][1] * a1 + w[v][2] * a2 + w[v][3] * a3));
            }
            if (SAT && (--left == 0 || q == cq - 1)) {
                for (int r = 0; r < MR; r++)
                    for (int v = 0; v < NV; v++)
                        acc[r][v] = __builtin_elementwise_min(__builtin_elementwise_max(acc[r][v], slo), shi);
                left = qb;
            }
        }
    }
    for (int r = 0; r < MR; r++) {
        if (r >= rows) break;
        for (int v = 0; v < NV; v++) {
            int c = c0 + 16 * v;
            rq_store16(out + r * out_stride, c, acc[r][v], rq, out_c - c);
        }
    }
}

#endif
