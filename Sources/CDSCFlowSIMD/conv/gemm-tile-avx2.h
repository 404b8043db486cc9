// The AVX2 conv tile: MR output pixels x 16 channels on vpmaddwd.
#ifndef DSCSIMD_GEMM_TILE_AVX2_H
#define DSCSIMD_GEMM_TILE_AVX2_H

#include "../requant/requant.h"
#include "conv-indirection.h"

/// One tile: MR output pixels x NV blocks of 16 channels. `ind` holds, for each of the MR rows,
/// `taps` pointers to `cq * 4` input bytes; `b` the packed weights of the first block.
static inline __attribute__((always_inline)) void gemm_tile(
    const int MR, const int NV, int rows, const uint8_t *const *ind, int taps, int cq,
    const int8_t *b, size_t block_stride, uint32_t xr, const int32_t *bias, const dscsimd_requant *rq,
    int c0, int out_c, uint8_t *out, size_t out_stride, const int16_t *b16)
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
    for (int t = 0; t < taps; t++) {
        const uint8_t *p[8];
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) p[r] = ind[(size_t)t * DSCSIMD_RB + r];
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
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r >= rows) continue;
        __m256i lo8 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xD8);
        __m256i hi8 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][2], acc[r][3]), 0xD8);
        v16si sum;
        __builtin_memcpy(&sum, &lo8, 32);
        __builtin_memcpy((char *)&sum + 32, &hi8, 32);
        sum = (v16si)((v16su)sum + (v16su)load_v16si(bias + c0));
        v16qu o = requant16(sum, rq, c0);
        store_partial16(out + r * out_stride + c0, o, out_c - c0);
    }
}

#endif
