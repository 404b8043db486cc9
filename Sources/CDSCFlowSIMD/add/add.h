// Element-wise Add of two same-shape int8/uint8 tensors in TFLite's integer arithmetic, for every
// build: the exact integer forms (`dscsimd_add_exact_<isa>`) and the float form with its exact
// fallback (`dscsimd_add_float_<isa>`, constants from `dscsimd_add_float_prepare` in add-prepare.c).
#ifndef DSCSIMD_ADD_H
#define DSCSIMD_ADD_H

#include "../requant/requant.h"
#include "add-internal.h"


static inline __attribute__((always_inline)) v16si mbqm(v16si x, int32_t m, int32_t s, int single) {
    if (single) {
        int32_t sc = s < -31 ? -31 : (s > 30 ? 30 : s);
        return rq_single(x, splat_v16si(m), splat_v16si(31 - sc));
    }
    int32_t l = (s > 0 ? s : 0) & 31;
    int32_t r = s > 0 ? 0 : (s < -31 ? 31 : -s);
#if KVNNI
    return (v16si)rq_double512((__m512i)x, _mm512_set1_epi32(m), _mm512_set1_epi32(l), _mm512_set1_epi32(r),
                                    _mm512_set1_epi32((int32_t)((1u << r) - 1u)),
                                    DSCSIMD_RQ_LEFT_SHIFT | DSCSIMD_RQ_MIN_MULTIPLIER);
#else
    return rq_double(x, splat_v16si(m), splat_v16si(l), splat_v16si(r));
#endif
}

#if KVNNI
/// One MultiplyByQuantizedMultiplier with scalar (m, s), prepared once per operator.
typedef struct {
    __m512i m, l, r, mask;
    int flags;
} mbqm_consts;

static inline __attribute__((always_inline)) mbqm_consts mbqm_prepare(int32_t m, int32_t s) {
    mbqm_consts k;
    int32_t l = (s > 0 ? s : 0) & 31;
    int32_t r = s > 0 ? 0 : (s < -31 ? 31 : -s);
    k.m = _mm512_set1_epi32(m);
    k.l = _mm512_set1_epi32(l);
    k.r = _mm512_set1_epi32(r);
    k.mask = _mm512_set1_epi32((int32_t)((1u << r) - 1u));
    k.flags = (l ? DSCSIMD_RQ_LEFT_SHIFT : 0) | (m == INT32_MIN ? DSCSIMD_RQ_MIN_MULTIPLIER : 0);
    return k;
}

static inline __attribute__((always_inline)) __m512i mbqm_apply(__m512i x, const mbqm_consts *k) {
    return rq_double512(x, k->m, k->l, k->r, k->mask, k->flags);
}
#endif

/// 16 input bytes widened to int32 lanes, as uint8 or int8.
static inline __attribute__((always_inline)) v16si add_widen(const uint8_t *p, int input_unsigned) {
    return input_unsigned ? __builtin_convertvector(load_v16qu(p), v16si)
                          : __builtin_convertvector((v16qi)load_v16qu(p), v16si);
}

/// The double-rounding input rescale of Add, MultiplyByQuantizedMultiplier((x + offset) << ls, m, -r),
/// in 32-bit lanes: with t = x + offset (|t| <= 510), e = 31 - ls and m = mh * 2^e + ml, SRDHM is
/// t*mh + floor((t*ml + 2^(e-1)) / 2^e) exactly, and every term stays below 2^30 when
/// 10 <= ls <= 21; then the rounding right shift by r <= 30 as floor((h + 2^(r-1) - [h < 0]) / 2^r).
static inline __attribute__((always_inline)) v16si add_rescale(v16si t, int32_t mh, int32_t ml, int e, int r) {
    v16si h = t * mh + ((t * ml + (1 << (e - 1))) >> e);
    if (r > 0) h = (h + (1 << (r - 1)) + (h >> 31)) >> r;
    return h;
}

/// `add_rescale` on one value, in 64-bit arithmetic (for bounds).
static inline int64_t add_rescale1(int64_t t, int64_t mh, int64_t ml, int e, int r) {
    int64_t h = t * mh + ((t * ml + ((int64_t)1 << (e - 1))) >> e);
    if (r > 0) h = (h + ((int64_t)1 << (r - 1)) + (h < 0 ? -1 : 0)) >> r;
    return h;
}

#if KVNNI
/// Add with both input rescales in `add_rescale`'s range and the output rescale in the narrow form of
/// `dscsimd_rq_narrow512` (uniform multiplier mo >= 0, right shift ro in 1...30, the sum's bound checked
/// by the caller).
static void add_narrow(const dscsimd_add *a, int e, int ro, int sat) {
    const int64_t count = a->count;
    const uint8_t *pa = a->a, *pb = a->b;
    uint8_t *out = a->output;
    const int32_t m1 = a->input1_multiplier, m2 = a->input2_multiplier;
    const int32_t off1 = a->input1_offset, off2 = a->input2_offset;
    const int r1 = -a->input1_shift, r2 = -a->input2_shift;
    const dscsimd_rq_block rqo = dscsimd_rq_block_uniform(a->output_multiplier, ro, a->output_offset);
    const __m512i lo = _mm512_set1_epi32(a->lo), hi = _mm512_set1_epi32(a->hi);
    const int input_unsigned = a->input_unsigned;
    const int relu = a->lo >= a->output_offset;
    for (int64_t i = 0; i < count; i += 16) {
        v16si x1 = add_widen(pa + i, input_unsigned), x2 = add_widen(pb + i, input_unsigned);
        const v16si s1 = add_rescale(x1 + off1, m1 >> e, m1 & ((1 << e) - 1), e, r1);
        const v16si s2 = add_rescale(x2 + off2, m2 >> e, m2 & ((1 << e) - 1), e, r2);
        __m512i v = _mm512_max_epi32(dscsimd_rq_narrow512((__m512i)(s1 + s2), &rqo, relu), lo);
        __m128i bytes = sat ? _mm512_cvtsepi32_epi8(v) : _mm512_cvtepi32_epi8(_mm512_min_epi32(v, hi));
        __asm__("" : "+v"(bytes));
        if (count - i >= 16) _mm_storeu_si128((__m128i *)(void *)(out + i), bytes);
        else _mm_mask_storeu_epi8(out + i, (__mmask16)((1u << (count - i)) - 1u), bytes);
    }
}
#endif

/// Add in exact integer arithmetic (the forms above, else TFLite's formulas lane by lane).
static void add_exact(const dscsimd_add *a) {
    // Locals: the byte stores to the output may alias `*a`.
    const int single = a->single_rounding;
    const int ls = a->left_shift & 31;
    const int64_t count = a->count;
    const int input_unsigned = a->input_unsigned;
    const uint8_t *pa = a->a, *pb = a->b;
    uint8_t *out = a->output;
    const int32_t off1 = a->input1_offset, off2 = a->input2_offset, ooff = a->output_offset;
    const int32_t m1 = a->input1_multiplier, s1s = a->input1_shift, m2 = a->input2_multiplier, s2s = a->input2_shift;
    const int32_t mo = a->output_multiplier, so = a->output_shift;
    const v16si lo = splat_v16si(a->lo), hi = splat_v16si(a->hi);
    const int32_t *table1 = a->table1, *table2 = a->table2;
#if KVNNI
    const mbqm_consts k1 = mbqm_prepare(m1, s1s), k2 = mbqm_prepare(m2, s2s),
                           ko = mbqm_prepare(mo, so);
#endif
    (void)table1; (void)table2;
    // `add_rescale`'s conditions (TFLite's int8 Add has ls = 20, multipliers >= 0, shifts <= 0).
    const int narrow = !single && ls >= 10 && ls <= 21 && m1 >= 0 && m2 >= 0 && s1s <= 0 && s1s >= -30 &&
                       s2s <= 0 && s2s >= -30 && off1 >= -255 && off1 <= 255 && off2 >= -255 && off2 <= 255;
    const int e = 31 - ls;
#if KVNNI
    if (narrow && mo >= 0 && so <= -1 && so >= -30) {
        // The rescaled inputs are monotonic in the input byte: their extremes bound the sum.
        const int64_t lo_in = input_unsigned ? 0 : -128, hi_in = input_unsigned ? 255 : 127;
        int64_t b1 = 0, b2 = 0;
        for (int k = 0; k < 2; k++) {
            int64_t v1 = add_rescale1((k ? hi_in : lo_in) + off1, m1 >> e, m1 & ((1 << e) - 1), e, -s1s);
            int64_t v2 = add_rescale1((k ? hi_in : lo_in) + off2, m2 >> e, m2 & ((1 << e) - 1), e, -s2s);
            b1 = v1 < 0 ? (-v1 > b1 ? -v1 : b1) : (v1 > b1 ? v1 : b1);
            b2 = v2 < 0 ? (-v2 > b2 ? -v2 : b2) : (v2 > b2 ? v2 : b2);
        }
        if (dscsimd_narrow_fits(b1 + b2, -so, ooff)) {
            add_narrow(a, e, -so, a->hi == 127 && a->lo >= -128);
            return;
        }
    }
#endif
    for (int64_t i = 0; i < count; i += 16) {
        int64_t n = count - i < 16 ? count - i : 16;
        v16si x1 = add_widen(pa + i, input_unsigned), x2 = add_widen(pb + i, input_unsigned);
        v16si s1, s2, v;
        if (narrow) {
            s1 = add_rescale(x1 + off1, m1 >> e, m1 & ((1 << e) - 1), e, -s1s);
            s2 = add_rescale(x2 + off2, m2 >> e, m2 & ((1 << e) - 1), e, -s2s);
#if KVNNI
            v = (v16si)mbqm_apply((__m512i)(v16si)((v16su)s1 + (v16su)s2), &ko);
#else
            v = mbqm((v16si)((v16su)s1 + (v16su)s2), mo, so, single);
#endif
        } else
#if KVNNI
        if (!single) {
            x1 = (v16si)(((v16su)x1 + (uint32_t)off1) << ls);
            x2 = (v16si)(((v16su)x2 + (uint32_t)off2) << ls);
            s1 = (v16si)mbqm_apply((__m512i)x1, &k1);
            s2 = (v16si)mbqm_apply((__m512i)x2, &k2);
            v = (v16si)mbqm_apply((__m512i)(v16si)((v16su)s1 + (v16su)s2), &ko);
        } else
#endif
        {
            if (!KVNNI && table1) {
                // Each input's rescaling depends on one byte only: looked up in 256-entry tables (not
                // on the AVX-512 build, where 16-lane gathers are slower than computing it).
                int32_t l1[16], l2[16], o1[16], o2[16];
                memcpy(l1, &x1, 64);
                memcpy(l2, &x2, 64);
                for (int k = 0; k < 16; k++) {
                    o1[k] = table1[l1[k] & 0xFF];
                    o2[k] = table2[l2[k] & 0xFF];
                }
                memcpy(&s1, o1, 64);
                memcpy(&s2, o2, 64);
            } else {
                x1 = (v16si)(((v16su)x1 + (uint32_t)off1) << ls);
                x2 = (v16si)(((v16su)x2 + (uint32_t)off2) << ls);
                s1 = mbqm(x1, m1, s1s, single);
                s2 = mbqm(x2, m2, s2s, single);
            }
            v = mbqm((v16si)((v16su)s1 + (v16su)s2), mo, so, single);
        }
        v = (v16si)((v16su)v + (uint32_t)ooff);
        v = __builtin_elementwise_max(v, lo);
        v = __builtin_elementwise_min(v, hi);
        store_partial16(out + i, __builtin_convertvector((v16su)v, v16qu), (int)n);
    }
}

/// Add in the float form of `dscsimd_add_float_prepare` (exact where it accepts, which that function
/// proves); lanes too close to a rounding boundary are recomputed by `dscsimd_add_lane` from the
/// inputs still in registers, and the tail (count mod 16) goes to `add_exact`. A vector's inputs are
/// read before its output is written, so in-place Adds are safe.
static void add_float(const dscsimd_add *a, const dscsimd_add_float *k) {
    const dscsimd_add base = *a;  // the byte stores may alias *a
    const int64_t count = base.count;
    const uint8_t *pa = base.a, *pb = base.b;
    uint8_t *out = base.output;
    const int input_unsigned = base.input_unsigned;
    const v16sf c1 = (v16sf){0} + k->c1, c2 = (v16sf){0} + k->c2, c0 = (v16sf){0} + k->c0;
    const v16sf dlo = (v16sf){0} + k->dlo, dhi = (v16sf){0} + k->dhi;
    const v16si lo = splat_v16si(base.lo), hi = splat_v16si(base.hi);
    int64_t i = 0;
    for (; count - i >= 16; i += 16) {
        v16si x1 = add_widen(pa + i, input_unsigned), x2 = add_widen(pb + i, input_unsigned);
        const v16sf f = __builtin_convertvector(x1, v16sf) * c1 + (__builtin_convertvector(x2, v16sf) * c2 + c0);
        const v16sf fl = __builtin_elementwise_floor(f);
        const v16sf d = f - fl;
#if KVNNI
        const unsigned doubtful = (unsigned)(_mm512_cmp_ps_mask((__m512)d, (__m512)dlo, _CMP_LT_OQ) |
                                             _mm512_cmp_ps_mask((__m512)d, (__m512)dhi, _CMP_GT_OQ));
#else
        unsigned doubtful = 0;
        if (__builtin_reduce_or((d < dlo) | (d > dhi))) {
            for (int j = 0; j < 16; j++) doubtful |= (d[j] < dlo[j] || d[j] > dhi[j]) ? 1u << j : 0u;
        }
#endif
        v16si q = __builtin_convertvector(fl, v16si);
        q = __builtin_elementwise_min(__builtin_elementwise_max(q, lo), hi);
        store_partial16(out + i, __builtin_convertvector((v16su)q, v16qu), 16);
        // Lanes too close to a rounding boundary: recomputed exactly from the inputs still in x1, x2
        // (the store above may have overwritten them in memory).
        for (unsigned m = doubtful; __builtin_expect(m != 0, 0); m &= m - 1) {
            const int j = __builtin_ctz(m);
            out[i + j] = dscsimd_add_lane(&base, x1[j], x2[j]);
        }
    }
    if (i < count) {
        dscsimd_add sub = base;
        sub.count = count - i;
        sub.a = pa + i;
        sub.b = pb + i;
        sub.output = out + i;
        add_exact(&sub);
    }
}

/// A broadcasting Add as same-shape runs: for every index of the output's outer three dimensions the
/// innermost run of out_dims[3] outputs, each input advancing along it or repeating one value (an
/// input whose innermost dimension is 1 is expanded into a buffer, 256 values at a time). `same` is the
/// same-shape kernel (float form or exact), `k` its float constants.
static void add_broadcast(const dscsimd_add *a, const dscsimd_add_float *k, int use_float) {
    const int64_t *ad = a->a_dims, *bd = a->b_dims, *od = a->out_dims;
    int64_t as[4], bs[4];
    as[3] = bs[3] = 1;
    for (int d = 2; d >= 0; d--) {
        as[d] = as[d + 1] * ad[d + 1];
        bs[d] = bs[d + 1] * bd[d + 1];
    }
    uint8_t fill[2][256];
    dscsimd_add sub = *a;
    sub.broadcast = 0;
    uint8_t *out = a->output;
    const int64_t run = od[3];
    for (int64_t i0 = 0; i0 < od[0]; i0++)
        for (int64_t i1 = 0; i1 < od[1]; i1++)
            for (int64_t i2 = 0; i2 < od[2]; i2++) {
                const uint8_t *pa = a->a + (ad[0] > 1 ? i0 : 0) * as[0] + (ad[1] > 1 ? i1 : 0) * as[1] + (ad[2] > 1 ? i2 : 0) * as[2];
                const uint8_t *pb = a->b + (bd[0] > 1 ? i0 : 0) * bs[0] + (bd[1] > 1 ? i1 : 0) * bs[1] + (bd[2] > 1 ? i2 : 0) * bs[2];
                for (int64_t j = 0; j < run;) {
                    const int64_t n = ad[3] == 1 || bd[3] == 1 ? (run - j < 256 ? run - j : 256) : run;
                    if (ad[3] == 1) memset(fill[0], *pa, (size_t)n);
                    if (bd[3] == 1) memset(fill[1], *pb, (size_t)n);
                    sub.a = ad[3] == 1 ? fill[0] : pa + j;
                    sub.b = bd[3] == 1 ? fill[1] : pb + j;
                    sub.output = out + j;
                    sub.count = n;
                    if (use_float) add_float(&sub, k);
                    else add_exact(&sub);
                    j += n;
                }
                out += run;
            }
}

void KFN(dscsimd_add_exact)(const dscsimd_op *op) {
    if (op->add.broadcast) add_broadcast(&op->add, NULL, 0);
    else add_exact(&op->add);
}

void KFN(dscsimd_add_float)(const dscsimd_op *op) {
    const dscsimd_add_float k = op->add.float_form;  // local: the byte stores may alias the op
    if (op->add.broadcast) add_broadcast(&op->add, &k, 1);
    else add_float(&op->add, &k);
}

#endif
