// AVX2 requantization: gemmlowp double rounding on 8 lanes. Included only by AVX2 and AVX-VNNI builds.
#ifndef DSCSIMD_REQUANT_AVX2_H
#define DSCSIMD_REQUANT_AVX2_H

/// `rq_double512` on 8 lanes with AVX2 (same formulas).
static inline __attribute__((always_inline)) __m256i rq_double256(__m256i x, __m256i m, __m256i l, __m256i r,
                                                                       __m256i mask, int flags) {
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
    __m256i a = (flags & DSCSIMD_RQ_LEFT_SHIFT) ? _mm256_sllv_epi32(x, l) : x;
    __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(a, m), nudge);
    __m256i po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(m, 32)), nudge);
    __m256i h = _mm256_blend_epi32(_mm256_srli_epi64(pe, 31), _mm256_slli_epi64(po, 1), 0xAA);
    if (flags & DSCSIMD_RQ_MIN_MULTIPLIER) {
        const __m256i min = _mm256_set1_epi32(INT32_MIN);
        __m256i sat = _mm256_and_si256(_mm256_cmpeq_epi32(a, min), _mm256_cmpeq_epi32(m, min));
        h = _mm256_blendv_epi8(h, _mm256_set1_epi32(INT32_MAX), sat);
    }
    __m256i rem = _mm256_and_si256(h, mask);
    __m256i thr = _mm256_add_epi32(_mm256_srli_epi32(mask, 1), _mm256_srli_epi32(h, 31));
    return _mm256_sub_epi32(_mm256_srav_epi32(h, r), _mm256_cmpgt_epi32(rem, thr));
}

#endif
