// The exp table of ONNX Runtime's QLinearSoftmax (contrib_ops/cpu/quantization/qlinear_softmax.cc,
// QlinearBuildLookupTableUint32 with EXP_OUT_DTYPE float), computed with the C library's log and exp
// in double as ONNX Runtime computes it, so that the same libm gives the same floats.
#include <float.h>
#include <math.h>
#include "CDSCFlowSIMD.h"

void dscsimd_ort_softmax_table(float x_scale, int64_t reduce_len, int32_t is_signed, float *table) {
    // ln(FLT_MAX / reduce_len) - 5 reserved bits (for the float table), scaled by the input scale.
    const float quotient = FLT_MAX / (float)reduce_len;
    double bit_shift = log((double)quotient);
    bit_shift = (bit_shift - 5.0 > 0.0 ? bit_shift - 5.0 : 0.0) / (double)x_scale;
    for (int32_t i = 0; i < 256; i++) {
        const double v = exp(((double)i - 255 + bit_shift) * (double)x_scale);
        const uint8_t index = (uint8_t)(is_signed ? i - 128 : i);
        table[index] = (float)v;
    }
}
