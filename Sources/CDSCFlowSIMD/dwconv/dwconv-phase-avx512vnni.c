// Depthwise conv in natural (pixel, channel) order on AVX-512 VNNI: four 512-bit vpdpbusd "phases"
// per tap, 64 output bytes per chunk (dwconv-phase.h walks the rows).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "../requant/requant.h"
#include "dw-rows.h"

/// One 64-byte chunk of an output row: phase k's accumulator (lane j = byte 4j+k) over the taps, the
/// four phases requantized and interleaved back into bytes with shifts and bit selects.
static inline __attribute__((always_inline)) void phase_chunk(uint8_t *out, size_t left, const uint8_t *const *base,
                                                              size_t i, int taps, const int32_t *pbias,
                                                              const int8_t *w, size_t wstride,
                                                              const dscsimd_requant *rq, int j) {
    const __m512i m8 = _mm512_set1_epi32(0xFF), m16 = _mm512_set1_epi32(0xFFFF), m24 = _mm512_set1_epi32(0xFFFFFF);
    __m512i acc0 = _mm512_loadu_si512((const void *)pbias);
    __m512i acc1 = _mm512_loadu_si512((const void *)(pbias + 16));
    __m512i acc2 = _mm512_loadu_si512((const void *)(pbias + 32));
    __m512i acc3 = _mm512_loadu_si512((const void *)(pbias + 48));
#define DSC_PHASE_TAP(k, A0, A1, A2, A3)                                                              \
    do {                                                                                              \
        __m512i x = _mm512_loadu_si512((const void *)(base[k] + i));                                  \
        const int8_t *wt = w + (size_t)(k) * wstride;                                                 \
        A0 = _mm512_dpbusd_epi32(A0, x, _mm512_loadu_si512((const void *)wt));                        \
        A1 = _mm512_dpbusd_epi32(A1, x, _mm512_loadu_si512((const void *)(wt + 64)));                 \
        A2 = _mm512_dpbusd_epi32(A2, x, _mm512_loadu_si512((const void *)(wt + 128)));                \
        A3 = _mm512_dpbusd_epi32(A3, x, _mm512_loadu_si512((const void *)(wt + 192)));                \
    } while (0)
    if (taps == 9) {
        // Two partial sums per phase halve the dependency chains (latency-bound otherwise).
        __m512i b0 = _mm512_setzero_si512(), b1 = b0, b2 = b0, b3 = b0;
        DSC_PHASE_TAP(0, acc0, acc1, acc2, acc3); DSC_PHASE_TAP(1, b0, b1, b2, b3);
        DSC_PHASE_TAP(2, acc0, acc1, acc2, acc3); DSC_PHASE_TAP(3, b0, b1, b2, b3);
        DSC_PHASE_TAP(4, acc0, acc1, acc2, acc3); DSC_PHASE_TAP(5, b0, b1, b2, b3);
        DSC_PHASE_TAP(6, acc0, acc1, acc2, acc3); DSC_PHASE_TAP(7, b0, b1, b2, b3);
        DSC_PHASE_TAP(8, acc0, acc1, acc2, acc3);
        acc0 = _mm512_add_epi32(acc0, b0);
        acc1 = _mm512_add_epi32(acc1, b1);
        acc2 = _mm512_add_epi32(acc2, b2);
        acc3 = _mm512_add_epi32(acc3, b3);
    } else {
        for (int k = 0; k < taps; k++) DSC_PHASE_TAP(k, acc0, acc1, acc2, acc3);
    }
#undef DSC_PHASE_TAP
    __m512i v0 = (__m512i)requant16_i32((v16si)acc0, rq, j);
    __m512i v1 = (__m512i)requant16_i32((v16si)acc1, rq, j + 16);
    __m512i v2 = (__m512i)requant16_i32((v16si)acc2, rq, j + 32);
    __m512i v3 = (__m512i)requant16_i32((v16si)acc3, rq, j + 48);
    // Byte k of lane j from phase k: bit selects (mask ? first : second), imm 0xCA.
    __m512i o = _mm512_ternarylogic_epi32(m8, v0, _mm512_slli_epi32(v1, 8), 0xCA);
    o = _mm512_ternarylogic_epi32(m16, o, _mm512_slli_epi32(v2, 16), 0xCA);
    o = _mm512_ternarylogic_epi32(m24, o, _mm512_slli_epi32(v3, 24), 0xCA);
    if (left >= 64) _mm512_storeu_si512((void *)out, o);
    else _mm512_mask_storeu_epi8(out, (__mmask64)((1ull << left) - 1u), o);
}

#include "dwconv-phase.h"
#endif
#include "../isa/end.h"
