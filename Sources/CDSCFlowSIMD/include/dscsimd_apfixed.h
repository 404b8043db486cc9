// Microkernels of the Xilinx ap_fixed arithmetic of the iSmart3 SkyNet accelerator (DAC-SDC 2019),
// for DSCFlowAccelerator's program machine. Every value is a raw two's-complement code of an
// `ap_fixed<W,I,AP_RND,AP_SAT>` type held in an int16 lane:
//   FM  ap_fixed<9,3>   codes -256...255   (value = code / 64)    feature maps, depthwise accumulator
//   ACC ap_fixed<12,4>  codes -2048...2047 (value = code / 256)   pointwise accumulator
//   WT  ap_fixed<11,4>  codes -1024...1023 (value = code / 128)   weights and biases
// AP_RND rounds half up (towards +infinity, also for negative values), AP_SAT clamps the code.
//
// Buffers are pixel-major: cell (row, col) of a buffer holds `lanes` consecutive int16 codes
// (one 32-channel group of a feature map is one hardware word per cell), and row r starts
// `row_stride` int16 elements after row r - 1. Every kernel here computes exactly what the Swift
// reference in DSCFlowAccelerator (`APFixedReferenceKernels`) computes; tests compare them byte for
// byte on random shapes. The depthwise and pointwise kernels have portable, AVX2 (AVX-VNNI for the
// pointwise) and AVX-512 builds (`dscsimd_apfixed_kernels_find`); the data movements are one
// portable build (memory-bound loops the compiler vectorises).
#ifndef DSCSIMD_APFIXED_H
#define DSCSIMD_APFIXED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Most lanes a cell may have in the depthwise and pointwise kernels (a multiple of 16, at most 64).
#define DSCSIMD_APFIXED_MAX_LANES 64

/// Depthwise 3x3 with the FM type as accumulator, rounded and saturated after every tap
/// (iSmart3 `DW_CONV_3x3`): for every output cell and lane, in the tap order ky = 0..2 (outer),
/// kx = 0..2 (inner),
///   acc = clamp(floor((128 * acc + w[3ky+kx] * x[r+ky-1][c+kx-1] + 64) / 128), -256, 255)
/// starting from the code already in `dst` (the bias preset); then max(acc, 0) when `relu`.
/// Codes: x and acc FM (-256...255), w WT (-1024...1023). `dst` and the cells `src` reads must not
/// overlap.
typedef struct dscsimd_apfixed_dw {
    /// The source cell under output cell (0, 0); the taps read one cell around it.
    const int16_t *src;
    /// Output cell (0, 0), holding the accumulator's preset.
    int16_t *dst;
    int32_t rows, cols;
    /// Lanes per cell: 16, 32, 48 or 64.
    int32_t lanes;
    /// int16 elements from one row of cells to the next.
    int32_t src_row_stride, dst_row_stride;
    /// [9][lanes] WT codes, tap 3 * ky + kx.
    const int16_t *weights;
    int32_t relu;
} dscsimd_apfixed_dw;

/// Pointwise (1x1) accumulation into the ACC type, rounded and saturated after every 16 input lanes
/// (iSmart3 `CONV_1x1` / `compute_engine_16`): for every cell, for each block of 16 input lanes in
/// ascending order, S[o] = sum over the block of w[k][o] * x[k] (exact), then
///   acc[o] = clamp(floor((32 * acc[o] + S[o] + 16) / 32), -2048, 2047).
/// Codes: x FM (-256...255), w WT (-1024...1023), acc ACC (-2048...2047).
typedef struct dscsimd_apfixed_pw {
    /// Input cell (0, 0): `in_lanes` FM codes per cell.
    const int16_t *src;
    /// Accumulator cell (0, 0): `out_lanes` ACC codes per cell, updated in place.
    int16_t *acc;
    int32_t rows, cols;
    /// 16, 32, 48 or 64 each.
    int32_t in_lanes, out_lanes;
    int32_t src_row_stride, acc_row_stride;
    /// [in_lanes][out_lanes] WT codes: word k (input lane k) holds one weight per output lane, as the
    /// accelerator's weight file stores a 1x1 block.
    const int16_t *weights;
} dscsimd_apfixed_pw;

/// One ISA build's depthwise and pointwise kernels.
typedef struct dscsimd_apfixed_kernels {
    const char *dw_name;
    void (*dw)(const dscsimd_apfixed_dw *);
    const char *pw_name;
    void (*pw)(const dscsimd_apfixed_pw *);
} dscsimd_apfixed_kernels;

/// The kernels of the `isa` build (DSCSIMD_ISA_*), or NULL when this CPU cannot run that build.
const dscsimd_apfixed_kernels *dscsimd_apfixed_kernels_find(int32_t isa);

/// Fills `rows` x `cols` cells (`lanes` lanes each, rows `row_stride` apart) with `value` ([lanes]).
/// The bias presets (iSmart3 `set_bias_*`).
void dscsimd_apfixed_fill(int16_t *dst, int32_t rows, int32_t cols, int32_t lanes, int32_t row_stride,
                          const int16_t *value);

/// dst[i] = max(src[i], 0) for `count` codes (a store to DDR through ReLU). `dst` may equal `src`.
void dscsimd_apfixed_relu(int16_t *dst, const int16_t *src, size_t count);

/// dst[i] = max(clamp(floor((src[i] + 2) / 4), -256, 255), 0): ACC codes to FM codes through ReLU.
/// `dst` may equal `src`.
void dscsimd_apfixed_acc_to_fm_relu(int16_t *dst, const int16_t *src, size_t count);

/// dst[i] = the low `bits` bits of src[i], sign-extended (1 <= bits <= 16): an assignment into a
/// narrower register (iSmart3's copy of the ACC buffer into an FM buffer). `dst` may equal `src`.
void dscsimd_apfixed_truncate(int16_t *dst, const int16_t *src, size_t count, int32_t bits);

/// 2x2/2 max-pool of ACC cells into FM cells through ReLU (iSmart3 `Relu_Max_Pooling`):
/// dst[i][j][l] = max over dy, dx in {0, 1} of max(fm(src[2i+dy][2j+dx][l]), 0),
/// fm(e) = clamp(floor((e + 2) / 4), -256, 255); `rows` x `cols` output cells.
void dscsimd_apfixed_maxpool(int16_t *dst, const int16_t *src, int32_t rows, int32_t cols, int32_t lanes,
                             int32_t dst_row_stride, int32_t src_row_stride);

/// The image loader with the input normalisation table (iSmart3 `load_image_chunk_norm`): for each of
/// `rows` x `cols` cells and each of `channels` planes, lane c of cell (r, x) of `dst` becomes
/// table[src[c * plane_stride + r * src_row_stride + x]]. Other lanes are not written.
void dscsimd_apfixed_load_image(int16_t *dst, int32_t rows, int32_t cols, int32_t lanes, int32_t dst_row_stride,
                                const uint8_t *src, int32_t channels, int64_t plane_stride, int32_t src_row_stride,
                                const int16_t *table);

/// Space-to-depth by 2 of one 32-lane group into four 32-lane buffers (iSmart3 `load_and_reorg_part`):
/// source lane l of source cell (2y + dy, 2x + dx) goes to lane 4 (l mod 8) + 2 dy + dx of cell (y, x)
/// of destination l / 8, for y < rows, x < cols. A destination with `field_bits[j]` < 16 keeps its
/// other bits: new = sext(width_bits[j], (old & ~m) | (v & m)), m = 2^field_bits[j] - 1.
typedef struct dscsimd_apfixed_reorg {
    /// Source cell (0, 0) (32 lanes per cell).
    const int16_t *src;
    int32_t src_row_stride;
    /// Destination cell (0, 0) of each of the 4 destinations (32 lanes per cell).
    int16_t *dst[4];
    int32_t dst_row_stride[4];
    /// Bits of the written field and of the destination register (9 and 9 for an FM buffer, 11 and
    /// 12 for iSmart3's ACC buffer).
    int32_t field_bits[4];
    int32_t width_bits[4];
    /// Output cells.
    int32_t rows, cols;
} dscsimd_apfixed_reorg;

/// Runs a `dscsimd_apfixed_reorg`.
void dscsimd_apfixed_reorg2x2(const dscsimd_apfixed_reorg *a);

#ifdef __cplusplus
}
#endif

#endif
