// ONNX Runtime's byte operators, the same for every ISA (`dscsimd_ort`): DequantizeLinear and lookup
// tables by raw byte, Transpose of any rank <= 6, and QLinearSoftmax (scalar float32 in ONNX Runtime's
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

void dscsimd_ort_bytes(const dscsimd_op *op) {
    const dscsimd_ort *a = &op->ort;
    switch (a->mode) {
    case DSCSIMD_ORT_DEQUANTIZE: ort_dequantize(a); break;
    case DSCSIMD_ORT_LOOKUP: ort_lookup(a); break;
    case DSCSIMD_ORT_TRANSPOSE: ort_transpose(a); break;
    case DSCSIMD_ORT_SOFTMAX: ort_softmax(a); break;
    default: break;
    }
}
