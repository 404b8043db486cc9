// Average and max pooling over int8 or uint8 (window clipped to the image), 16 channels at a time in
// generic vectors; built once per ISA by pool-<isa>.c.
#ifndef DSCSIMD_POOL_H
#define DSCSIMD_POOL_H

#include "../common/vectors.h"

void KFN(dscsimd_pool)(const dscsimd_op *op) {
    const dscsimd_pool *a = &op->pool;
    const int C = a->channels;
    const size_t row_bytes = (size_t)a->in_w * C, image_bytes = row_bytes * a->in_h;
    uint8_t *out = a->output;
    for (int bi = 0; bi < a->batches; bi++) {
        const uint8_t *img = a->input + (size_t)bi * image_bytes;
        for (int oy = 0; oy < a->out_h; oy++) {
            int y0 = oy * a->stride_h - a->pad_top;
            int fy0 = y0 < 0 ? -y0 : 0, fy1 = a->in_h - y0 < a->kernel_h ? a->in_h - y0 : a->kernel_h;
            for (int ox = 0; ox < a->out_w; ox++) {
                int x0 = ox * a->stride_w - a->pad_left;
                int fx0 = x0 < 0 ? -x0 : 0, fx1 = a->in_w - x0 < a->kernel_w ? a->in_w - x0 : a->kernel_w;
                int count = (fy1 - fy0) * (fx1 - fx0);
                if (count < 1) count = 1;
                for (int c = 0; c < C; c += 16) {
                    v16si acc = splat_v16si(a->average ? 0 : (a->input_unsigned ? 0 : -128));
                    for (int fy = fy0; fy < fy1; fy++) {
                        const uint8_t *src = img + (size_t)(y0 + fy) * row_bytes + c;
                        for (int fx = fx0; fx < fx1; fx++) {
                            const uint8_t *px = src + (size_t)(x0 + fx) * C;
                            v16si x = a->input_unsigned ? __builtin_convertvector(load_v16qu(px), v16si)
                                                        : __builtin_convertvector((v16qi)load_v16qu(px), v16si);
                            acc = a->average ? acc + x : __builtin_elementwise_max(acc, x);
                        }
                    }
                    if (a->average && count < (1 << 20)) {
                        // The reference's (s ± count/2) / count (truncating) is sign(s) * floor(n / count) with
                        // n = |s| + count/2 < 2^31. In double, n / count is rounded by at most n * 2^-53 <
                        // 2^-22, less than the 1/count a non-integer quotient is from an integer, and an
                        // integer quotient is exact: the floor is exact.
                        const v16si neg = acc >> 31;
                        const v16si n = ((acc ^ neg) - neg) + count / 2;
                        v8si h0, h1;
                        __builtin_memcpy(&h0, &n, 32);
                        __builtin_memcpy(&h1, (const char *)&n + 32, 32);
                        const v8df d = (v8df){0} + (double)count;
                        // n / count >= 0, so the truncating conversion is the floor.
                        v8si q0 = __builtin_convertvector(__builtin_convertvector(h0, v8df) / d, v8si);
                        v8si q1 = __builtin_convertvector(__builtin_convertvector(h1, v8df) / d, v8si);
                        v16si q;
                        __builtin_memcpy(&q, &q0, 32);
                        __builtin_memcpy((char *)&q + 32, &q1, 32);
                        acc = (q ^ neg) - neg;
                    } else if (a->average) {
                        int32_t lanes[16];
                        __builtin_memcpy(lanes, &acc, 64);
                        for (int i = 0; i < 16; i++) {
                            int32_t s = lanes[i];
                            lanes[i] = s > 0 ? (s + count / 2) / count : (s - count / 2) / count;
                        }
                        __builtin_memcpy(&acc, lanes, 64);
                    }
                    acc = __builtin_elementwise_max(acc, splat_v16si(a->lo));
                    acc = __builtin_elementwise_min(acc, splat_v16si(a->hi));
                    store_partial16(out + c, __builtin_convertvector((v16su)acc, v16qu), C - c);
                }
                out += C;
            }
        }
    }
}

#endif
