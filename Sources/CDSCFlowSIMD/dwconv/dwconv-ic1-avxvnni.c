// Depthwise conv of one input channel on AVX-VNNI, for C dividing 8 or a multiple of 8: each 16-lane
// output vector as two halves of 8 lanes; half h's lanes read the words of pixels (i + 8h + l) / C
// with one broadcast (C >= 8) or one permute (C < 8), then one 256-bit vpdpbusd per kernel row
// (dwconv-ic1.h).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "../requant/requant.h"
#include "dw-rows.h"

/// 16 output bytes (`count` of them stored) starting at byte i of the row.
static inline __attribute__((always_inline)) void ic1_vector(uint8_t *out, int count, const uint32_t *const *rowp,
                                                             int kh, size_t i, int C, const int32_t *lane_pixel,
                                                             const int32_t *vbias,
                                                             const int8_t *vw, int L, const dscsimd_requant *rq,
                                                             int j) {
    const __m256i perm = _mm256_loadu_si256((const __m256i *)(const void *)lane_pixel);
    __m256i acc[2];
    for (int h = 0; h < 2; h++) {
        acc[h] = _mm256_loadu_si256((const __m256i *)(const void *)(vbias + 8 * h));
        const int8_t *w = vw + (size_t)(8 * h) * 4;
        const size_t ph = (i + 8 * (size_t)h) / (size_t)C;
        for (int ky = 0; ky < kh; ky++) {
            const __m256i x = C >= 8 ? _mm256_set1_epi32((int)rowp[ky][ph])
                                     : _mm256_permutevar8x32_epi32(
                                           _mm256_loadu_si256((const __m256i *)(const void *)(rowp[ky] + ph)), perm);
            acc[h] = _mm256_dpbusd_avx_epi32(acc[h], x, _mm256_loadu_si256((const __m256i *)(const void *)(w + (size_t)ky * L * 4)));
        }
    }
    v16si sum;
    memcpy(&sum, acc, 64);
    store_partial16(out, requant16(sum, rq, j), count);
}

#include "dwconv-ic1.h"
#endif
#include "../isa/end.h"
