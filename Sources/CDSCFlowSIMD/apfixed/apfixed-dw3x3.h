// The ap_fixed depthwise 3x3 kernel (`dscsimd_apfixed_dw`), built once per ISA: every tap's
// round-half-up and saturation in the FM type, across the lanes of a cell.
//
// One tap: floor((128 acc + w x + 64) / 128) = acc + floor((w x + 64) / 128) because 128 acc is a
// multiple of 128. On AVX2 / AVX-512 the product term is one vpmulhrsw of (16 w) and (16 x):
// ((16w)(16x) + 2^14) >> 15 = floor((w x + 64) / 128) exactly (|16 w| <= 2^14, |16 x| <= 2^12 fit
// int16, and vpmulhrsw's ((p >> 14) + 1) >> 1 equals (p + 2^14) >> 15). The sum acc + t
// (|t| <= 2^11) cannot overflow int16 before the clamp.
#ifndef DSCSIMD_APFIXED_DW3X3_H
#define DSCSIMD_APFIXED_DW3X3_H

#include "apfixed-common.h"

#if KVNNI
/// 32 lanes: one zmm of int16.
static inline __attribute__((always_inline)) void apfixed_dw_cell32(const int16_t *x, int32_t rs, int16_t *y,
                                                                      const __m512i *w16, int relu) {
    const __m512i lo = _mm512_set1_epi16(-256), hi = _mm512_set1_epi16(255);
    __m512i acc = _mm512_loadu_si512(y);
    for (int ky = 0; ky < 3; ky++) {
        for (int kx = 0; kx < 3; kx++) {
            __m512i v = _mm512_slli_epi16(_mm512_loadu_si512(x + (ky - 1) * rs + (kx - 1) * 32), 4);
            acc = _mm512_add_epi16(acc, _mm512_mulhrs_epi16(w16[3 * ky + kx], v));
            acc = _mm512_min_epi16(_mm512_max_epi16(acc, lo), hi);
        }
    }
    if (relu) acc = _mm512_max_epi16(acc, _mm512_setzero_si512());
    _mm512_storeu_si512(y, acc);
}
#endif

#if KAVX2 || KVNNI
/// 16 lanes at `x` (stride `lanes` between cells of a row): one ymm of int16.
static inline __attribute__((always_inline)) void apfixed_dw_cell16(const int16_t *x, int32_t rs, int32_t lanes,
                                                                      int16_t *y, const __m256i *w16, int relu) {
    const __m256i lo = _mm256_set1_epi16(-256), hi = _mm256_set1_epi16(255);
    __m256i acc = _mm256_loadu_si256((const __m256i *)y);
    for (int ky = 0; ky < 3; ky++) {
        for (int kx = 0; kx < 3; kx++) {
            __m256i v = _mm256_slli_epi16(_mm256_loadu_si256((const __m256i *)(x + (ky - 1) * rs + (kx - 1) * lanes)), 4);
            acc = _mm256_add_epi16(acc, _mm256_mulhrs_epi16(w16[3 * ky + kx], v));
            acc = _mm256_min_epi16(_mm256_max_epi16(acc, lo), hi);
        }
    }
    if (relu) acc = _mm256_max_epi16(acc, _mm256_setzero_si256());
    _mm256_storeu_si256((__m256i *)y, acc);
}
#endif

void KFN(dscsimd_apfixed_dw3x3)(const dscsimd_apfixed_dw *a) {
    const int32_t L = a->lanes, srs = a->src_row_stride, drs = a->dst_row_stride;
    const int relu = a->relu != 0;
#if KVNNI || KAVX2
    // The weights times 16, per 16-lane chunk and tap.
    __m256i w16[DSCSIMD_APFIXED_MAX_LANES / 16][9];
    for (int32_t k = 0; k < L / 16; k++)
        for (int t = 0; t < 9; t++)
            w16[k][t] = _mm256_slli_epi16(_mm256_loadu_si256((const __m256i *)(a->weights + t * L + 16 * k)), 4);
#endif
#if KVNNI
    __m512i w32[9];
    if (L == 32)
        for (int t = 0; t < 9; t++) w32[t] = _mm512_inserti64x4(_mm512_castsi256_si512(w16[0][t]), w16[1][t], 1);
#endif
    for (int32_t r = 0; r < a->rows; r++) {
        const int16_t *x = a->src + (size_t)r * srs;
        int16_t *y = a->dst + (size_t)r * drs;
        for (int32_t c = 0; c < a->cols; c++, x += L, y += L) {
#if KVNNI
            if (L == 32) {
                apfixed_dw_cell32(x, srs, y, w32, relu);
                continue;
            }
#endif
#if KVNNI || KAVX2
            for (int32_t k = 0; k < L / 16; k++) apfixed_dw_cell16(x + 16 * k, srs, L, y + 16 * k, w16[k], relu);
#else
            for (int32_t k = 0; k < L; k += 16) {
                v16si acc = load16_apf(y + k);
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        v16si v = load16_apf(x + k + (ky - 1) * srs + (kx - 1) * L);
                        v16si w = load16_apf(a->weights + (3 * ky + kx) * L + k);
                        acc = clamp_apf(acc + ((w * v + 64) >> 7), -256, 255);
                    }
                }
                if (relu) acc = __builtin_elementwise_max(acc, splat_v16si(0));
                store16_apf(y + k, acc);
            }
#endif
        }
    }
}

#endif
