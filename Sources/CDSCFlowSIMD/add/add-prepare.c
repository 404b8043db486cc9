// The Add kernels' preparation and scalar fallback (ISA-independent): the float form's constants and
// the proof that it is exact where it accepts, the byte-plane kernel's applicability, and the exact
// scalar lane.
#include "add-internal.h"
#include "../common/scalar-fixedpoint.h"
#include <string.h>

uint8_t dscsimd_add_lane(const dscsimd_add *a, int32_t x1, int32_t x2) {
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

int32_t dscsimd_add_planes_applicable(const dscsimd_add *a) {
    // The packs saturate to int8, so the clamped value must already be an int8 (hi in -128...127).
    if (a->single_rounding || !a->planes1 || !a->planes2 || a->input_unsigned) return 0;
    const int32_t mo = a->output_multiplier, so = a->output_shift;
    if (!(mo >= 0 && so <= -1 && so >= -30 && a->lo >= -128 && a->hi >= -128 && a->hi <= 127)) return 0;
    return dscsimd_narrow_fits(a->table_bound, -so, a->output_offset);
}
