// The AVX-VNNI conv tile: MR output pixels x 16 channels on 256-bit vpdpbusd.
#ifndef DSCSIMD_GEMM_TILE_AVXVNNI_H
#define DSCSIMD_GEMM_TILE_AVXVNNI_H

#include "../requant/requant.h"
#include "conv-indirection.h"

/// One tile: MR output pixels x 16 channels (see the AVX-512 tile for the arguments; SAT clamps the
/// accumulators after every `qb` groups of a tap and at its end).
static inline __attribute__((always_inline)) void gemm_tile(
    const int MR, const int NV, int rows, const uint8_t *const *ind, int taps, int cq,
    const int8_t *b, size_t block_stride, uint32_t xr, const int32_t *bias, const dscsimd_requant *rq,
    int c0, int out_c, uint8_t *out, size_t out_stride, const int16_t *b16, const int SAT, int qb)
{
    (void)b16;
    (void)NV;
    // AVX-VNNI: the row's 4 bytes (flipped to u8) broadcast against 8 channels x 4 k of int8 weights,
    // one 256-bit vpdpbusd per 8 channels, the same u8 x s8 products as the vpmaddwd form.
    (void)block_stride;
    __m256i acc[8][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
    const __m256i flip = _mm256_set1_epi32((int32_t)xr);
    const __m256i slo = _mm256_set1_epi32(SAT ? rq->sat_lo : 0), shi = _mm256_set1_epi32(SAT ? rq->sat_hi : 0);
    for (int t = 0; t < taps; t++) {
        const uint8_t *p[8];
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) p[r] = ind[(size_t)t * DSCSIMD_RB + r];
        int left = qb;
        for (int q = 0; q < cq; q++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)(const void *)b);
            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
            b += 64;
            // Unrolled so the accumulators stay in registers (a rolled loop indexes them in memory).
#pragma clang loop unroll(full)
            for (int r = 0; r < MR; r++) {
                int32_t word;
                __builtin_memcpy(&word, p[r] + 4 * q, 4);
                const __m256i a4 = _mm256_xor_si256(_mm256_set1_epi32(word), flip);
                acc[r][0] = _mm256_dpbusd_avx_epi32(acc[r][0], a4, w0);
                acc[r][1] = _mm256_dpbusd_avx_epi32(acc[r][1], a4, w1);
            }
            if (SAT && (--left == 0 || q == cq - 1)) {
#pragma clang loop unroll(full)
                for (int r = 0; r < MR; r++) {
                    acc[r][0] = _mm256_min_epi32(_mm256_max_epi32(acc[r][0], slo), shi);
                    acc[r][1] = _mm256_min_epi32(_mm256_max_epi32(acc[r][1], slo), shi);
                }
                left = qb;
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r >= rows) continue;
        // By value (no address of acc taken, which would keep the accumulators in memory).
        union { __m256i h[2]; v16si v; } u;
        u.h[0] = acc[r][0];
        u.h[1] = acc[r][1];
        v16si sum = (v16si)((v16su)u.v + (v16su)load_v16si(bias + c0));
        rq_store16(out + r * out_stride, c0, sum, rq, out_c - c0);
    }
}

#endif
