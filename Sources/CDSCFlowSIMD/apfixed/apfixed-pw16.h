// The ap_fixed pointwise kernel (`dscsimd_apfixed_pw`), built once per ISA: blocks of 16 input lanes,
// the ACC accumulator rounded and saturated after each block.
//
// The x86 builds start each block's sum at 32 acc + 16 and shift it right by 5 at the end (no separate
// rounding add); the portable build adds floor((S + 16) / 32) to acc, the same because 32 acc is a
// multiple of 32. S is exact everywhere: |S| <= 16 * 1024 * 256 = 2^22. The x86 builds form it from int16 pairs
// (vpmaddwd / vpdpwssd on weight pairs (w[2p][o], w[2p+1][o]) and the broadcast input pair); the
// portable build in float32, exact because every product and partial sum is an integer below 2^24.
// Output lanes are processed 16 at a time ("chunks"), cells 8 (AVX-512) or 4 (AVX2) at a time.
// A block whose 16×16 weights of a chunk are all zero is skipped: S = 0 leaves a valid ACC code
// unchanged (⌊(32 acc + 16)/32⌋ = acc), so only live blocks are computed (iSmart3's padded lanes:
// pw1's inputs 16–31, pw2's inputs 48–63, the head's outputs 16–31).
#ifndef DSCSIMD_APFIXED_PW16_H
#define DSCSIMD_APFIXED_PW16_H

#include "apfixed-common.h"

/// Bit b of the result: block b of chunk `oc` has a nonzero weight.
static inline uint32_t apfixed_live_blocks(const dscsimd_apfixed_pw *a, int32_t oc) {
    uint32_t live = 0;
    for (int32_t k = 0; k < a->in_lanes; k++)
        for (int32_t o = 0; o < 16; o++)
            if (a->weights[(size_t)k * a->out_lanes + 16 * oc + o] != 0) live |= 1u << (k / 16);
    return live;
}

#if KVNNI || KAVX2
/// Weight pairs of chunk `oc`: [in_lanes / 2][16 outputs][2] int16 at wp + oc * in_lanes * 16.
static void apfixed_pack_pairs(const dscsimd_apfixed_pw *a, int16_t *wp) {
    const int32_t IL = a->in_lanes, OL = a->out_lanes;
    for (int32_t oc = 0; oc < OL / 16; oc++)
        for (int32_t p = 0; p < IL / 2; p++)
            for (int32_t o = 0; o < 16; o++) {
                int16_t *d = wp + ((size_t)oc * IL / 2 + p) * 32 + 2 * o;
                d[0] = a->weights[(2 * p) * OL + 16 * oc + o];
                d[1] = a->weights[(2 * p + 1) * OL + 16 * oc + o];
            }
}

/// The input pair (x[2p], x[2p+1]) as one int32.
static inline __attribute__((always_inline)) int32_t apfixed_pair(const int16_t *x) {
    int32_t v;
    memcpy(&v, x, 4);
    return v;
}
#endif

#if KVNNI
/// acc += the pairwise products of `w` and the broadcast input pair at `x`, as one vpdpwssd with an
/// embedded broadcast. Written as asm because LLVM's generic x86 tuning splits the intrinsic into
/// vpbroadcastd + vpmaddwd + vpaddd (three uops instead of one; the kernel ran at half the speed).
static inline __attribute__((always_inline)) void apfixed_dpwssd_bcast(__m512i *acc, __m512i w, const int16_t *x) {
    __asm__("vpdpwssd %2%{1to16%}, %1, %0" : "+v"(*acc) : "v"(w), "m"(*(const int32_t *)x));
}

/// `N` cells (<= 8) of one chunk: per block, E = (32 E + 16 + S) >> 5, clamped.
static inline __attribute__((always_inline)) void apfixed_pw_cells512(const int16_t *x, int32_t IL, int16_t *e, int32_t OL,
                                                                        const int16_t *wp, uint32_t live, const int N) {
    const __m512i lo = _mm512_set1_epi32(-2048), hi = _mm512_set1_epi32(2047), half = _mm512_set1_epi32(16);
    __m512i E[8];
    for (int i = 0; i < N; i++) E[i] = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i *)(e + (size_t)i * OL)));
    for (int32_t b = 0; b < IL / 16; b++) {
        if (!(live >> b & 1)) continue;
        for (int i = 0; i < N; i++) E[i] = _mm512_add_epi32(_mm512_slli_epi32(E[i], 5), half);
        for (int p = 0; p < 8; p++) {
            const __m512i w = _mm512_loadu_si512(wp + (size_t)(8 * b + p) * 32);
            for (int i = 0; i < N; i++) apfixed_dpwssd_bcast(&E[i], w, x + (size_t)i * IL + 16 * b + 2 * p);
        }
        for (int i = 0; i < N; i++) E[i] = _mm512_min_epi32(_mm512_max_epi32(_mm512_srai_epi32(E[i], 5), lo), hi);
    }
    for (int i = 0; i < N; i++) _mm256_storeu_si256((__m256i *)(e + (size_t)i * OL), _mm512_cvtepi32_epi16(E[i]));
}
#elif KAVX2
/// `N` cells (<= 4) of one chunk: per block, E = (32 E + 16 + S) >> 5, clamped.
static inline __attribute__((always_inline)) void apfixed_pw_cells256(const int16_t *x, int32_t IL, int16_t *e, int32_t OL,
                                                                        const int16_t *wp, uint32_t live, const int N) {
    const __m256i lo = _mm256_set1_epi32(-2048), hi = _mm256_set1_epi32(2047), half = _mm256_set1_epi32(16);
    __m256i E[4][2];
    for (int i = 0; i < N; i++) {
        E[i][0] = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(e + (size_t)i * OL)));
        E[i][1] = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(e + (size_t)i * OL + 8)));
    }
    for (int32_t b = 0; b < IL / 16; b++) {
        if (!(live >> b & 1)) continue;
        for (int i = 0; i < N; i++)
            for (int h = 0; h < 2; h++) E[i][h] = _mm256_add_epi32(_mm256_slli_epi32(E[i][h], 5), half);
        for (int p = 0; p < 8; p++) {
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)(8 * b + p) * 32));
            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + (size_t)(8 * b + p) * 32 + 16));
            for (int i = 0; i < N; i++) {
                const __m256i xv = _mm256_set1_epi32(apfixed_pair(x + (size_t)i * IL + 16 * b + 2 * p));
#if KAVXVNNI
                // asm for the same reason as apfixed_dpwssd_bcast: the intrinsic is split otherwise.
                __asm__("%{vex%} vpdpwssd %2, %1, %0" : "+x"(E[i][0]) : "x"(xv), "x"(w0));
                __asm__("%{vex%} vpdpwssd %2, %1, %0" : "+x"(E[i][1]) : "x"(xv), "x"(w1));
#else
                E[i][0] = _mm256_add_epi32(E[i][0], _mm256_madd_epi16(xv, w0));
                E[i][1] = _mm256_add_epi32(E[i][1], _mm256_madd_epi16(xv, w1));
#endif
            }
        }
        for (int i = 0; i < N; i++)
            for (int h = 0; h < 2; h++) E[i][h] = _mm256_min_epi32(_mm256_max_epi32(_mm256_srai_epi32(E[i][h], 5), lo), hi);
    }
    for (int i = 0; i < N; i++) {
        // packs works per 128-bit half; the clamp already put every value in int16.
        __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(E[i][0], E[i][1]), 0xD8);
        _mm256_storeu_si256((__m256i *)(e + (size_t)i * OL), packed);
    }
}
#endif

void KFN(dscsimd_apfixed_pw)(const dscsimd_apfixed_pw *a) {
    const int32_t IL = a->in_lanes, OL = a->out_lanes;
#if KVNNI || KAVX2
    int16_t wp[DSCSIMD_APFIXED_MAX_LANES * DSCSIMD_APFIXED_MAX_LANES] __attribute__((aligned(64)));
    apfixed_pack_pairs(a, wp);
    for (int32_t oc = 0; oc < OL / 16; oc++) {
        const int16_t *wc = wp + (size_t)oc * IL * 16;
        const uint32_t live = apfixed_live_blocks(a, oc);
        if (!live) continue;
        for (int32_t r = 0; r < a->rows; r++) {
            const int16_t *x = a->src + (size_t)r * a->src_row_stride;
            int16_t *e = a->acc + (size_t)r * a->acc_row_stride + 16 * oc;
            int32_t c = 0;
#if KVNNI
            for (; c + 8 <= a->cols; c += 8) apfixed_pw_cells512(x + (size_t)c * IL, IL, e + (size_t)c * OL, OL, wc, live, 8);
            for (; c < a->cols; c++) apfixed_pw_cells512(x + (size_t)c * IL, IL, e + (size_t)c * OL, OL, wc, live, 1);
#else
            for (; c + 4 <= a->cols; c += 4) apfixed_pw_cells256(x + (size_t)c * IL, IL, e + (size_t)c * OL, OL, wc, live, 4);
            for (; c < a->cols; c++) apfixed_pw_cells256(x + (size_t)c * IL, IL, e + (size_t)c * OL, OL, wc, live, 1);
#endif
        }
    }
#else
    float wf[DSCSIMD_APFIXED_MAX_LANES * DSCSIMD_APFIXED_MAX_LANES] __attribute__((aligned(64)));
    for (int32_t i = 0; i < IL * OL; i++) wf[i] = (float)a->weights[i];
    uint32_t live[DSCSIMD_APFIXED_MAX_LANES / 16];
    for (int32_t oc = 0; oc < OL / 16; oc++) live[oc] = apfixed_live_blocks(a, oc);
    for (int32_t r = 0; r < a->rows; r++) {
        const int16_t *x = a->src + (size_t)r * a->src_row_stride;
        int16_t *e = a->acc + (size_t)r * a->acc_row_stride;
        for (int32_t c = 0; c < a->cols; c++, x += IL, e += OL) {
            for (int32_t oc = 0; oc < OL; oc += 16) {
                if (!live[oc / 16]) continue;
                v16si E = load16_apf(e + oc);
                for (int32_t b = 0; b < IL; b += 16) {
                    if (!(live[oc / 16] >> (b / 16) & 1)) continue;
                    v16sf S = (v16sf){0};
                    for (int32_t k = b; k < b + 16; k++) {
                        v16sf w;
                        memcpy(&w, wf + (size_t)k * OL + oc, sizeof w);
                        S += (float)x[k] * w;
                    }
                    E = clamp_apf(E + ((__builtin_convertvector(S, v16si) + 16) >> 5), -2048, 2047);
                }
                store16_apf(e + oc, E);
            }
        }
    }
#endif
}

#endif
