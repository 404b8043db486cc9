// Bilinear resize with tabulated integer weights, the same for every ISA: per output row the two
// source rows are blended into one int32 row (a contiguous loop the compiler vectorises), then each
// output pixel blends two of that row's pixels and rounds.
#include "CDSCFlowSIMD.h"
#include <string.h>

void dscsimd_resize_bilinear(const dscsimd_op *op) {
    const dscsimd_resize *a = &op->resize;
    const int rb = a->row_bits, cb = a->column_bits;
    const int shift = rb + cb;
    const int32_t rounding = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    const int32_t lo = a->input_signed ? -128 : 0, hi = a->input_signed ? 127 : 255;
    const int C = a->channels;
    const size_t row = (size_t)a->in_w * (size_t)C;
    int32_t *blend = (int32_t *)(void *)a->scratch;
    for (int b = 0; b < a->batches; b++) {
        const uint8_t *image = a->input + (size_t)b * a->in_h * row;
        uint8_t *out = a->output + (size_t)b * a->out_h * a->out_w * (size_t)C;
        for (int y = 0; y < a->out_h; y++) {
            const int32_t *t = a->row_taps + 3 * (size_t)y;
            const int32_t v1 = t[2], v0 = ((int32_t)1 << rb) - v1;
            const uint8_t *r0 = image + (size_t)t[0] * row, *r1 = image + (size_t)t[1] * row;
            if (a->input_signed) {
                const int8_t *s0 = (const int8_t *)r0, *s1 = (const int8_t *)r1;
                for (size_t i = 0; i < row; i++) blend[i] = v0 * s0[i] + v1 * s1[i];
            } else {
                for (size_t i = 0; i < row; i++) blend[i] = v0 * r0[i] + v1 * r1[i];
            }
            for (int x = 0; x < a->out_w; x++) {
                const int32_t *ct = a->column_taps + 3 * (size_t)x;
                const int32_t u1 = ct[2], u0 = ((int32_t)1 << cb) - u1;
                const int32_t *p0 = blend + (size_t)ct[0] * C, *p1 = blend + (size_t)ct[1] * C;
                for (int c = 0; c < C; c++) {
                    int32_t s = (u0 * p0[c] + u1 * p1[c] + rounding) >> shift;
                    s = s < lo ? lo : s > hi ? hi : s;
                    *out++ = (uint8_t)s;
                }
            }
        }
    }
}
