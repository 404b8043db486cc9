// The AVX2 conv tile for small weights and activations (4-bit weights; DSCSIMD_KERNEL_CONV_*_NIBBLE):
// MR output pixels x 16 channels on vpmaddubsw, whose int16 pair sums accumulate in int16 lanes for
// `period` 4-byte groups before one vpmaddwd widens them to int32.
#ifndef DSCSIMD_GEMM_TILE_NIBBLE_AVX2_H
#define DSCSIMD_GEMM_TILE_NIBBLE_AVX2_H

#include "../requant/requant.h"
#include "../conv/conv-indirection.h"

/// One tile: MR output pixels x 16 channels (the arguments of the AVX-512 tile; `period` is
/// `dscsimd_conv.nibble_groups`). The packer proved |x * w| <= bound for every input byte x (flipped
/// to u8) and weight w with 2 * bound * period <= 32767, so vpmaddubsw never saturates and no int16
/// lane wraps: the int32 sums are exact.
static inline __attribute__((always_inline)) void gemm_tile(
    const int MR, const int NV, int rows, const uint8_t *const *ind, int taps, int cq,
    const int8_t *b, size_t block_stride, uint32_t xr, const int32_t *bias, const dscsimd_requant *rq,
    int c0, int out_c, uint8_t *out, size_t out_stride, const int16_t *b16, const int SAT, int period)
{
    (void)NV; (void)block_stride; (void)b16; (void)SAT;
    // Per 4-byte group: the row's 4 bytes broadcast against 8 channels x 4 k of weights; vpmaddubsw
    // gives per channel the sums of k0,k1 and of k2,k3 in adjacent int16 lanes; vpmaddwd with ones
    // adds them into the channel's int32 lane (channels 0-7 in half 0, 8-15 in half 1).
    __m256i acc[4][2], wide[4][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = wide[r][0] = wide[r][1] = _mm256_setzero_si256();
    const __m256i flip = _mm256_set1_epi32((int32_t)xr), ones = _mm256_set1_epi16(1);
    int left = period;
    for (int t = 0; t < taps; t++) {
        const uint8_t *p[4];
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) p[r] = ind[(size_t)t * DSCSIMD_RB + r];
        for (int q = 0; q < cq; q++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)(const void *)b);
            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
            b += 64;
#pragma clang loop unroll(full)
            for (int r = 0; r < MR; r++) {
                int32_t word;
                __builtin_memcpy(&word, p[r] + 4 * q, 4);
                const __m256i a4 = _mm256_xor_si256(_mm256_set1_epi32(word), flip);
                acc[r][0] = _mm256_add_epi16(acc[r][0], _mm256_maddubs_epi16(a4, w0));
                acc[r][1] = _mm256_add_epi16(acc[r][1], _mm256_maddubs_epi16(a4, w1));
            }
            if (--left == 0) {
#pragma clang loop unroll(full)
                for (int r = 0; r < MR; r++) {
                    wide[r][0] = _mm256_add_epi32(wide[r][0], _mm256_madd_epi16(acc[r][0], ones));
                    wide[r][1] = _mm256_add_epi32(wide[r][1], _mm256_madd_epi16(acc[r][1], ones));
                    acc[r][0] = acc[r][1] = _mm256_setzero_si256();
                }
                left = period;
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r >= rows) continue;
        union { __m256i h[2]; v16si v; } u;
        u.h[0] = _mm256_add_epi32(wide[r][0], _mm256_madd_epi16(acc[r][0], ones));
        u.h[1] = _mm256_add_epi32(wide[r][1], _mm256_madd_epi16(acc[r][1], ones));
        v16si sum = (v16si)((v16su)u.v + (v16su)load_v16si(bias + c0));
        rq_store16(out + r * out_stride, c0, sum, rq, out_c - c0);
    }
}

#endif
