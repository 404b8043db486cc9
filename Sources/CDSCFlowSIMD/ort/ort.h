// ONNX Runtime's operators in its arithmetic (`dscsimd_ort`), built once per ISA by ort-<isa>.c. Every
// lane computes what the reference kernel computes for one element, with the same float32 operations in
// the same order: QuantizeLinear's division, QLinearAdd's two FMAs (__builtin_elementwise_fma is a fused
// multiply-add on every target, in hardware where the build has FMA), the pools' sums in window order
// (lanes are channels), the float Conv's FMA chains (lanes are output channels). Round half to even is
// the 1.5 * 2^23 addition, exact after the clamps below bound |v| by 2^22.
#ifndef DSCSIMD_ORT_H
#define DSCSIMD_ORT_H

#include "../common/vectors.h"

#define ORT_MAGIC 12582912.0f

/// roundHalfEven of 16 floats with |v| <= 2^22, as int32.
static inline __attribute__((always_inline)) v16si ort_round(v16sf v) {
    const v16sf m = (v16sf){0} + ORT_MAGIC;
    return __builtin_convertvector((v + m) - m, v16si);
}

/// MlasQuantizeLinear on 16 floats: roundHalfEven(clamp(x / scale, lo - zp, hi - zp)) + zp; a NaN
/// quotient clamps to lo - zp (maxNum returns the number, as MAXPS returns its second operand).
static inline __attribute__((always_inline)) v16si ort_quantize16(v16sf x, float scale, int32_t zp, int32_t lo, int32_t hi) {
    v16sf v = x / ((v16sf){0} + scale);
    v = __builtin_elementwise_max(v, (v16sf){0} + (float)(lo - zp));
    v = __builtin_elementwise_min(v, (v16sf){0} + (float)(hi - zp));
    return ort_round(v) + zp;
}

/// Stores the low bytes of the first `n` (<= 16) lanes of `v`.
static inline __attribute__((always_inline)) void ort_store_bytes(uint8_t *p, v16si v, int64_t n) {
    store_partial16(p, __builtin_convertvector((v16su)v, v16qu), (int)(n < 16 ? n : 16));
}

static void ort_quantize(const dscsimd_ort *a) {
    const float *x = (const float *)(const void *)a->a;
    for (int64_t i = 0; i < a->count; i += 16) {
        const int64_t n = a->count - i < 16 ? a->count - i : 16;
        v16sf v = (v16sf){0};
        if (n == 16) memcpy(&v, x + i, 64);  // a constant size: one vector load, not a library call
        else memcpy(&v, x + i, (size_t)n * 4);
        ort_store_bytes(a->output + i, ort_quantize16(v, a->scale, a->zero_point, a->lo, a->hi), n);
    }
}

/// QLinearAdd: cvtps2dq gives INT32_MIN outside the int32 range (and for NaN), which saturates to lo.
static void ort_add(const dscsimd_ort *a) {
    const v16sf ra = (v16sf){0} + a->ratio_a, rb = (v16sf){0} + a->ratio_b, f = (v16sf){0} + a->fixed;
    const v16sf lo1 = (v16sf){0} + (float)(a->lo - 1), hi1 = (v16sf){0} + (float)(a->hi + 1);
    for (int64_t i = 0; i < a->count; i += 16) {
        const int64_t n = a->count - i < 16 ? a->count - i : 16;
        const v16sf x = __builtin_convertvector(load_partial16_widened(a->a + i, n, a->input_signed), v16sf);
        const v16sf y = __builtin_convertvector(load_partial16_widened(a->b + i, n, a->input_signed), v16sf);
        const v16sf t = __builtin_elementwise_fma(x, ra, __builtin_elementwise_fma(y, rb, f));
        const v16si inside = (t >= -2147483648.0f) & (t < 2147483648.0f);
        v16si r = ort_round(__builtin_elementwise_min(__builtin_elementwise_max(t, lo1), hi1));
        r = (r & inside) | (a->lo & ~inside);
        r = __builtin_elementwise_min(__builtin_elementwise_max(r, (v16si){0} + a->lo), (v16si){0} + a->hi);
        ort_store_bytes(a->output + i, r, n);
    }
}

/// The unfused QDQ Add: QuantizeLinear(DequantizeLinear(a) + DequantizeLinear(b)).
static void ort_add_float(const dscsimd_ort *a) {
    for (int64_t i = 0; i < a->count; i += 16) {
        const int64_t n = a->count - i < 16 ? a->count - i : 16;
        v16sf s = (v16sf){0};
        for (int64_t k = 0; k < n; k++) s[k] = a->table[a->a[i + k]] + a->table[256 + a->b[i + k]];
        ort_store_bytes(a->output + i, ort_quantize16(s, a->scale, a->zero_point, a->lo, a->hi), n);
    }
}

/// QLinearGlobalAveragePool over the H x W pixels of NHWC, 16 channels at a time.
static void ort_global_average(const dscsimd_ort *a) {
    const int64_t pixels = (int64_t)a->in_h * a->in_w;
    const int32_t bias = (int32_t)(-(int64_t)a->input_zero_point * pixels);
    const v16sf lo = (v16sf){0} + (float)(a->lo - a->zero_point), hi = (v16sf){0} + (float)(a->hi - a->zero_point);
    for (int32_t n = 0; n < a->batches; n++) {
        const uint8_t *img = a->a + (size_t)n * (size_t)pixels * (size_t)a->channels;
        for (int32_t c = 0; c < a->channels; c += 16) {
            const int64_t k = a->channels - c < 16 ? a->channels - c : 16;
            v16si acc = (v16si){0} + bias;
            for (int64_t p = 0; p < pixels; p++) acc += load_partial16_widened(img + p * a->channels + c, k, a->input_signed);
            v16sf v = __builtin_convertvector(acc, v16sf) * ((v16sf){0} + a->scale);
            v = __builtin_elementwise_min(__builtin_elementwise_max(v, lo), hi);
            ort_store_bytes(a->output + (size_t)n * (size_t)a->channels + (size_t)c, ort_round(v) + a->zero_point, k);
        }
    }
}

/// QLinearAveragePool's float path on NHWC, 16 channels at a time: the dequantized window summed from 0
/// in row-major order, divided by the count, roundHalfEven(avg / y_scale + y_zp), saturated.
static void ort_average_pool(const dscsimd_ort *a) {
    const int32_t C = a->channels;
    for (int32_t n = 0; n < a->batches; n++)
        for (int32_t oy = 0; oy < a->out_h; oy++) {
            const int32_t y0 = oy * a->stride_h - a->pad_top;
            const int32_t ys = y0 > 0 ? y0 : 0, ye = y0 + a->kernel_h < a->in_h ? y0 + a->kernel_h : a->in_h;
            for (int32_t ox = 0; ox < a->out_w; ox++) {
                const int32_t x0 = ox * a->stride_w - a->pad_left;
                const int32_t xs = x0 > 0 ? x0 : 0, xe = x0 + a->kernel_w < a->in_w ? x0 + a->kernel_w : a->in_w;
                const int32_t count = a->include_pad ? a->kernel_h * a->kernel_w
                                                     : (ye > ys ? ye - ys : 0) * (xe > xs ? xe - xs : 0);
                uint8_t *out = a->output + (((size_t)n * (size_t)a->out_h + (size_t)oy) * (size_t)a->out_w + (size_t)ox) * (size_t)C;
                for (int32_t c = 0; c < C; c += 16) {
                    const int64_t k = C - c < 16 ? C - c : 16;
                    v16sf sum = (v16sf){0};
                    for (int32_t iy = ys; iy < ye; iy++)
                        for (int32_t ix = xs; ix < xe; ix++) {
                            const uint8_t *p = a->a + (((size_t)n * (size_t)a->in_h + (size_t)iy) * (size_t)a->in_w + (size_t)ix) * (size_t)C + (size_t)c;
                            v16sf v = (v16sf){0};
                            for (int64_t j = 0; j < k; j++) v[j] = a->table[p[j]];
                            sum += v;
                        }
                    v16sf v = (sum / ((v16sf){0} + (float)count)) / ((v16sf){0} + a->scale) + (float)a->zero_point;
                    // nearbyintf then the int32 conversion: outside int32 (or NaN) gives INT32_MIN -> lo.
                    const v16si inside = (v >= -2147483648.0f) & (v < 2147483648.0f);
                    v16si r = ort_round(__builtin_elementwise_min(__builtin_elementwise_max(v, (v16sf){0} + (float)(a->lo - 1)),
                                                                  (v16sf){0} + (float)(a->hi + 1)));
                    r = (r & inside) | (a->lo & ~inside);
                    r = __builtin_elementwise_min(__builtin_elementwise_max(r, (v16si){0} + a->lo), (v16si){0} + a->hi);
                    ort_store_bytes(out + c, r, k);
                }
            }
        }
}

/// The float Conv's end for 16 output channels from oc0 (both algorithms): + bias, the activation as
/// max then min, QuantizeLinear, the first `lanes` bytes stored at out + oc0.
static inline __attribute__((always_inline)) void ort_float_conv_store(const dscsimd_ort *a, v16sf sum, uint8_t *out,
                                                                       int32_t oc0, int64_t lanes) {
    if (a->bias) {
        v16sf bv;
        memcpy(&bv, a->bias + oc0, 64);
        sum = sum + bv;
    }
    if (a->act_lo > -__builtin_inff()) sum = __builtin_elementwise_max(sum, (v16sf){0} + a->act_lo);
    if (a->act_hi < __builtin_inff()) sum = __builtin_elementwise_min(sum, (v16sf){0} + a->act_hi);
    ort_store_bytes(out + oc0, ort_quantize16(sum, a->scale, a->zero_point, a->lo, a->hi), lanes);
}

/// The float-path Conv (ReferenceORTFloatConv), 16 output channels per vector: each lane's FMA chain
/// runs over the same taps and channels in the same order as the reference's.
static void ort_float_conv(const dscsimd_ort *a) {
    const int32_t kh = a->kernel_h, kw = a->kernel_w, C = a->channels, M = a->out_c, G = a->groups;
    const int32_t cg = C / G, mg = M / G, taps = kh * kw;
    const int32_t blocks = (M + 15) / 16;
    for (int32_t n = 0; n < a->batches; n++)
        for (int32_t oy = 0; oy < a->out_h; oy++) {
            const int32_t y0 = oy * a->stride_h - a->pad_top;
            for (int32_t ox = 0; ox < a->out_w; ox++) {
                const int32_t x0 = ox * a->stride_w - a->pad_left;
                uint8_t *out = a->output + (((size_t)n * (size_t)a->out_h + (size_t)oy) * (size_t)a->out_w + (size_t)ox) * (size_t)M;
                for (int32_t b = 0; b < blocks; b++) {
                    // Lanes of one block read one group (the packer keeps groups of 16 or depthwise lanes).
                    const int32_t oc0 = b * 16;
                    const float *wb = a->weights + (size_t)b * (size_t)taps * (size_t)cg * 16;
                    v16sf sum = (v16sf){0};
                    int first = 1;
                    for (int32_t c0 = 0; c0 < cg; c0 += a->chunk) {
                        const int32_t c1 = c0 + a->chunk < cg ? c0 + a->chunk : cg;
                        v16sf acc = (v16sf){0};
                        for (int32_t ky = 0; ky < kh; ky++) {
                            const int32_t iy = y0 + ky;
                            if (iy < 0 || iy >= a->in_h) continue;
                            for (int32_t kx = 0; kx < kw; kx++) {
                                const int32_t ix = x0 + kx;
                                if (ix < 0 || ix >= a->in_w) continue;
                                const uint8_t *px = a->a + (((size_t)n * (size_t)a->in_h + (size_t)iy) * (size_t)a->in_w + (size_t)ix) * (size_t)C;
                                const float *wt = wb + ((size_t)(ky * kw + kx) * (size_t)cg) * 16;
                                if (a->algorithm == 3) {
                                    // Depthwise: lane j reads its own channel oc0 + j.
                                    v16sf x = (v16sf){0};
                                    for (int32_t j = 0; j < 16 && oc0 + j < M; j++) x[j] = a->table[px[oc0 + j]];
                                    v16sf w;
                                    memcpy(&w, wt, 64);
                                    acc = __builtin_elementwise_fma(x, w, acc);
                                } else {
                                    const uint8_t *pg = px + (size_t)(oc0 / mg) * (size_t)cg;
                                    for (int32_t c = c0; c < c1; c++) {
                                        v16sf w;
                                        memcpy(&w, wt + (size_t)c * 16, 64);
                                        acc = __builtin_elementwise_fma((v16sf){0} + a->table[pg[c]], w, acc);
                                    }
                                }
                            }
                        }
                        sum = first ? acc : acc + sum;
                        first = 0;
                    }
                    ort_float_conv_store(a, sum, out, oc0, M - oc0 < 16 ? M - oc0 : 16);
                }
            }
        }
}

/// The generic float Conv (MLAS's im2col + SGEMM, ReferenceORTGenericConv): lane j is output channel
/// oc0 + j, summing the im2col rows k = (channel, row, column) of its group (padding rows are 0). One
/// filter per group: products rounded, summed in groups of 4, 2, 1, each group added to the running total
/// (MlasSgemmKernelM1Avx); otherwise FMA chains from 0 per K block of `chunk` rows, blocks added in order.
static void ort_float_conv_generic(const dscsimd_ort *a) {
#pragma clang fp contract(off)
    const int32_t kh = a->kernel_h, kw = a->kernel_w, C = a->channels, M = a->out_c, G = a->groups;
    const int32_t cg = C / G, mg = M / G, taps = kh * kw, K = cg * taps;
    const int32_t blocks = (M + 15) / 16, stride_k = a->chunk > 0 ? a->chunk : K;
    for (int32_t n = 0; n < a->batches; n++)
        for (int32_t oy = 0; oy < a->out_h; oy++) {
            const int32_t y0 = oy * a->stride_h - a->pad_top;
            for (int32_t ox = 0; ox < a->out_w; ox++) {
                const int32_t x0 = ox * a->stride_w - a->pad_left;
                uint8_t *out = a->output + (((size_t)n * (size_t)a->out_h + (size_t)oy) * (size_t)a->out_w + (size_t)ox) * (size_t)M;
                for (int32_t b = 0; b < blocks; b++) {
                    const int32_t oc0 = b * 16;
                    const int32_t lanes = M - oc0 < 16 ? M - oc0 : 16;
                    const float *wb = a->weights + (size_t)b * (size_t)taps * (size_t)cg * 16;
                    int32_t base[16];
                    for (int32_t j = 0; j < 16; j++) base[j] = j < lanes ? ((oc0 + j) / mg) * cg : 0;
                    v16sf total = (v16sf){0};
                    int first = 1;
                    int32_t k = 0;
                    while (k < K) {
                        const int32_t end = mg == 1 ? k + (K - k >= 4 ? 4 : (K - k >= 2 ? 2 : 1))
                                                    : (k + stride_k < K ? k + stride_k : K);
                        v16sf part = (v16sf){0};
                        for (int32_t r = k; r < end; r++) {
                            const int32_t ci = r / taps, t = r - ci * taps, ky = t / kw, kx = t - ky * kw;
                            const int32_t iy = y0 + ky, ix = x0 + kx;
                            v16sf x = (v16sf){0}, w;
                            if (iy >= 0 && iy < a->in_h && ix >= 0 && ix < a->in_w) {
                                const uint8_t *px = a->a + (((size_t)n * (size_t)a->in_h + (size_t)iy) * (size_t)a->in_w + (size_t)ix) * (size_t)C;
                                for (int32_t j = 0; j < lanes; j++) x[j] = a->table[px[base[j] + ci]];
                            }
                            memcpy(&w, wb + ((size_t)t * (size_t)cg + (size_t)ci) * 16, 64);
                            if (mg == 1) {
                                const v16sf product = x * w;
                                part = r == k ? product : part + product;
                            } else {
                                part = __builtin_elementwise_fma(x, w, part);
                            }
                        }
                        total = first ? part : part + total;
                        first = 0;
                        k = end;
                    }
                    ort_float_conv_store(a, total, out, oc0, lanes);
                }
            }
        }
}

void KFN(dscsimd_ort)(const dscsimd_op *op) {
    const dscsimd_ort *a = &op->ort;
    switch (a->mode) {
    case DSCSIMD_ORT_QUANTIZE: ort_quantize(a); break;
    case DSCSIMD_ORT_ADD: ort_add(a); break;
    case DSCSIMD_ORT_ADD_FLOAT: ort_add_float(a); break;
    case DSCSIMD_ORT_GLOBAL_AVERAGE: ort_global_average(a); break;
    case DSCSIMD_ORT_AVERAGE_POOL: ort_average_pool(a); break;
    case DSCSIMD_ORT_FLOAT_CONV:
        if (a->algorithm == 4) ort_float_conv_generic(a);
        else ort_float_conv(a);
        break;
    default: break;
    }
}

#endif
