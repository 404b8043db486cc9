// ONNX Runtime's byte operators, the same for every ISA (`dscsimd_ort`): DequantizeLinear and lookup
// tables by raw byte, Transpose of any rank <= 6, the float32 pools (MLAS's summation orders), and QLinearSoftmax (scalar float32 in ONNX Runtime's
// order: its kernel is scalar too).
#include "CDSCFlowSIMD.h"
#include <math.h>
#include <string.h>

static void ort_dequantize(const dscsimd_ort *a) {
    float *out = (float *)(void *)a->output;
    for (int64_t i = 0; i < a->count; i++) out[i] = a->table[a->a[i]];
}

static void ort_lookup(const dscsimd_ort *a) {
    for (int64_t i = 0; i < a->count; i++) a->output[i] = a->bytes[a->a[i]];
}

/// A byte NCHW -> NHWC (or NHWC -> NCHW) transpose as `planes` interleaved planes of `pixels` bytes per
/// batch: output pixel p, plane c is input byte c * pixels + p.
static void ort_interleave(const uint8_t *in, uint8_t *out, int64_t batches, int64_t planes, int64_t pixels) {
    for (int64_t n = 0; n < batches; n++, in += planes * pixels, out += planes * pixels) {
        for (int64_t c = 0; c < planes; c++) {
            const uint8_t *src = in + c * pixels;
            uint8_t *dst = out + c;
            for (int64_t p = 0; p < pixels; p++) dst[p * planes] = src[p];
        }
    }
}

/// The output walked in order; the input index advanced by the permuted strides.
static void ort_transpose(const dscsimd_ort *a) {
    const int r = a->rank;
    // NCHW -> NHWC of bytes: output [N, H, W, C] with input strides [CHW, W, 1, HW].
    if (r == 4 && a->elem_size == 1 && a->strides[2] == 1 && a->strides[1] == a->dims[2] &&
        a->strides[3] == a->dims[1] * a->dims[2] && a->strides[0] == a->dims[1] * a->dims[2] * a->dims[3]) {
        ort_interleave(a->a, a->output, a->dims[0], a->dims[3], a->dims[1] * a->dims[2]);
        return;
    }
    const size_t es = (size_t)a->elem_size;
    int64_t index[6] = {0, 0, 0, 0, 0, 0};
    int64_t src = 0;
    const int64_t inner = r > 0 ? a->dims[r - 1] : 1, step = r > 0 ? a->strides[r - 1] : 0;
    uint8_t *out = a->output;
    for (int64_t done = 0; done < a->count; done += inner) {
        if (es == 1) {
            for (int64_t i = 0; i < inner; i++) out[i] = a->a[src + i * step];
        } else {
            for (int64_t i = 0; i < inner; i++) memcpy(out + (size_t)i * es, a->a + (size_t)(src + i * step) * es, es);
        }
        out += (size_t)inner * es;
        for (int d = r - 2; d >= 0; d--) {
            src += a->strides[d];
            if (++index[d] < a->dims[d]) break;
            src -= a->strides[d] * a->dims[d];
            index[d] = 0;
        }
    }
}

/// QLinearSoftmax per row: max, sum of the table entries in order, then clamp(rint(e * Y / sum) + zp).
static void ort_softmax(const dscsimd_ort *a) {
    const float lo = (float)a->lo, hi = (float)a->hi, zp = (float)a->zero_point;
    for (int64_t r = 0; r < a->rows; r++) {
        const uint8_t *x = a->a + r * a->depth;
        uint8_t *y = a->output + r * a->depth;
        int32_t mx = a->input_signed ? -128 : 0;
        for (int32_t i = 0; i < a->depth; i++) {
            const int32_t v = a->input_signed ? (int8_t)x[i] : x[i];
            if (v > mx) mx = v;
        }
        float sum = 0;
        for (int32_t i = 0; i < a->depth; i++) {
            const int32_t v = a->input_signed ? (int8_t)x[i] : x[i];
            sum += a->table[a->input_signed ? (uint8_t)(127 - mx + v) : 255 - mx + v];
        }
        for (int32_t i = 0; i < a->depth; i++) {
            const int32_t v = a->input_signed ? (int8_t)x[i] : x[i];
            const float e = a->table[a->input_signed ? (uint8_t)(127 - mx + v) : 255 - mx + v];
            const float prod = e * a->scale;
            float q = nearbyintf(prod / sum) + zp;
            q = q != q ? lo : (q < lo ? lo : (q > hi ? hi : q));
            y[i] = (uint8_t)(int32_t)q;
        }
    }
}

/// The sum of input window rows [ys, ye) x columns [xs, xe) of channel `c` (pixel stride `pc`, row
/// stride `row`) in MLAS's order `order` (`ORTFloatPoolOrder`); every addition rounded to float32.
static float ort_pool_sum(const float *x, int64_t row, int64_t pc, int32_t order, int32_t ys, int32_t ye, int32_t xs, int32_t xe) {
    float acc = 0;
    if (order == 1) {
        for (int32_t ix = xs; ix < xe; ix++) {
            float column = x[ys * row + ix * pc];
            for (int32_t iy = ys + 1; iy < ye; iy++) column += x[iy * row + ix * pc];
            acc = ix == xs ? column : acc + column;
        }
    } else if (order == 2) {
        const int32_t width = xe - xs, count = (ye - ys) * width, body = count / 4 * 4;
        float lanes[4] = {0, 0, 0, 0};
        for (int32_t i = 0; i < body; i++) {
            const float v = x[(ys + i / width) * row + (xs + i % width) * pc];
            lanes[i % 4] = i < 4 ? v : lanes[i % 4] + v;
        }
        acc = body > 0 ? (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]) : 0;
        for (int32_t i = body; i < count; i++) acc += x[(ys + i / width) * row + (xs + i % width) * pc];
    } else {
        for (int32_t iy = ys; iy < ye; iy++) {
            for (int32_t ix = xs; ix < xe; ix++) acc += x[iy * row + ix * pc];
        }
    }
    return acc;
}

static void ort_float_pool(const dscsimd_ort *a) {
    const float *in = (const float *)(const void *)a->a;
    float *out = (float *)(void *)a->output;
    const int64_t c = a->channels, row = (int64_t)a->in_w * c, image = (int64_t)a->in_h * row;
    for (int32_t n = 0; n < a->batches; n++) {
        const float *x = in + n * image;
        for (int32_t oy = 0; oy < a->out_h; oy++) {
            const int32_t y0 = oy * a->stride_h - a->pad_top;
            const int32_t ys = y0 > 0 ? y0 : 0, ye = y0 + a->kernel_h < a->in_h ? y0 + a->kernel_h : a->in_h;
            for (int32_t ox = 0; ox < a->out_w; ox++, out += c) {
                const int32_t x0 = ox * a->stride_w - a->pad_left;
                const int32_t xs = x0 > 0 ? x0 : 0, xe = x0 + a->kernel_w < a->in_w ? x0 + a->kernel_w : a->in_w;
                const float count = (float)(a->include_pad ? a->kernel_h * a->kernel_w : (ye - ys) * (xe - xs));
                for (int64_t ch = 0; ch < c; ch++) {
                    if (a->algorithm == 3) {
                        float m = -3.40282347e+38f;
                        for (int32_t iy = ys; iy < ye; iy++) {
                            for (int32_t ix = xs; ix < xe; ix++) {
                                const float v = x[iy * row + ix * c + ch];
                                m = v > m ? v : m;
                            }
                        }
                        out[ch] = m;
                    } else {
                        out[ch] = ort_pool_sum(x + ch, row, c, a->algorithm, ys, ye, xs, xe) / count;
                    }
                }
            }
        }
    }
}

void dscsimd_ort_bytes(const dscsimd_op *op) {
    const dscsimd_ort *a = &op->ort;
    switch (a->mode) {
    case DSCSIMD_ORT_DEQUANTIZE: ort_dequantize(a); break;
    case DSCSIMD_ORT_LOOKUP: ort_lookup(a); break;
    case DSCSIMD_ORT_TRANSPOSE: ort_transpose(a); break;
    case DSCSIMD_ORT_SOFTMAX: ort_softmax(a); break;
    case DSCSIMD_ORT_FLOAT_POOL: ort_float_pool(a); break;
    default: break;
    }
}
