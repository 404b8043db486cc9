// The generic depthwise kernel, built for every ISA: int32 weights per tap, rows padded and split by
// stride phase into scratch, 16 output bytes at a time in natural (pixel, channel) order.
#ifndef DSCSIMD_DWCONV_GENERIC_H
#define DSCSIMD_DWCONV_GENERIC_H

#include "../requant/requant.h"
#include "dw-rows.h"

void KFN(dscsimd_dwconv_generic)(const dscsimd_op *op) {
    const dscsimd_dwconv *a = &op->dw;
    const dscsimd_requant rq = a->rq;  // local: output stores cannot alias it
    const int32_t *bias = a->bias;
    const int unsigned_input = a->input_unsigned;
    const int C = a->channels, L = a->period, taps = a->kernel_h * a->kernel_w, s = a->stride_w;
    const dw_span span = dw_span_of(a);  // this call's output rows
    const int width = span.width;
    const size_t phase_stride = dscsimd_dw_phase_stride(C, a->out_w, s, a->kernel_w, a->dilation_w);
    const size_t row_bytes = phase_stride * s;
    // Scratch: [pad row][kernel_h rows].
    uint8_t *padrow = a->scratch;
    memset(padrow, (uint8_t)a->pad_value, row_bytes);
    uint8_t *rows = a->scratch + row_bytes;
    const size_t image = (size_t)a->in_w * a->in_c * a->in_h;
    dw_slots cache;
    dw_slots_init(&cache, a);
    size_t toff[64];
    dw_tap_offsets(a, phase_stride, toff);
    const uint8_t *base[64];
    const int32_t *w = a->weights;
    const size_t n = span.n;
    uint8_t *out = span.out;
    for (size_t row = span.row_begin; row < span.row_end; row++) {
        const int bi = (int)(row / a->out_h), oy = (int)(row % a->out_h);
        dw_cached_rows(a, &cache, bi, oy, a->input + (size_t)bi * image, rows, padrow, padrow, NULL, toff, width,
                       phase_stride, row_bytes, 0, 0, base);
        int j = 0;
        for (size_t i = 0; i < n; i += 16) {
            v16si acc = load_v16si(bias + j);
            const int32_t *wj = w + j;
            if (unsigned_input) {
                for (int k = 0; k < taps; k++) {
                    v16si x = __builtin_convertvector(load_v16qu(base[k] + i), v16si);
                    acc = (v16si)((v16su)acc + (v16su)(x * load_v16si(wj + (size_t)k * L)));
                }
            } else if (taps == 9) {
#pragma clang loop unroll(full)
                for (int k = 0; k < 9; k++) {
                    v16si x = __builtin_convertvector((v16qi)load_v16qu(base[k] + i), v16si);
                    acc = (v16si)((v16su)acc + (v16su)(x * load_v16si(wj + (size_t)k * L)));
                }
            } else {
                for (int k = 0; k < taps; k++) {
                    v16si x = __builtin_convertvector((v16qi)load_v16qu(base[k] + i), v16si);
                    acc = (v16si)((v16su)acc + (v16su)(x * load_v16si(wj + (size_t)k * L)));
                }
            }
            store_partial16(out + i, requant16(acc, &rq, j), (int)(n - i < 16 ? n - i : 16));
            j += 16;
            if (j == L) j = 0;
        }
        out += n;
    }
}

#endif
