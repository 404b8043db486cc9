// Exact MultiplyByQuantizedMultiplier + zero point + clamp on 16 lanes, for every build: the generic
// vector form (portable), with the AVX2 and AVX-512 forms where the build has them.
#ifndef DSCSIMD_REQUANT_H
#define DSCSIMD_REQUANT_H

#include "../common/vectors.h"
/// gemmlowp double rounding: RDBPOT(SRDHM(x << l, m), r). SRDHM's nudge and truncating division
/// collapse to floor((a*m + 2^30) / 2^31) for both signs; the only overflow (INT32_MIN^2)
/// saturates to INT32_MAX.
static inline __attribute__((always_inline)) v16si rq_double(v16si x, v16si m, v16si l, v16si r) {
    v16si a = (v16si)((v16su)x << (v16su)l);
    v16di p = __builtin_convertvector(a, v16di) * __builtin_convertvector(m, v16di);
    v16si h = __builtin_convertvector((p + ((int64_t)1 << 30)) >> 31, v16si);
    v16si sat = (a == INT32_MIN) & (m == INT32_MIN);
    h = (h & ~sat) | (INT32_MAX & sat);
    v16si mask = (v16si)((splat_v16su(1) << (v16su)r) - 1u);
    v16si rem = h & mask;
    v16si thr = (mask >> 1) - (h < 0);
    return (h >> r) - (rem > thr);
}

/// TFLITE_SINGLE_ROUNDING: (x*m + 2^(t-1)) >> t, t = 31 - clamp(s, -31, 30) in 1...62.
static inline __attribute__((always_inline)) v16si rq_single(v16si x, v16si m, v16si t) {
    v16di tt = __builtin_convertvector(t, v16di);
    v16di p = __builtin_convertvector(x, v16di) * __builtin_convertvector(m, v16di);
    return __builtin_convertvector((p + (splat_v16di(1) << (tt - 1))) >> tt, v16si);
}

/// The saturating accumulator's last clamp and the bias that follows it (`dscsimd_requant.saturate`).
static inline __attribute__((always_inline)) v16si rq_saturate(v16si acc, const dscsimd_requant *rq, int c0) {
    acc = __builtin_elementwise_min(__builtin_elementwise_max(acc, splat_v16si(rq->sat_lo)), splat_v16si(rq->sat_hi));
    return (v16si)((v16su)acc + (v16su)load_v16si(rq->post_bias + c0));
}

/// DSCSIMD_RQ_MODE_MULSHIFT on 16 lanes: clamp((max(acc, 0) * M[c]) >> shift, lo, hi) on the 64-bit
/// product (the arithmetic shift is the floor), as `ChannelRequantizer` computes it.
static inline __attribute__((always_inline)) v16si rq_mulshift(v16si acc, const dscsimd_requant *rq, int c0) {
    if (rq->flags & DSCSIMD_RQ_MULSHIFT_NARROW) {
        acc = __builtin_elementwise_min(__builtin_elementwise_max(acc, splat_v16si(0)), load_v16si(rq->mulshift_cap + c0));
        v16si v = (v16si)(((v16su)acc * (v16su)load_v16si(rq->multiplier + c0)) >> (uint32_t)rq->mulshift_shift);
        return __builtin_elementwise_max(__builtin_elementwise_min(v, splat_v16si(rq->hi)), splat_v16si(rq->lo));
    }
    if (rq->mulshift_relu) acc = __builtin_elementwise_max(acc, splat_v16si(0));
    v16di p = __builtin_convertvector(acc, v16di) * __builtin_convertvector(load_v16si(rq->multiplier + c0), v16di);
    p = p >> (int64_t)rq->mulshift_shift;
    p = __builtin_elementwise_min(__builtin_elementwise_max(p, splat_v16di(rq->lo)), splat_v16di(rq->hi));
    return __builtin_convertvector(p, v16si);
}

/// DSCSIMD_RQ_MODE_MULADDSHIFT on 16 lanes: v = acc * M + A wrapping, then min((max(v, 0) + 2^(s-1)) >> s, hi)
/// in unsigned lanes (max(v, 0) + 2^30 cannot wrap), which is 0 for v <= 0 as 2^(s-1) < 2^s.
static inline __attribute__((always_inline)) v16si rq_muladdshift(v16si acc, const dscsimd_requant *rq, int c0) {
    const v16su v = (v16su)acc * (v16su)load_v16si(rq->multiplier + c0) + (v16su)load_v16si(rq->addend + c0);
    const uint32_t s = (uint32_t)rq->mulshift_shift;
    const uint32_t half = s > 0 ? (uint32_t)1 << (s - 1) : 0;
    const v16su r = ((v16su)__builtin_elementwise_max((v16si)v, splat_v16si(0)) + half) >> s;
    return __builtin_elementwise_min((v16si)r, splat_v16si(rq->hi));
}

// The ISA forms build on rq_single above.
#if KVNNI
#include "requant-avx512.h"
#elif KAVX2
#include "requant-avx2.h"
#endif

/// acc (bias added) of channels c0...c0+15 (c0 a multiple of 16) → the output values (zero point
/// added, clamped), as int32.
/// With DSCSIMD_RQ_MODE_RAW the accumulator itself (after the saturating clamp and bias, if any).
static inline __attribute__((always_inline)) v16si requant16_i32(v16si acc, const dscsimd_requant *rq, int c0) {
    if (rq->saturate) acc = rq_saturate(acc, rq, c0);
    if (rq->mode == DSCSIMD_RQ_MODE_MULSHIFT) return rq_mulshift(acc, rq, c0);
    if (rq->mode == DSCSIMD_RQ_MODE_RAW) return acc;
    if (rq->mode == DSCSIMD_RQ_MODE_MULADDSHIFT) return rq_muladdshift(acc, rq, c0);
    v16si m = load_v16si(rq->multiplier + c0);
    v16si v;
#if KVNNI
    if (!rq->single_rounding && (rq->flags & DSCSIMD_RQ_NARROW)) {
        const dscsimd_rq_block p = rq_block_load(rq, c0);
        v = (v16si)dscsimd_rq_narrow512((__m512i)acc, &p, rq->lo >= rq->zero_point);
        v = __builtin_elementwise_max(v, splat_v16si(rq->lo));
        return __builtin_elementwise_min(v, splat_v16si(rq->hi));
    }
#elif KAVX2
    if (!rq->single_rounding && (rq->flags & DSCSIMD_RQ_NARROW)) {
        // `dscsimd_rq_narrow512` on two halves of 8 lanes (the nudge table holds a block's even
        // lanes, then its odd lanes: half k's are entries 4k...4k+3 of each).
        const int relu = rq->lo >= rq->zero_point;
        __m256i half[2];
        for (int k = 0; k < 2; k++) {
            __m256i x;
            __builtin_memcpy(&x, (const char *)&acc + 32 * k, 32);
            const __m256i mk = _mm256_loadu_si256((const __m256i *)(const void *)(rq->multiplier + c0 + 8 * k));
            const __m256i rk = _mm256_loadu_si256((const __m256i *)(const void *)(rq->right_shift + c0 + 8 * k));
            const __m256i ne = _mm256_loadu_si256((const __m256i *)(const void *)(rq->narrow_nudge + c0 + 4 * k));
            const __m256i no = _mm256_loadu_si256((const __m256i *)(const void *)(rq->narrow_nudge + c0 + 8 + 4 * k));
            const __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, mk), ne);
            const __m256i po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mk, 32)), no);
            __m256i h = _mm256_blend_epi32(_mm256_srli_epi64(pe, 31), _mm256_slli_epi64(po, 1), 0xAA);
            if (!relu) h = _mm256_add_epi32(h, _mm256_srai_epi32(x, 31));
            half[k] = _mm256_srav_epi32(h, rk);
        }
        __builtin_memcpy(&v, half, 64);
        v = __builtin_elementwise_max(v, splat_v16si(rq->lo));
        return __builtin_elementwise_min(v, splat_v16si(rq->hi));
    }
#endif
    if (rq->single_rounding) {
        v = rq_single(acc, m, load_v16si(rq->total_shift + c0));
    } else {
#if KVNNI
        v = (v16si)rq_double512((__m512i)acc, (__m512i)m, (__m512i)load_v16si(rq->left_shift + c0),
                                     (__m512i)load_v16si(rq->right_shift + c0),
                                     (__m512i)load_v16si(rq->right_mask + c0), rq->flags);
#elif KAVX2
        __m256i half[2];
        for (int k = 0; k < 2; k++) {
            __m256i xk, mk, lk, rk, qk;
            __builtin_memcpy(&xk, (const char *)&acc + 32 * k, 32);
            __builtin_memcpy(&mk, (const char *)&m + 32 * k, 32);
            lk = _mm256_loadu_si256((const __m256i *)(const void *)(rq->left_shift + c0 + 8 * k));
            rk = _mm256_loadu_si256((const __m256i *)(const void *)(rq->right_shift + c0 + 8 * k));
            qk = _mm256_loadu_si256((const __m256i *)(const void *)(rq->right_mask + c0 + 8 * k));
            half[k] = rq_double256(xk, mk, lk, rk, qk, rq->flags);
        }
        __builtin_memcpy(&v, half, 64);
#else
        v = rq_double(acc, m, load_v16si(rq->left_shift + c0), load_v16si(rq->right_shift + c0));
#endif
    }
    v = (v16si)((v16su)v + (uint32_t)rq->zero_point);
    v = __builtin_elementwise_max(v, splat_v16si(rq->lo));
    return __builtin_elementwise_min(v, splat_v16si(rq->hi));
}

/// acc (bias added) of channels c0...c0+15 → output bytes (truncated to 8 bits as the reference does).
static inline __attribute__((always_inline)) v16qu requant16(v16si acc, const dscsimd_requant *rq, int c0) {
    v16si v = requant16_i32(acc, rq, c0);
    v16qu bytes = __builtin_convertvector((v16su)v, v16qu);
#if KVNNI
    // Keep the narrowing in a register: fused into the store it becomes `vpmovdb mem{k}, zmm`, which is
    // microcoded and slow on AMD cores.
    __asm__("" : "+v"(bytes));
#endif
    return bytes;
}

/// Stores the first `n` (1...16) outputs of channels c...c+n-1 of one output pixel whose bytes start at
/// `row`: bytes, or int32 with DSCSIMD_RQ_MODE_RAW.
static inline __attribute__((always_inline)) void rq_store16(uint8_t *row, int c, v16si acc, const dscsimd_requant *rq,
                                                            int n) {
    if (rq->mode == DSCSIMD_RQ_MODE_RAW) {
        const v16si v = requant16_i32(acc, rq, c);
        memcpy(row + 4 * (size_t)c, &v, 4 * (size_t)(n < 16 ? n : 16));
        return;
    }
    store_partial16(row + c, requant16(acc, rq, c), n);
}

#endif
