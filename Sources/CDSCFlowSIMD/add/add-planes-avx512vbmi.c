// Add (int8, same shapes) on AVX-512 VBMI with byte-plane tables of each input's rescale.
#include "../isa/avx512vbmi-begin.h"
#if DSCSIMD_BUILD
#include "../requant/requant.h"

/// Add (int8) with byte-plane tables (`dscsimd_add.planes1/2`) and the output rescale in the narrow form
/// (uniform multiplier >= 0, right shift ro in 1...30, `table_bound` + 2^(ro-1) + |zp| * 2^ro + 2 < 2^31,
/// checked by `dscsimd_add_planes_applicable`): per 64 inputs, 4 planes x 2 vpermt2b + a blend on the index's top bit give
/// the rescaled values' bytes, unpacks assemble them into int32 (in-lane order), the packs at the end
/// undo that order and saturate to int8 (the upper clamp when hi == 127).
void dscsimd_add_planes_avx512vbmi(const dscsimd_op *op) {
    const dscsimd_add *a = &op->add;
    const int ro = -a->output_shift, clamp_hi = a->hi < 127;
    const int64_t count = a->count;
    const dscsimd_rq_block rqo = dscsimd_rq_block_uniform(a->output_multiplier, ro, a->output_offset);
    const __m512i lo = _mm512_set1_epi32(a->lo), hi = _mm512_set1_epi32(a->hi);
    const int relu = a->lo >= a->output_offset;
    for (int64_t i = 0; i < count; i += 64) {
        const int64_t n = count - i < 64 ? count - i : 64;
        const __mmask64 live = n == 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
        __m512i d[2][4];
        for (int in = 0; in < 2; in++) {
            const uint8_t *src = in ? a->b : a->a;
            const uint8_t *planes = in ? a->planes2 : a->planes1;
            const __m512i x = _mm512_maskz_loadu_epi8(live, src + i);
            const __mmask64 top = _mm512_movepi8_mask(x);
            __m512i p[4];
            for (int q = 0; q < 4; q++) {
                const uint8_t *t = planes + 256 * q;
                __m512i low = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)t), x, _mm512_loadu_si512((const void *)(t + 64)));
                __m512i high = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)(t + 128)), x, _mm512_loadu_si512((const void *)(t + 192)));
                p[q] = _mm512_mask_blend_epi8(top, low, high);
            }
            const __m512i w_lo = _mm512_unpacklo_epi8(p[0], p[1]), w_hi = _mm512_unpackhi_epi8(p[0], p[1]);
            const __m512i v_lo = _mm512_unpacklo_epi8(p[2], p[3]), v_hi = _mm512_unpackhi_epi8(p[2], p[3]);
            d[in][0] = _mm512_unpacklo_epi16(w_lo, v_lo);
            d[in][1] = _mm512_unpackhi_epi16(w_lo, v_lo);
            d[in][2] = _mm512_unpacklo_epi16(w_hi, v_hi);
            d[in][3] = _mm512_unpackhi_epi16(w_hi, v_hi);
        }
        __m512i o[4];
        for (int j = 0; j < 4; j++) {
            __m512i v = _mm512_max_epi32(dscsimd_rq_narrow512(_mm512_add_epi32(d[0][j], d[1][j]), &rqo, relu), lo);
            o[j] = clamp_hi ? _mm512_min_epi32(v, hi) : v;
        }
        const __m512i bytes = _mm512_packs_epi16(_mm512_packs_epi32(o[0], o[1]), _mm512_packs_epi32(o[2], o[3]));
        _mm512_mask_storeu_epi8(a->output + i, live, bytes);
    }
}
#endif
#include "../isa/end.h"
