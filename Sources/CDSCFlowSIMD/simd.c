// Builds kernels.inc three times (portable, AVX2, AVX-512 VNNI) and dispatches between them.
#include "CDSCFlowSIMD.h"
#include <stdlib.h>
#include <string.h>

#pragma clang diagnostic ignored "-Wpsabi"
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DSCSIMD_X86 1
#else
#define DSCSIMD_X86 0
#endif

/// 1 in the build that has AVX-VNNI (256-bit vpdpbusd without AVX-512), 0 in the others.
#define KAVXVNNI 0

/// Output pixels per block of the conv driver (a multiple of every tile's row count).
#define DSCSIMD_RB 32

typedef int32_t v16si __attribute__((vector_size(64)));
typedef uint32_t v16su __attribute__((vector_size(64)));
typedef int64_t v16di __attribute__((vector_size(128)));
typedef int32_t v8si __attribute__((vector_size(32)));
typedef double v8df __attribute__((vector_size(64)));
typedef uint8_t v16qu __attribute__((vector_size(16)));
typedef uint8_t v64qu __attribute__((vector_size(64)));
typedef int8_t v16qi __attribute__((vector_size(16)));
typedef float v16sf __attribute__((vector_size(64)));

// Macros, not functions: a helper outside the target regions must not pass wide vectors (ABI).
#define splat_v16si(x) ((v16si){0} + (int32_t)(x))
#define splat_v16su(x) ((v16su){0} + (uint32_t)(x))
#define splat_v16di(x) ((v16di){0} + (int64_t)(x))
#define load_v16si(p) ({ v16si _v; memcpy(&_v, (p), sizeof _v); _v; })
#define load_v16qu(p) ({ v16qu _v; memcpy(&_v, (p), sizeof _v); _v; })

/// Stores the first `n` (≥ 1) bytes of `v`.
static inline __attribute__((always_inline)) void store_partial16(uint8_t *p, v16qu v, int n) {
    if (n >= 16) {
        memcpy(p, &v, 16);
        return;
    }
    uint8_t b[16];
    memcpy(b, &v, 16);
    int i = 0;
    if (n & 8) { memcpy(p + i, b + i, 8); i += 8; }
    if (n & 4) { memcpy(p + i, b + i, 4); i += 4; }
    if (n & 2) { memcpy(p + i, b + i, 2); i += 2; }
    if (n & 1) { p[i] = b[i]; }
}

size_t dscsimd_dw_phase_stride(int32_t, int32_t, int32_t, int32_t, int32_t);

// ---- softmax (scalar; gemmlowp fixed point on int32 with wrapping sums) ----

/// gemmlowp SaturatingRoundingDoublingHighMul (C++ division truncates toward zero).
static inline int32_t sm_srdhm(int32_t a, int32_t b) {
    if (a == b && a == INT32_MIN) return INT32_MAX;
    int64_t ab = (int64_t)a * b;
    int64_t sum = ab + (ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30)));
    return (int32_t)(sum >= 0 ? sum >> 31 : -((-sum) >> 31));
}

/// RoundingDivideByPOT for exponents 0...62 (exact rounded quotient, ties away from zero).
static inline int32_t sm_rdbpot(int32_t x, int e) {
    int64_t x64 = x, mask = ((int64_t)1 << e) - 1;
    int64_t threshold = (mask >> 1) + (x64 < 0 ? 1 : 0);
    return (int32_t)((x64 >> e) + ((x64 & mask) > threshold ? 1 : 0));
}

/// SaturatingRoundingMultiplyByPOT for exponents -31...30.
static inline int32_t sm_sat_pot(int32_t x, int e) {
    if (e == 0) return x;
    if (e < 0) return sm_rdbpot(x, -e);
    int32_t threshold = (int32_t)(((int64_t)1 << (31 - e)) - 1);
    if (x > threshold) return INT32_MAX;
    if (x < -threshold) return INT32_MIN;
    return (int32_t)((uint32_t)x << e);
}

static inline int32_t sm_half_sum(int32_t a, int32_t b) {
    int64_t sum = (int64_t)a + b;
    int64_t r = sum + (sum >= 0 ? 1 : -1);
    return (int32_t)(r >= 0 ? r / 2 : -((-r) / 2));
}

static inline int32_t sm_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }

/// TFLite's MultiplyByQuantizedMultiplier on one value, for multipliers >= 0 and shifts -30...0 (the
/// range `dscsimd_add_float_prepare` admits).
static int32_t dscsimd_mbqm1(int32_t x, int32_t m, int32_t s, int single) {
    if (single) {
        const int t = 31 - s;
        return (int32_t)(((int64_t)x * m + ((int64_t)1 << (t - 1))) >> t);
    }
    return sm_rdbpot(sm_srdhm(x, m), -s);
}

/// One output of the Add `a` from raw input values x1, x2 by TFLite's formulas: the lanes the float
/// form cannot decide. Within `dscsimd_add_float_prepare`'s range nothing wraps.
static __attribute__((noinline, cold)) uint8_t dscsimd_add_lane(const dscsimd_add *a, int32_t x1, int32_t x2) {
    const int single = a->single_rounding != 0;
    const int32_t t1 = (int32_t)((uint32_t)(x1 + a->input1_offset) << a->left_shift);
    const int32_t t2 = (int32_t)((uint32_t)(x2 + a->input2_offset) << a->left_shift);
    const int32_t s1 = dscsimd_mbqm1(t1, a->input1_multiplier, a->input1_shift, single);
    const int32_t s2 = dscsimd_mbqm1(t2, a->input2_multiplier, a->input2_shift, single);
    int32_t v = dscsimd_mbqm1(s1 + s2, a->output_multiplier, a->output_shift, single) + a->output_offset;
    v = v < a->lo ? a->lo : v;
    v = v > a->hi ? a->hi : v;
    return (uint8_t)v;
}

/// one_over_one_plus_x_for_x_in_0_1: input and result with 0 integer bits.
static int32_t sm_one_over_one_plus_x(int32_t a) {
    const int32_t half_denominator = sm_half_sum(a, INT32_MAX);
    int32_t x = sm_add(1515870810, sm_srdhm(half_denominator, -1010580540));  // 48/17 - 32/17 * d (2 integer bits)
    for (int i = 0; i < 3; i++) {
        int32_t one_minus = (int32_t)((uint32_t)(1 << 29) - (uint32_t)sm_srdhm(half_denominator, x));
        x = sm_add(x, sm_sat_pot(sm_srdhm(x, one_minus), 2));
    }
    return sm_sat_pot(x, 1);
}

static void dscsimd_softmax_run(const dscsimd_softmax *a) {
    const int32_t depth = a->depth;
    for (int64_t r = 0; r < a->rows; r++) {
        const int8_t *row = a->input + r * depth;
        int8_t *out = a->output + r * depth;
        int32_t max_in = INT8_MIN;
        for (int32_t c = 0; c < depth; c++) max_in = row[c] > max_in ? row[c] : max_in;
        uint32_t sum = 0;
        for (int32_t c = 0; c < depth; c++) sum += (uint32_t)a->sum_table[max_in - row[c]];
        // GetReciprocal(sum, 12): sum > 0 (the maximum contributes exp(0)).
        int headroom_plus_one = sum ? __builtin_clz(sum) : 32;
        int num_bits_over_unit = 12 - headroom_plus_one;
        uint32_t shifted = (headroom_plus_one < 32 ? sum << headroom_plus_one : 0) - (1u << 31);
        int32_t scale = sm_one_over_one_plus_x((int32_t)shifted);
        int e = num_bits_over_unit + 31 - 8;
        for (int32_t c = 0; c < depth; c++) {
            int32_t v = sm_rdbpot(sm_srdhm(scale, a->exp_table[max_in - row[c]]), e < 0 ? 0 : e) - 128;
            out[c] = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
        }
    }
}

/// The share [*begin, *end) of `count` work units (output rows or pixel blocks) that part `part` of
/// `parts` computes when an operator is split over threads; all of them when `parts` <= 1.
static inline void dscsimd_share(size_t count, int32_t part, int32_t parts, size_t *begin, size_t *end) {
    *begin = parts > 1 ? count * (size_t)part / (size_t)parts : 0;
    *end = parts > 1 ? count * (size_t)(part + 1) / (size_t)parts : count;
}


/// The indirection of one block of DSCSIMD_RB output pixels starting at `p0`, laid out [tap][row]
/// (a tile loads its rows' pointers for one tap contiguously); rows past `rows` repeat the last one.
/// `input` is what the microkernel reads (the input or its u8 / channel-padded copy), with
/// channels rounded up to 4.
static void dscsimd_conv_block_indirection(const dscsimd_conv *a, const uint8_t *input, const uint8_t *padrow,
                                           size_t p0, int rows, const uint8_t **ind) {
    const int kh = a->kernel_h, kw = a->kernel_w, taps = kh * kw;
    const int in_c = (a->in_c + 3) / 4 * 4;
    const size_t row_bytes = (size_t)a->in_w * in_c, image_bytes = row_bytes * a->in_h;
    const size_t plane = (size_t)a->out_h * a->out_w;
    size_t bi = p0 / plane;
    int oy = (int)((p0 % plane) / a->out_w), ox = (int)((p0 % plane) % a->out_w);
    for (int r = 0; r < DSCSIMD_RB; r++) {
        if (r > 0 && r < rows) {
            if (++ox == a->out_w) {
                ox = 0;
                if (++oy == a->out_h) { oy = 0; bi++; }
            }
        }
        const uint8_t *img = input + bi * image_bytes;
        const uint8_t **dst = ind + r;
        int iy0 = oy * a->stride_h - a->pad_top, ix0 = ox * a->stride_w - a->pad_left;
        if (iy0 >= 0 && ix0 >= 0 && iy0 + (kh - 1) * a->dilation_h < a->in_h && ix0 + (kw - 1) * a->dilation_w < a->in_w) {
            const uint8_t *p = img + (size_t)iy0 * row_bytes + (size_t)ix0 * in_c;
            for (int ky = 0, k = 0; ky < kh; ky++) {
                const uint8_t *prow = p + (size_t)ky * a->dilation_h * row_bytes;
                // Strided stores: vectorised they become scatters, which are slow (microcoded on AMD).
#pragma clang loop vectorize(disable)
                for (int kx = 0; kx < kw; kx++, k++) dst[(size_t)k * DSCSIMD_RB] = prow + (size_t)kx * a->dilation_w * in_c;
            }
            continue;
        }
        for (int ky = 0, k = 0; ky < kh; ky++) {
            int iy = iy0 + ky * a->dilation_h;
#pragma clang loop vectorize(disable)
            for (int kx = 0; kx < kw; kx++, k++) {
                int ix = ix0 + kx * a->dilation_w;
                int inside = iy >= 0 && iy < a->in_h && ix >= 0 && ix < a->in_w;
                dst[(size_t)k * DSCSIMD_RB] = inside ? img + (size_t)iy * row_bytes + (size_t)ix * in_c : padrow;
            }
        }
    }
    (void)taps;
}

/// Row-runs layout: the kernel_h run pointers of each of the block's output pixels into the padded
/// image `img`, laid out [ky][row]; rows past `rows` repeat the last one.
static void dscsimd_conv_runs_indirection(const dscsimd_conv *a, const uint8_t *img, size_t p0, int rows,
                                          const uint8_t **ind) {
    const int kh = a->kernel_h;
    const size_t prow = (size_t)a->padded_w * a->in_c, pimg = prow * a->padded_h;
    const size_t ky_step = (size_t)a->dilation_h * prow, ox_step = (size_t)a->stride_w * a->in_c;
    const size_t plane = (size_t)a->out_h * a->out_w;
    size_t bi = p0 / plane;
    int oy = (int)((p0 % plane) / a->out_w), ox = (int)((p0 % plane) % a->out_w);
    const uint8_t *base = img;
    for (int r = 0; r < DSCSIMD_RB; r++) {
        if (r < rows) {
            base = img + bi * pimg + (size_t)oy * a->stride_h * prow + (size_t)ox * ox_step;
            if (++ox == a->out_w) {
                ox = 0;
                if (++oy == a->out_h) { oy = 0; bi++; }
            }
        }
#pragma clang loop vectorize(disable)
        for (int ky = 0; ky < kh; ky++) ind[(size_t)ky * DSCSIMD_RB + r] = base + (size_t)ky * ky_step;
    }
}

#if DSCSIMD_X86
/// 16 channels' requantization parameters in registers. Double rounding: m, l (left shifts), r, mask
/// (2^r - 1). Single rounding: m and t (total shifts). Narrow form: m, r, t = the multipliers of the
/// odd lanes (m >> 32 per qword), l / mask = the 64-bit nudges of the even / odd lanes.
typedef struct {
    __m512i m, l, r, mask, t;
} dscsimd_rq_block;

/// The narrow form (DSCSIMD_RQ_NARROW): with h = floor((acc*m + 2^30) / 2^31) (SRDHM without its
/// saturation case), the rounding right shift is floor((h + 2^(r-1) - [h < 0]) / 2^r). [h < 0] may be
/// replaced by [acc < 0] (they differ only when h = 0, where both give 0 for r >= 1), and
/// floor(floor(X / 2^31) + k) = floor((X + k*2^31) / 2^31), so the half and zp*2^r ride in the 64-bit
/// nudge: out + zp = (floor((acc*m + nudge) / 2^31) - [acc < 0]) >> r, nudge = 2^30 + (2^(r-1) +
/// zp*2^r) * 2^31. The flag's bound keeps every 32-bit intermediate in range.
/// With `relu` (lo >= zero point) the [acc < 0] term is left out: for acc < 0 both forms give at most
/// the zero point (h <= 0 there, and floor((h + 2^(r-1)) / 2^r) <= 0), which the lower clamp raises to lo.
static inline __attribute__((always_inline, target("avx512f"))) __m512i dscsimd_rq_narrow512(
    __m512i x, const dscsimd_rq_block *p, int relu) {
    __m512i pe = _mm512_add_epi64(_mm512_mul_epi32(x, p->m), p->l);
    __m512i po = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), p->t), p->mask);
    __m512i h = _mm512_mask_blend_epi32((__mmask16)0xAAAA, _mm512_srli_epi64(pe, 31), _mm512_slli_epi64(po, 1));
    if (relu) return _mm512_srav_epi32(h, p->r);
    return _mm512_srav_epi32(_mm512_add_epi32(h, _mm512_srai_epi32(x, 31)), p->r);
}

/// The narrow form's parameters for one multiplier m >= 0, right shift r and zero point zp on every lane.
static inline __attribute__((always_inline, target("avx512f"))) dscsimd_rq_block dscsimd_rq_block_uniform(
    int32_t m, int r, int32_t zp) {
    dscsimd_rq_block p;
    const int64_t k = ((int64_t)1 << (r - 1)) + (int64_t)zp * ((int64_t)1 << r);
    p.m = p.t = _mm512_set1_epi32(m);
    p.l = p.mask = _mm512_set1_epi64(((int64_t)1 << 30) + k * ((int64_t)1 << 31));
    p.r = _mm512_set1_epi32(r);
    return p;
}
#endif

#define KSUFFIX portable
#define KVNNI 0
#define KAVX2 0
#include "kernels.inc"
#undef KSUFFIX
#undef KVNNI
#undef KAVX2

#if DSCSIMD_X86
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2"))), apply_to = function)
#define KSUFFIX avx2
#define KVNNI 0
#define KAVX2 1
#include "kernels.inc"
#undef KSUFFIX
#undef KVNNI
#undef KAVX2
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vbmi,avx2,fma,bmi,bmi2"))), apply_to = function)
/// Add (int8) with byte-plane tables (`dscsimd_add.planes1/2`) and the output rescale in the narrow form
/// (uniform multiplier >= 0, right shift ro in 1...30, `table_bound` + 2^(ro-1) + |zp| * 2^ro + 2 < 2^31,
/// checked by the caller): per 64 inputs, 4 planes x 2 vpermt2b + a blend on the index's top bit give
/// the rescaled values' bytes, unpacks assemble them into int32 (in-lane order), the packs at the end
/// undo that order and saturate to int8 (the upper clamp when hi == 127).
__attribute__((noinline)) static void dscsimd_add_planes(const dscsimd_add *a, int ro, int clamp_hi) {
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
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2,avxvnni"))), apply_to = function)
#define KSUFFIX avxvnni
#define KVNNI 0
#define KAVX2 1
#undef KAVXVNNI
#define KAVXVNNI 1
#include "kernels.inc"
#undef KSUFFIX
#undef KVNNI
#undef KAVX2
#undef KAVXVNNI
#define KAVXVNNI 0
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,bmi,bmi2"))), apply_to = function)
#define KSUFFIX avx512vnni
#define KVNNI 1
#define KAVX2 0
#include "kernels.inc"
#undef KSUFFIX
#undef KVNNI
#undef KAVX2
#pragma clang attribute pop
#endif

/// 2^k as a double, for -1022 <= k <= 1023 (exact; no libm).
static double dscsimd_pow2(int k) {
    const uint64_t bits = (uint64_t)(1023 + k) << 52;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/// Why the float form is exact where it accepts (names as in TFLite's integer Add; x raw input
/// bytes, t = x + offset, r = -shift >= 0, ro = -output_shift):
/// 1. Each rescaled input s = MultiplyByQuantizedMultiplier(t << ls, m, -r) is t * K + e with
///    K = m * 2^(ls - 31 - r) and |e| <= E: SRDHM and RoundingDivideByPOT each round to nearest
///    (|error| <= 1/2, the second one's divided by 2^r), so E = 1 for double rounding; one rounding,
///    E = 1/2, for single. Needs (t << ls) and s1 + s2 to stay int32 (checked below), so the
///    reference wraps nowhere.
/// 2. With s = s1 + s2, the output is floor(Y) + zp: double rounding gives
///    Y = (s * mo + 2^30 + (2^(ro-1) - [h < 0]) * 2^31) / 2^(31+ro) (SRDHM = floor((s*mo + 2^30) / 2^31)
///    = h; RoundingDivideByPOT(h, ro) = floor((h + 2^(ro-1) - [h < 0]) / 2^ro); nested floors with an
///    integer addend merge), so |Y - (s * Mo + 1/2)| <= 2^(-1-ro) with Mo = mo / 2^(31+ro); single
///    rounding gives Y = s * Mo + 1/2 exactly.
/// 3. Hence Y + zp = x1 * c1 + x2 * c2 + c0 + eps with c_i = K_i * Mo, c0 = off1 * c1 + off2 * c2 + 1/2 + zp
///    and |eps| <= 2 E Mo + (double rounding ? 2^(-1-ro) : 0).
/// 4. The kernel evaluates f = x1 * c1 + (x2 * c2 + c0) in float from the rounded constants: at most
///    four roundings (fused or not) and three rounded constants, each within 2^-24 of a quantity
///    bounded by B = xmax * (|c1| + |c2|) + |c0|, so |f - (x1 c1 + x2 c2 + c0)| < 2^-21 B.
/// 5. So |Y + zp - f| <= delta = 2 E Mo + [double] 2^(-1-ro) + 2^-21 B. With |f| < 2^21, floor(f) and
///    d = f - floor(f) are exact in float; when 2 delta <= d <= 1 - 2 delta, Y + zp lies strictly
///    between floor(f) and floor(f) + 1, so floor(Y) + zp = floor(f). The kernel accepts a vector only
///    when all 16 lanes pass (dlo, dhi carry the factor 2, which also absorbs their float rounding).
int32_t dscsimd_add_float_prepare(const dscsimd_add *a, dscsimd_add_float *k) {
    const int single = a->single_rounding != 0;
    const int32_t ls = a->left_shift;
    if (ls < 0 || ls > 30) return 0;
    const int64_t xlo = a->input_unsigned ? 0 : -128, xhi = a->input_unsigned ? 255 : 127;
    const double xmax = a->input_unsigned ? 255.0 : 128.0;
    const int32_t off[2] = {a->input1_offset, a->input2_offset};
    const int32_t m[2] = {a->input1_multiplier, a->input2_multiplier};
    const int32_t sh[2] = {a->input1_shift, a->input2_shift};
    const int32_t mo = a->output_multiplier, so = a->output_shift;
    if (mo < 0 || so > 0 || so < -30 || (!single && so > -1)) return 0;
    const int ro = -so;
    const double Mo = (double)mo * dscsimd_pow2(-(31 + ro));
    double c[2], sbound = 0;
    for (int j = 0; j < 2; j++) {
        if (m[j] < 0 || sh[j] > 0 || sh[j] < -30) return 0;
        if (off[j] < -(1 << 20) || off[j] > (1 << 20)) return 0;
        const int64_t t1 = xlo + off[j], t2 = xhi + off[j];
        const int64_t tmax = (t1 < 0 ? -t1 : t1) > (t2 < 0 ? -t2 : t2) ? (t1 < 0 ? -t1 : t1) : (t2 < 0 ? -t2 : t2);
        if (tmax >= ((int64_t)1 << (31 - ls))) return 0;  // (t << ls) is an int32, never INT32_MIN
        const double K = (double)m[j] * dscsimd_pow2(ls - 31 + sh[j]);
        sbound += (double)tmax * K + 1.0;
        c[j] = K * Mo;
    }
    if (sbound >= 2147483648.0 / 2) return 0;  // s1 + s2 far from wrapping
    const double c0 = (double)off[0] * c[0] + (double)off[1] * c[1] + 0.5 + (double)a->output_offset;
    const double B = xmax * ((c[0] < 0 ? -c[0] : c[0]) + (c[1] < 0 ? -c[1] : c[1])) + (c0 < 0 ? -c0 : c0);
    if (!(B < 1048576.0)) return 0;
    const double E = single ? 0.5 : 1.0;
    const double delta = 2 * E * Mo + (single ? 0.0 : dscsimd_pow2(-1 - ro)) + dscsimd_pow2(-21) * B;
    if (!(delta <= dscsimd_pow2(-9))) return 0;
    k->c1 = (float)c[0];
    k->c2 = (float)c[1];
    k->c0 = (float)c0;
    k->dlo = (float)(2 * delta);
    k->dhi = (float)(1 - 2 * delta);
    return 1;
}

int32_t dscsimd_has_vbmi(void) {
#if DSCSIMD_X86
    __builtin_cpu_init();
    return (dscsimd_supported_isas() & (1 << DSCSIMD_ISA_AVX512VNNI)) && __builtin_cpu_supports("avx512vbmi") ? 1 : 0;
#else
    return 0;
#endif
}

int dscsimd_supported_isas(void) {
    int s = 1 << DSCSIMD_ISA_PORTABLE;
#if DSCSIMD_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2"))
        s |= 1 << DSCSIMD_ISA_AVX2;
    if ((s & (1 << DSCSIMD_ISA_AVX2)) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vnni"))
        s |= 1 << DSCSIMD_ISA_AVX512VNNI;
    if ((s & (1 << DSCSIMD_ISA_AVX2)) && __builtin_cpu_supports("avxvnni"))
        s |= 1 << DSCSIMD_ISA_AVXVNNI;
#endif
    return s;
}

size_t dscsimd_conv_scratch_bytes(int32_t in_c, int32_t kernel_h, int32_t kernel_w, int64_t input_pixels) {
    size_t c4 = ((size_t)in_c + 3) / 4 * 4;
    size_t padbytes = (c4 + 63) / 64 * 64;
    size_t copy = (size_t)input_pixels * c4;
    return padbytes + (size_t)DSCSIMD_RB * (size_t)kernel_h * (size_t)kernel_w * sizeof(void *) + copy + 64;
}

size_t dscsimd_dw_phase_stride(int32_t channels, int32_t out_w, int32_t stride_w, int32_t kernel_w, int32_t dilation_w) {
    size_t width = (size_t)(out_w - 1) * stride_w + (size_t)(kernel_w - 1) * dilation_w + 1;
    size_t positions = (width + stride_w - 1) / stride_w;
    return (positions * (size_t)channels + 64 + 63) / 64 * 64;
}

size_t dscsimd_dwconv_scratch_bytes(int32_t channels, int32_t out_w, int32_t stride_w, int32_t kernel_w,
                                    int32_t dilation_w, int32_t kernel_h) {
    size_t generic = dscsimd_dw_phase_stride(channels, out_w, stride_w, kernel_w, dilation_w) * (size_t)stride_w *
                     ((size_t)kernel_h + 3) + 64;
    size_t width = (size_t)(out_w - 1) * stride_w + (size_t)(kernel_w - 1) * dilation_w + 1;
    size_t prow = (width * channels + 64 + 63) / 64 * 64;
    size_t grow = ((size_t)out_w * channels * 4 + 256 + 63) / 64 * 64;
    size_t vnni = 2 * prow + grow * ((size_t)kernel_h + 1) + 64;
    return generic > vnni ? generic : vnni;
}

void dscsimd_execute(const dscsimd_op *op) {
#if DSCSIMD_X86
    switch (op->isa) {
    case DSCSIMD_ISA_AVX512VNNI: execute_avx512vnni(op); return;
    case DSCSIMD_ISA_AVX2: execute_avx2(op); return;
    case DSCSIMD_ISA_AVXVNNI: execute_avxvnni(op); return;
    default: break;
    }
#endif
    execute_portable(op);
}

int32_t dscsimd_execute_run(const dscsimd_op *ops, int32_t count) {
    for (int32_t i = 0; i < count; i++) {
        if (ops[i].kind == DSCSIMD_OP_NONE) return i;
        dscsimd_execute(&ops[i]);
    }
    return count;
}

const char *dscsimd_getenv(const char *name) { return getenv(name); }

/// Where the conv kernel of `isa` reads its input: the input itself, or its copy in scratch
/// (flipped to u8 on AVX-512 VNNI for int8, channels padded to 4 for few channels).
static const uint8_t *dscsimd_conv_source(const dscsimd_conv *a, int isa) {
    int in_c = (a->in_c + 3) / 4 * 4;
    int copies = in_c != a->in_c || (isa == DSCSIMD_ISA_AVX512VNNI && a->input_xor != 0);
    if (!copies) return a->input;
    size_t padbytes = ((size_t)in_c + 63) / 64 * 64;
    return a->scratch + padbytes + (size_t)DSCSIMD_RB * (size_t)a->kernel_h * a->kernel_w * sizeof(void *);
}

size_t dscsimd_conv_runs_scratch_bytes(const dscsimd_conv *a) {
    size_t ind = (size_t)DSCSIMD_RB * (size_t)a->kernel_h * sizeof(void *);
    size_t image = (size_t)a->padded_h * (size_t)a->padded_w * (size_t)a->in_c;
    return ind + (size_t)a->batches * image + 64 + 64;
}

size_t dscsimd_conv_indirection_count(const dscsimd_conv *a) {
    size_t total = (size_t)a->batches * a->out_h * a->out_w;
    size_t blocks = (total + DSCSIMD_RB - 1) / DSCSIMD_RB;
    return blocks * DSCSIMD_RB * (size_t)a->kernel_h * (a->row_runs ? 1 : (size_t)a->kernel_w);
}

void dscsimd_conv_prepare_indirection(dscsimd_conv *a, int32_t isa, const uint8_t **table) {
    if (a->row_runs) {
        const uint8_t *img = a->scratch + (size_t)DSCSIMD_RB * (size_t)a->kernel_h * sizeof(void *);
        size_t total = (size_t)a->batches * a->out_h * a->out_w;
        size_t per_block = DSCSIMD_RB * (size_t)a->kernel_h;
        for (size_t p0 = 0, b = 0; p0 < total; p0 += DSCSIMD_RB, b++) {
            int rows = (int)(total - p0 < DSCSIMD_RB ? total - p0 : DSCSIMD_RB);
            dscsimd_conv_runs_indirection(a, img, p0, rows, table + b * per_block);
        }
        a->indirection = table;
        return;
    }
    const uint8_t *input = dscsimd_conv_source(a, isa);
    size_t total = (size_t)a->batches * a->out_h * a->out_w;
    size_t per_block = DSCSIMD_RB * (size_t)a->kernel_h * a->kernel_w;
    for (size_t p0 = 0, b = 0; p0 < total; p0 += DSCSIMD_RB, b++) {
        int rows = (int)(total - p0 < DSCSIMD_RB ? total - p0 : DSCSIMD_RB);
        dscsimd_conv_block_indirection(a, input, a->scratch, p0, rows, table + b * per_block);
    }
    a->indirection = table;
}
