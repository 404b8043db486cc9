// Scratch sizes of the depthwise kernels (ISA-independent).
#include "CDSCFlowSIMD.h"

size_t dscsimd_dw_phase_stride(int32_t channels, int32_t out_w, int32_t stride_w, int32_t kernel_w, int32_t dilation_w) {
    size_t width = (size_t)(out_w - 1) * stride_w + (size_t)(kernel_w - 1) * dilation_w + 1;
    size_t positions = (width + stride_w - 1) / stride_w;
    return (positions * (size_t)channels + 64 + 63) / 64 * 64;
}

size_t dscsimd_dwconv_scratch_bytes(int32_t channels, int32_t out_w, int32_t stride_w, int32_t kernel_w,
                                    int32_t dilation_w, int32_t kernel_h) {
    size_t generic = dscsimd_dw_phase_stride(channels, out_w, stride_w, kernel_w, dilation_w) * (size_t)stride_w *
                     ((size_t)kernel_h + 3) + 64;
    size_t width = (size_t)(out_w - 1) * stride_w + (size_t)(kernel_w - 1) * dilation_w + 1;
    size_t prow = (width * channels + 64 + 63) / 64 * 64;
    size_t grow = ((size_t)out_w * channels * 4 + 256 + 63) / 64 * 64;
    size_t vnni = 2 * prow + grow * ((size_t)kernel_h + 1) + 64;
    return generic > vnni ? generic : vnni;
}
