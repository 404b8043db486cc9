// Max pool of int8/uint8 values whose windows all lie inside the image (no padding), on whole bytes:
// the window's maximum and the clamp are byte maxima and minima, 64 channels at a time (16 for the
// tail), with no widening. Built once per ISA by maxpool-bytes-<isa>.c.
#ifndef DSCSIMD_MAXPOOL_BYTES_H
#define DSCSIMD_MAXPOOL_BYTES_H

#include "../common/vectors.h"

typedef int8_t v64qi __attribute__((vector_size(64)));

/// The pool over type T (v64 / v16 vectors of int8 or uint8).
#define DSC_MAXPOOL_BYTES(V64, V16, T)                                                                     \
    for (int bi = 0; bi < a->batches; bi++) {                                                             \
        const uint8_t *img = a->input + (size_t)bi * image_bytes;                                         \
        for (int oy = 0; oy < a->out_h; oy++) {                                                           \
            for (int ox = 0; ox < a->out_w; ox++, out += C) {                                             \
                const uint8_t *win = img + ((size_t)oy * a->stride_h * a->in_w + (size_t)ox * a->stride_w) * C; \
                int c = 0;                                                                                \
                for (; c + 64 <= C; c += 64) {                                                            \
                    V64 m, x;                                                                             \
                    memcpy(&m, win + c, 64);                                                              \
                    for (int fy = 0; fy < a->kernel_h; fy++)                                              \
                        for (int fx = 0; fx < a->kernel_w; fx++) {                                        \
                            memcpy(&x, win + ((size_t)fy * a->in_w + fx) * C + c, 64);                    \
                            m = __builtin_elementwise_max(m, x);                                          \
                        }                                                                                 \
                    m = __builtin_elementwise_min(__builtin_elementwise_max(m, (V64){0} + (T)a->lo), (V64){0} + (T)a->hi); \
                    memcpy(out + c, &m, 64);                                                              \
                }                                                                                         \
                for (; c < C; c += 16) {                                                                  \
                    V16 m, x;                                                                             \
                    memcpy(&m, win + c, 16);                                                              \
                    for (int fy = 0; fy < a->kernel_h; fy++)                                              \
                        for (int fx = 0; fx < a->kernel_w; fx++) {                                        \
                            memcpy(&x, win + ((size_t)fy * a->in_w + fx) * C + c, 16);                    \
                            m = __builtin_elementwise_max(m, x);                                          \
                        }                                                                                 \
                    m = __builtin_elementwise_min(__builtin_elementwise_max(m, (V16){0} + (T)a->lo), (V16){0} + (T)a->hi); \
                    store_partial16(out + c, (v16qu)m, C - c);                                            \
                }                                                                                         \
            }                                                                                             \
        }                                                                                                 \
    }

void KFN(dscsimd_maxpool_bytes)(const dscsimd_op *op) {
    const dscsimd_pool *a = &op->pool;
    const int C = a->channels;
    const size_t image_bytes = (size_t)a->in_w * C * a->in_h;
    uint8_t *out = a->output;
    if (a->input_unsigned) {
        DSC_MAXPOOL_BYTES(v64qu, v16qu, uint8_t)
    } else {
        DSC_MAXPOOL_BYTES(v64qi, v16qi, int8_t)
    }
}
#undef DSC_MAXPOOL_BYTES

#endif
