// The AVX2 conv tile: MR output pixels x 16 channels on vpmaddwd.
#ifndef DSCSIMD_GEMM_TILE_AVX2_H
#define DSCSIMD_GEMM_TILE_AVX2_H

#include "../requant/requant.h"
#include "conv-indirection.h"

/// One tile: MR output pixels x 16 channels (see the AVX-512 tile for the arguments; SAT clamps the
/// channel sums after every `qb` groups of a tap and at its end).
static inline __attribute__((always_inline)) void gemm_tile(
    const int MR, const int NV, int rows, const uint8_t *const *ind, int taps, int cq,
    const int8_t *b, size_t block_stride, uint32_t xr, const int32_t *bias, const dscsimd_requant *rq,
    int c0, int out_c, uint8_t *out, size_t out_stride, const int16_t *b16, const int SAT, int qb)
{
    (void)b16;
    (void)block_stride;
    // vpmaddwd on int16: a 64-bit broadcast of the row's 4 bytes (u8 → int16) against 4 channels x
    // 4 k of weights (int8 → int16) gives, per channel, the sums of k0,k1 and of k2,k3 in adjacent
    // lanes; the pairs are added once at the end. Exact: |255 * 128 * 2| < 2^31.
    (void)NV;
    __m256i acc[8][4];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++)
#pragma clang loop unroll(full)
        for (int g = 0; g < 4; g++) acc[r][g] = _mm256_setzero_si256();
    const __m256i flip = _mm256_set1_epi32((int32_t)xr);
    const __m256i spread = _mm256_setr_epi8(0, -1, 1, -1, 2, -1, 3, -1, 0, -1, 1, -1, 2, -1, 3, -1,
                                            0, -1, 1, -1, 2, -1, 3, -1, 0, -1, 1, -1, 2, -1, 3, -1);
    // SAT: the channel sums of each block (the pairs added) accumulate and clamp here, channels 0-7 and 8-15.
    __m256i sacc[8][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) sacc[r][0] = sacc[r][1] = _mm256_setzero_si256();
    const __m256i slo = _mm256_set1_epi32(SAT ? rq->sat_lo : 0), shi = _mm256_set1_epi32(SAT ? rq->sat_hi : 0);
    for (int t = 0; t < taps; t++) {
        const uint8_t *p[8];
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) p[r] = ind[(size_t)t * DSCSIMD_RB + r];
        int left = qb;
        for (int q = 0; q < cq; q++) {
            __m256i w[4];
            if (b16) {
                for (int g = 0; g < 4; g++) w[g] = _mm256_loadu_si256((const __m256i *)(const void *)(b16 + 16 * g));
                b16 += 64;
            } else {
                for (int g = 0; g < 4; g++) w[g] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(b + 16 * g)));
                b += 64;
            }
            // Unrolled so the accumulators stay in registers (a rolled loop indexes them in memory).
#pragma clang loop unroll(full)
            for (int r = 0; r < MR; r++) {
                // The row's 4 bytes broadcast from memory, flipped, then spread to 4 int16 (twice per
                // 128-bit lane) by one byte shuffle.
                int32_t word;
                __builtin_memcpy(&word, p[r] + 4 * q, 4);
                __m256i a16 = _mm256_shuffle_epi8(_mm256_xor_si256(_mm256_set1_epi32(word), flip), spread);
#pragma clang loop unroll(full)
                for (int g = 0; g < 4; g++) acc[r][g] = _mm256_add_epi32(acc[r][g], _mm256_madd_epi16(a16, w[g]));
            }
            if (SAT && (--left == 0 || q == cq - 1)) {
#pragma clang loop unroll(full)
                for (int r = 0; r < MR; r++) {
                    const __m256i lo8 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xD8);
                    const __m256i hi8 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][2], acc[r][3]), 0xD8);
                    sacc[r][0] = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(sacc[r][0], lo8), slo), shi);
                    sacc[r][1] = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(sacc[r][1], hi8), slo), shi);
#pragma clang loop unroll(full)
                    for (int g = 0; g < 4; g++) acc[r][g] = _mm256_setzero_si256();
                }
                left = qb;
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r >= rows) continue;
        __m256i lo8 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xD8);
        __m256i hi8 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][2], acc[r][3]), 0xD8);
        if (SAT) {
            lo8 = sacc[r][0];
            hi8 = sacc[r][1];
        }
        v16si sum;
        __builtin_memcpy(&sum, &lo8, 32);
        __builtin_memcpy((char *)&sum + 32, &hi8, 32);
        sum = (v16si)((v16su)sum + (v16su)load_v16si(bias + c0));
        rq_store16(out + r * out_stride, c0, sum, rq, out_c - c0);
    }
}

#endif
