// Depthwise conv in natural (pixel, channel) order on AVX-VNNI: the phase tables of the AVX-512
// kernel, each 64-byte chunk as two 32-byte halves (8 accumulators of 256-bit vpdpbusd); stride
// phases come from `dw_row` (dwconv-phase.h walks the rows).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "../requant/requant.h"
#include "dw-rows.h"

/// One 64-byte chunk of an output row: the four phases in two halves, requantized in the generic
/// 16-lane code and interleaved back into bytes.
static inline __attribute__((always_inline)) void phase_chunk(uint8_t *out, size_t left, const uint8_t *const *base,
                                                              size_t i, int taps, const int32_t *pbias,
                                                              const int8_t *w, size_t wstride,
                                                              const dscsimd_requant *rq, int j) {
    __m256i acc[4][2];
    for (int p = 0; p < 4; p++)
        for (int h = 0; h < 2; h++)
            acc[p][h] = _mm256_loadu_si256((const __m256i *)(const void *)(pbias + 16 * p + 8 * h));
    for (int k = 0; k < taps; k++) {
        const int8_t *wt = w + (size_t)k * wstride;
        for (int h = 0; h < 2; h++) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(base[k] + i + 32 * h));
            for (int p = 0; p < 4; p++)
                acc[p][h] = _mm256_dpbusd_avx_epi32(
                    acc[p][h], x, _mm256_loadu_si256((const __m256i *)(const void *)(wt + 64 * p + 32 * h)));
        }
    }
    v16si v[4];
    for (int p = 0; p < 4; p++) {
        v16si sum;
        memcpy(&sum, &acc[p][0], 32);
        memcpy((char *)&sum + 32, &acc[p][1], 32);
        v[p] = requant16_i32(sum, rq, j + 16 * p);
    }
    // Byte p of lane l comes from phase p.
    const v16si b8 = splat_v16si(0xFF);
    const v16si o = (v[0] & b8) | ((v[1] & b8) << 8) | ((v[2] & b8) << 16) | (v[3] << 24);
    if (left >= 64) memcpy(out, &o, 64);
    else memcpy(out, &o, left);
}

#include "dwconv-phase.h"
#endif
#include "../isa/end.h"
