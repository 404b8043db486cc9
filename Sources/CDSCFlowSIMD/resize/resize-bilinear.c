// Bilinear resize with tabulated integer weights, the same for every ISA: per output row the two
// source rows are blended into one row (int16 when the row weights have at most 7 fraction bits, so
// |weight x pixel| <= 128 * 255 fits; else int32), then each output pixel blends two of that row's
// pixels and rounds. The weights are validated to lie in 0...2^bits, so every result already lies in
// the input type's range (a convex combination, rounded): no clamp is needed.
#include "CDSCFlowSIMD.h"
#include <string.h>

typedef int16_t rs_i16x16 __attribute__((vector_size(32)));
typedef int32_t rs_i32x16 __attribute__((vector_size(64)));
typedef uint8_t rs_u8x16 __attribute__((vector_size(16)));
typedef int8_t rs_s8x16 __attribute__((vector_size(16)));

/// blend[i] = v0 * r0[i] + v1 * r1[i] over one source row of `n` bytes, 16 at a time (B: the blend type).
#define RS_BLEND(NAME, B, VB)                                                                              \
    static inline __attribute__((always_inline)) void NAME(B *restrict blend, const uint8_t *r0, const uint8_t *r1, \
                                                         size_t n, int32_t v0, int32_t v1, int is_signed) {  \
        const VB w0 = (VB){0} + (B)v0, w1 = (VB){0} + (B)v1;                                               \
        size_t i = 0;                                                                                      \
        for (; i + 16 <= n; i += 16) {                                                                     \
            VB s;                                                                                          \
            if (is_signed) {                                                                               \
                rs_s8x16 a, b;                                                                             \
                memcpy(&a, r0 + i, 16); memcpy(&b, r1 + i, 16);                                            \
                s = __builtin_convertvector(a, VB) * w0 + __builtin_convertvector(b, VB) * w1;              \
            } else {                                                                                       \
                rs_u8x16 a, b;                                                                             \
                memcpy(&a, r0 + i, 16); memcpy(&b, r1 + i, 16);                                            \
                s = __builtin_convertvector(a, VB) * w0 + __builtin_convertvector(b, VB) * w1;              \
            }                                                                                              \
            memcpy(blend + i, &s, sizeof s);                                                               \
        }                                                                                                  \
        for (; i < n; i++) {                                                                               \
            const int32_t a = is_signed ? (int8_t)r0[i] : r0[i], b = is_signed ? (int8_t)r1[i] : r1[i];   \
            blend[i] = (B)(v0 * a + v1 * b);                                                               \
        }                                                                                                  \
    }

/// One output row from the blended row: pixel x blends source pixels taps[3x], taps[3x+1] with
/// weights 2^cb - taps[3x+2], taps[3x+2]. Every argument is a local, so the byte stores (which may
/// alias anything) force no reloads.
#define RS_ROW(NAME, B)                                                                                    \
    static inline __attribute__((always_inline)) void NAME(const B *restrict blend, const int32_t *restrict taps, \
                                                         int out_w, int C, int cb, int shift, int32_t rounding, \
                                                         uint8_t *restrict out) {                           \
        for (int x = 0; x < out_w; x++) {                                                                  \
            const int32_t u1 = taps[3 * x + 2], u0 = ((int32_t)1 << cb) - u1;                              \
            const B *p0 = blend + (size_t)taps[3 * x] * C, *p1 = blend + (size_t)taps[3 * x + 1] * C;      \
            for (int c = 0; c < C; c++) out[c] = (uint8_t)((u0 * p0[c] + u1 * p1[c] + rounding) >> shift); \
            out += C;                                                                                      \
        }                                                                                                  \
    }

RS_BLEND(rs_blend16, int16_t, rs_i16x16)
RS_BLEND(rs_blend32, int32_t, rs_i32x16)
RS_ROW(rs_row16, int16_t)
RS_ROW(rs_row32, int32_t)

/// The usual channel counts as constants, so the channel loop unrolls.
#define RS_ROW_C(ROW, blend) do {                                                                          \
        if (C == 3) ROW(blend, a.column_taps, out_w, 3, cb, shift, rounding, out);                        \
        else if (C == 1) ROW(blend, a.column_taps, out_w, 1, cb, shift, rounding, out);                   \
        else ROW(blend, a.column_taps, out_w, C, cb, shift, rounding, out);                               \
    } while (0)

void dscsimd_resize_bilinear(const dscsimd_op *op) {
    const dscsimd_resize a = op->resize;
    const int rb = a.row_bits, cb = a.column_bits;
    const int shift = rb + cb;
    const int32_t rounding = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    const int C = a.channels, out_w = a.out_w;
    const size_t row = (size_t)a.in_w * (size_t)C;
    for (int b = 0; b < a.batches; b++) {
        const uint8_t *image = a.input + (size_t)b * a.in_h * row;
        uint8_t *out = a.output + (size_t)b * a.out_h * out_w * (size_t)C;
        for (int y = 0; y < a.out_h; y++) {
            const int32_t *t = a.row_taps + 3 * (size_t)y;
            const int32_t v1 = t[2], v0 = ((int32_t)1 << rb) - v1;
            const uint8_t *r0 = image + (size_t)t[0] * row, *r1 = image + (size_t)t[1] * row;
            if (rb <= 7) {
                int16_t *blend = (int16_t *)(void *)a.scratch;
                rs_blend16(blend, r0, r1, row, v0, v1, a.input_signed);
                RS_ROW_C(rs_row16, blend);
            } else {
                int32_t *blend = (int32_t *)(void *)a.scratch;
                rs_blend32(blend, r0, r1, row, v0, v1, a.input_signed);
                RS_ROW_C(rs_row32, blend);
            }
            out += (size_t)out_w * C;
        }
    }
}
