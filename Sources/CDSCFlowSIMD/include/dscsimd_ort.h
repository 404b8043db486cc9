// The ONNX Runtime operators' microkernel arguments (`dscsimd_ort`, ort/ort.h), part of CDSCFlowSIMD.h.
#ifndef DSCSIMD_ORT_ARGS_H
#define DSCSIMD_ORT_ARGS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// `dscsimd_ort.mode`: which ONNX Runtime operator a `dscsimd_ort` computes.
enum {
    /// float32 -> 8 bits: roundHalfEven(clamp(x / scale, lo - zp, hi - zp)) + zp (MlasQuantizeLinear).
    DSCSIMD_ORT_QUANTIZE = 1,
    /// 8 bits -> float32 through `table` (256 DequantizeLinear values).
    DSCSIMD_ORT_DEQUANTIZE = 2,
    /// 8 bits -> 8 bits through `bytes` (256 entries).
    DSCSIMD_ORT_LOOKUP = 3,
    /// QLinearAdd: saturate(cvtps2dq(fma(a, ratio_a, fma(b, ratio_b, fixed)))) (MLAS's AVX2 kernel).
    DSCSIMD_ORT_ADD = 4,
    /// The unfused QDQ Add: QuantizeLinear(table[a] + table[256 + b]).
    DSCSIMD_ORT_ADD_FLOAT = 5,
    /// Transpose of `count` elements of `elem_size` bytes: output dims `dims`, input strides `strides`
    /// (elements) in output order, rank `rank` (<= 6).
    DSCSIMD_ORT_TRANSPOSE = 6,
    /// QLinearGlobalAveragePool over H, W of NHWC: sum - in_zp * pixels, MlasRequantizeOutput by `scale`.
    DSCSIMD_ORT_GLOBAL_AVERAGE = 7,
    /// QLinearAveragePool (float path) on NHWC.
    DSCSIMD_ORT_AVERAGE_POOL = 8,
    /// QLinearSoftmax over rows of `depth` (exp table in `table`, 1 / y_scale floored in `scale`).
    DSCSIMD_ORT_SOFTMAX = 9,
    /// The float-path Conv (`ORTFloatConvAlgorithm` order) on NHWC, weights packed per output-channel block.
    DSCSIMD_ORT_FLOAT_CONV = 10,
    /// ONNX Runtime's float32 AveragePool / MaxPool on NHWC float32 (`ORTFloatPoolParameters`): `algorithm`
    /// is the summation order (0 row-major, 1 columns first, 2 four lanes) or 3 for the maximum.
    DSCSIMD_ORT_FLOAT_POOL = 11,
};

/// An ONNX Runtime operator in ONNX Runtime's arithmetic (docs/ONNX.md): one struct for all of them,
/// `mode` says which and which fields it reads.
typedef struct dscsimd_ort {
    int32_t mode;
    int32_t input_signed, output_signed;
    /// Elementwise modes: the number of elements.
    int64_t count;
    const uint8_t *a;
    const uint8_t *b;
    uint8_t *output;
    /// QUANTIZE: the scale; ADD: unused; SOFTMAX: floor(1 / y_scale); GLOBAL_AVERAGE: the requantization
    /// scale; AVERAGE_POOL and FLOAT_CONV: the output scale.
    float scale;
    /// ADD: s_a / s_c, s_b / s_c and the fixed part F.
    float ratio_a, ratio_b, fixed;
    /// The output zero point and range; the input zero point (GLOBAL_AVERAGE).
    int32_t zero_point, lo, hi, input_zero_point;
    /// DEQUANTIZE, ADD_FLOAT, AVERAGE_POOL, FLOAT_CONV: DequantizeLinear values by raw byte (256, or 512 for
    /// two inputs); SOFTMAX: the 256 exp values.
    const float *table;
    /// LOOKUP: the 256 output bytes.
    const uint8_t *bytes;
    /// TRANSPOSE.
    int32_t rank, elem_size;
    int64_t dims[6], strides[6];
    /// Pools and FLOAT_CONV: NHWC geometry.
    int32_t batches, in_h, in_w, channels, out_h, out_w, out_c;
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;
    /// AVERAGE_POOL, FLOAT_POOL: divide by the kernel size even where the window is clipped.
    int32_t include_pad;
    /// SOFTMAX: rows of `depth`.
    int64_t rows;
    int32_t depth;
    /// FLOAT_CONV: groups, `ORTFloatConvAlgorithm`, its chunk of input channels per kernel call (block or
    /// 128), weights [out_c / 16][kernel_h * kernel_w][channels per group][16] (zero past out_c), bias
    /// [out_c rounded up to 16] (NULL: none), the activation bounds.
    int32_t groups, algorithm, chunk;
    const float *weights;
    const float *bias;
    float act_lo, act_hi;
} dscsimd_ort;

#ifdef __cplusplus
}
#endif

#endif
