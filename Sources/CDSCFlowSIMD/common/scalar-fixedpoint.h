// gemmlowp fixed-point primitives on single int32 values (C++ semantics: truncating division,
// wrapping sums), for the scalar kernels (Softmax) and the exact fallback lanes of the float Add.
#ifndef DSCSIMD_SCALAR_FIXEDPOINT_H
#define DSCSIMD_SCALAR_FIXEDPOINT_H

#include <stdint.h>

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
static inline int32_t dscsimd_mbqm1(int32_t x, int32_t m, int32_t s, int single) {
    if (single) {
        const int t = 31 - s;
        return (int32_t)(((int64_t)x * m + ((int64_t)1 << (t - 1))) >> t);
    }
    return sm_rdbpot(sm_srdhm(x, m), -s);
}

/// one_over_one_plus_x_for_x_in_0_1: input and result with 0 integer bits.
static inline int32_t sm_one_over_one_plus_x(int32_t a) {
    const int32_t half_denominator = sm_half_sum(a, INT32_MAX);
    int32_t x = sm_add(1515870810, sm_srdhm(half_denominator, -1010580540));  // 48/17 - 32/17 * d (2 integer bits)
    for (int i = 0; i < 3; i++) {
        int32_t one_minus = (int32_t)((uint32_t)(1 << 29) - (uint32_t)sm_srdhm(half_denominator, x));
        x = sm_add(x, sm_sat_pot(sm_srdhm(x, one_minus), 2));
    }
    return sm_sat_pot(x, 1);
}

#endif
