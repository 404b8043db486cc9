// Depthwise conv of one input channel on AVX-512 VNNI, for C dividing 16 or a multiple of 16: output
// vector i (bytes 16i...16i+15 of the row, pixel (16i + j) / C in lane j) takes its pixels' tap words
// with one permute (C < 16) or broadcast (C >= 16), then one vpdpbusd per kernel row (dwconv-ic1.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "../requant/requant.h"
#include "dw-rows.h"

/// 16 output bytes (`count` of them stored) starting at byte i of the row.
static inline __attribute__((always_inline)) void ic1_vector(uint8_t *out, int count, const uint32_t *const *rowp,
                                                             int kh, size_t i, int C, const int32_t *lane_pixel,
                                                             const int32_t *vbias,
                                                             const int8_t *w, int L, const dscsimd_requant *rq,
                                                             int j) {
    const __m512i perm = _mm512_loadu_si512((const void *)lane_pixel);
    __m512i acc = _mm512_loadu_si512((const void *)vbias);
    const size_t p0 = i / (size_t)C;
    for (int ky = 0; ky < kh; ky++) {
        __m512i x = C >= 16 ? _mm512_set1_epi32((int)rowp[ky][p0])
                            : _mm512_permutexvar_epi32(perm, _mm512_loadu_si512((const void *)(rowp[ky] + p0)));
        acc = _mm512_dpbusd_epi32(acc, x, _mm512_loadu_si512((const void *)(w + (size_t)ky * L * 4)));
    }
    v16qu o = requant16((v16si)acc, rq, j);
    if (count >= 16) _mm_storeu_si128((__m128i *)(void *)out, (__m128i)o);
    else _mm_mask_storeu_epi8(out, (__mmask16)((1u << count) - 1u), (__m128i)o);
}

#include "dwconv-ic1.h"
#endif
#include "../isa/end.h"
