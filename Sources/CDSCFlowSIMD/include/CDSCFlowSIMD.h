// SIMD microkernels of DSCFlow's fast path. Every kernel here computes exactly the bytes of the
// Swift reference kernel it replaces (tested byte-for-byte); it only changes the order of wrapping
// int32 additions, which mod 2^32 does not change the result.
//
// Each microkernel is a source file named by what it computes and for which ISA
// (`dwconv/dwconv-phase-avx512vnni.c`, `conv/conv-igemm-avx2.c`, ...); kernels that several ISAs
// share are one template header built once per ISA (see `isa/README.md`). The builds are portable
// (no target features: the generic vectors lower to SSE2 or NEON), AVX2, AVX-VNNI and AVX-512 VNNI.
// `dscsimd_kernel_find` hands out a build's kernels only when `dscsimd_supported_isas` says the CPU
// has that ISA; Swift never inlines any of them (it fills the argument structs below and binds each
// prepared operator's `run`).
#ifndef CDSCFLOW_SIMD_H
#define CDSCFLOW_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include "dscsimd_apfixed.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets a kernel build can target.
enum {
    DSCSIMD_ISA_PORTABLE = 0,
    DSCSIMD_ISA_AVX2 = 1,
    DSCSIMD_ISA_AVX512VNNI = 2,
    /// AVX2 with AVX-VNNI (256-bit vpdpbusd; Intel Alder Lake and later client cores, Gracemont):
    /// the AVX2 kernels with the conv tiles on vpdpbusd.
    DSCSIMD_ISA_AVXVNNI = 3,
};

/// Bit `1 << DSCSIMD_ISA_x` is set for every ISA this CPU and OS can run (portable always).
int dscsimd_supported_isas(void);

struct dscsimd_op;

/// A microkernel's entry point: runs one prepared operator.
typedef void (*dscsimd_kernel_fn)(const struct dscsimd_op *op);

/// The microkernels, by what they compute (each ISA build has its own entry point, or none).
enum {
    /// Conv2D (groups 1) as an indirect GEMM: per 32 output pixels a table of tap pointers (`dscsimd_conv`).
    DSCSIMD_KERNEL_CONV_IGEMM = 0,
    /// Conv2D (groups 1, dilation_w 1) on one padded copy of the input, one pointer per kernel row
    /// (`dscsimd_conv.row_runs`).
    DSCSIMD_KERNEL_CONV_ROWRUNS = 1,
    /// Depthwise conv, any window and multiplier, int32 weights per tap (`dscsimd_dwconv.weights`).
    DSCSIMD_KERNEL_DWCONV_GENERIC = 2,
    /// Depthwise conv, kernel_w <= 4, rows regrouped into 4-byte tap groups (`vnni_weights`); AVX-512 VNNI.
    DSCSIMD_KERNEL_DWCONV_REGROUP = 3,
    /// Depthwise conv in natural order, four vpdpbusd phases per tap (`phase_weights`); the VNNI builds.
    DSCSIMD_KERNEL_DWCONV_PHASE = 4,
    /// Depthwise conv of one input channel, tap words per column (`vnni_weights`); the VNNI builds.
    DSCSIMD_KERNEL_DWCONV_IC1 = 5,
    /// Average / max pool (`dscsimd_pool`).
    DSCSIMD_KERNEL_POOL = 6,
    /// Add in exact integer arithmetic (`dscsimd_add`).
    DSCSIMD_KERNEL_ADD_EXACT = 7,
    /// Add in the float form of `dscsimd_add_float_prepare` (exact by proof, scalar fallback lanes).
    DSCSIMD_KERNEL_ADD_FLOAT = 8,
    /// Add with byte-plane tables (AVX-512 VBMI; `dscsimd_add_planes_applicable`).
    DSCSIMD_KERNEL_ADD_PLANES = 9,
    /// int8 Softmax from tables (`dscsimd_softmax`), scalar on every ISA.
    DSCSIMD_KERNEL_SOFTMAX = 10,
    /// A byte copy (Reshape).
    DSCSIMD_KERNEL_COPY = 11,
    /// Space-to-depth (reorg) in either channel order (`dscsimd_s2d`), the same for every ISA.
    DSCSIMD_KERNEL_SPACE_TO_DEPTH = 12,
    /// Concatenation as row copies (`dscsimd_concat`), the same for every ISA.
    DSCSIMD_KERNEL_CONCAT = 13,
    /// Mean over a contiguous run of axes (`dscsimd_mean`).
    DSCSIMD_KERNEL_MEAN = 14,
    /// Max pool of 8-bit inputs whose windows all lie inside the image, on whole bytes (`dscsimd_pool`).
    DSCSIMD_KERNEL_MAXPOOL_BYTES = 15,
    /// Pad with a constant (`dscsimd_pad`), the same for every ISA.
    DSCSIMD_KERNEL_PAD = 16,
    /// Bilinear resize with tabulated integer weights (`dscsimd_resize`), the same for every ISA.
    DSCSIMD_KERNEL_RESIZE_BILINEAR = 17,
    /// Conv2D as DSCSIMD_KERNEL_CONV_IGEMM for small products (4-bit weights), accumulating in int16
    /// lanes for `dscsimd_conv.nibble_groups` groups (conv4/; portable and AVX2 builds).
    DSCSIMD_KERNEL_CONV_IGEMM_NIBBLE = 18,
    /// Conv2D as DSCSIMD_KERNEL_CONV_ROWRUNS for small products, likewise.
    DSCSIMD_KERNEL_CONV_ROWRUNS_NIBBLE = 19,
    /// ONNX Runtime's operators in its arithmetic (`dscsimd_ort`: QuantizeLinear, QLinearAdd, the pools,
    /// the float-path Conv), per ISA.
    DSCSIMD_KERNEL_ORT = 20,
    /// ONNX Runtime's byte operators (`dscsimd_ort`: DequantizeLinear, lookup tables, Transpose,
    /// QLinearSoftmax), the same for every ISA.
    DSCSIMD_KERNEL_ORT_BYTES = 21,
    DSCSIMD_KERNEL_COUNT = 22,
};

/// One microkernel of one ISA build: its name (`dwconv-phase-avx512vnni`) and entry point.
typedef struct dscsimd_kernel {
    const char *name;
    dscsimd_kernel_fn run;
} dscsimd_kernel;

/// The microkernel `kernel` (DSCSIMD_KERNEL_*) of the `isa` build, or NULL when that build has no
/// such kernel or this CPU cannot run it. The result is static (never freed).
const dscsimd_kernel *dscsimd_kernel_find(int32_t isa, int32_t kernel);

/// Per-channel requantization tables (`MultiplyByQuantizedMultiplier` + zero point + clamp), each
/// padded to a multiple of 16 channels.
typedef struct dscsimd_requant {
    /// Multiplier M[c].
    const int32_t *multiplier;
    /// Double rounding: max(S[c], 0) & 31 (Swift's `&<<` masks the amount).
    const int32_t *left_shift;
    /// Double rounding: min(max(-S[c], 0), 31).
    const int32_t *right_shift;
    /// Single rounding: 31 - clamp(S[c], -31, 30).
    const int32_t *total_shift;
    /// Double rounding: 2^right_shift[c] - 1.
    const int32_t *right_mask;
    /// DSCSIMD_RQ_* bits: which rare cases some channel needs.
    int32_t flags;
    int32_t zero_point;
    int32_t lo;
    int32_t hi;
    /// 0: gemmlowp double rounding; 1: TFLITE_SINGLE_ROUNDING.
    int32_t single_rounding;
    /// With DSCSIMD_RQ_NARROW: per 16-entry block, the 64-bit nudges 2^30 + (2^(r-1) + zp * 2^r) * 2^31
    /// of its even entries, then of its odd entries (the layout of the even/odd 64-bit products).
    const int64_t *narrow_nudge;
    /// DSCSIMD_RQ_MODE_*: how the accumulator becomes the output.
    int32_t mode;
    /// DSCSIMD_RQ_MODE_MULSHIFT: the arithmetic right shift of the 64-bit product (0...62), and 1 when
    /// max(acc, 0) is taken first. `multiplier` holds M[c]; `lo`/`hi` clamp; `zero_point` is unused.
    int32_t mulshift_shift;
    int32_t mulshift_relu;
    /// With DSCSIMD_RQ_MULSHIFT_NARROW: per entry the smallest accumulator whose output is `hi`
    /// (see the flag).
    const int32_t *mulshift_cap;
    /// 1 for a saturating accumulator: before anything else the accumulator is clamped to
    /// [sat_lo, sat_hi] and then `post_bias` is added (the kernels start such an accumulator at 0 and
    /// clamp it after every block of input channels as well, see `dscsimd_conv.sat_block_q`).
    int32_t saturate;
    int32_t sat_lo, sat_hi;
    /// With `saturate`: the bias added after the clamp, per entry like `multiplier`.
    const int32_t *post_bias;
    /// DSCSIMD_RQ_MODE_MULADDSHIFT: the addend A[c] per entry like `multiplier` (which holds M[c]);
    /// the shift is `mulshift_shift` (0...31) and the clip `hi`.
    const int32_t *addend;
    /// DSCSIMD_RQ_MODE_ORT: the float32 scale of each entry (laid out like `multiplier`).
    const float *ort_scale;
} dscsimd_requant;

/// `dscsimd_requant.mode`: TFLite's MultiplyByQuantizedMultiplier + zero point + clamp (double or
/// single rounding by `single_rounding`, the narrow form by DSCSIMD_RQ_NARROW).
#define DSCSIMD_RQ_MODE_TFLITE 0
/// `dscsimd_requant.mode`: SkrSkr/SEUer mul-shift, clamp(floor(max(acc, 0) * M[c] / 2^shift), lo, hi),
/// computed on the 64-bit product.
#define DSCSIMD_RQ_MODE_MULSHIFT 1
/// `dscsimd_requant.mode`: no requantization; the accumulator is stored as int32 (4 bytes an output).
#define DSCSIMD_RQ_MODE_RAW 2
/// `dscsimd_requant.mode`: UltraNet's BN + quantised ReLU, v = acc * M[c] + A[c] (wrapping int32), then
/// v > 0 ? min((v + 2^(shift-1)) >> shift, hi) : 0 (`MultiplyAddShiftRequantizer`).
#define DSCSIMD_RQ_MODE_MULADDSHIFT 3
/// `dscsimd_requant.mode`: ONNX Runtime's requantization (MLAS MlasRequantizeOutput):
/// roundHalfEven(clamp((float)acc * ort_scale[c], lo - zero_point, hi - zero_point)) + zero_point, the
/// int32 -> float conversion rounding to nearest even (docs/ONNX.md).
#define DSCSIMD_RQ_MODE_ORT 6

/// `dscsimd_requant.flags`: some channel has a left shift (S > 0).
#define DSCSIMD_RQ_LEFT_SHIFT 1
/// `dscsimd_requant.flags`: some channel's multiplier is INT32_MIN (the SRDHM saturation case).
#define DSCSIMD_RQ_MIN_MULTIPLIER 2
/// `dscsimd_requant.flags`: every channel has a multiplier >= 0, no left shift, a right shift r in
/// 1...30, and |acc| + 2^(r-1) + |zero_point| * 2^r + 2 < 2^31 for every accumulator the operator can
/// produce (checked at pack time from the bias and weights). Then the double rounding, the zero point
/// and the rounding shift fold into one 64-bit nudge per channel and a 32-bit shift (`dscsimd_rq_narrow512`).
#define DSCSIMD_RQ_NARROW 4
/// `dscsimd_requant.flags` (DSCSIMD_RQ_MODE_MULSHIFT): ReLU first, lo >= 0, every multiplier >= 0 (a
/// negative one replaced by 0, which gives the same clamped output after the ReLU), and per entry a
/// cap = ceil((hi + 1) * 2^shift / M) (0 for M = 0) with cap * M < 2^31. Then the output is
/// clamp((min(max(acc, 0), cap) * M) >>> shift, lo, hi) in 32-bit lanes: below the cap the product
/// is below (hi + 1) * 2^shift and exact, at or above it the true output is clamped to hi either way.
#define DSCSIMD_RQ_MULSHIFT_NARROW 8

/// DSCSIMD_RQ_NARROW's bound for one channel (the packer and the Add kernels share it): accumulators of
/// magnitude at most `bound`, right shift `r` in 1...30, zero point `zp`, and
/// |acc| + 2^(r-1) + |zp| * 2^r + 2 < 2^31.
static inline int dscsimd_narrow_fits(int64_t bound, int32_t r, int32_t zp) {
    if (r < 1 || r > 30 || bound < 0 || bound >= ((int64_t)1 << 31)) return 0;
    const int64_t z = zp < 0 ? -(int64_t)zp : zp;
    return bound + ((int64_t)1 << (r - 1)) + (z << r) + 2 < ((int64_t)1 << 31);
}

/// Conv2D (groups = 1) as a packed GEMM: rows are output pixels, columns output channels,
/// u8 x s8 products with the input flipped to u8 (x ^ 0x80 for int8) and the zero-point
/// correction folded into `bias`.
typedef struct dscsimd_conv {
    int32_t batches, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
    /// kernel_h * kernel_w * c4, c4 = in_c rounded up to 4 (inputs with other channel counts are
    /// copied with zero channels added; their packed weights are 0).
    int32_t k4;
    /// 0x80808080 for int8 input (to u8), 0 for uint8.
    uint32_t input_xor;
    /// The raw input value of taps outside the image.
    uint8_t pad_byte;
    const uint8_t *input;
    uint8_t *output;
    /// [ceil(out_c/16)][k4/4][16][4]: block of 16 channels, 4 consecutive k (tap-major, then
    /// channel in c4) per channel.
    const int8_t *packed_weights;
    /// bias[c] + (input_offset - delta) * sum_k w[c][k], padded to 16 (with a saturating accumulator:
    /// the correction only, which is then 0, and the bias in `rq.post_bias`).
    const int32_t *bias;
    dscsimd_requant rq;
    /// Saturating accumulator (`rq.saturate`): the accumulator is clamped to [rq.sat_lo, rq.sat_hi]
    /// after every `sat_block_q` groups of 4 input channels of a tap and at the end of each tap (blocks
    /// of 4 * sat_block_q channels in ascending order, a partial last block per tap), as the reference
    /// `AccumulatorRule` does. Only the indirect GEMM (not row runs) takes it.
    int32_t sat_block_q;
    /// Elements between consecutive output pixels (out_c, or more when the output is a channel slice
    /// of a wider tensor, e.g. laid directly into a concatenation).
    int32_t out_pixel_stride;
    /// At least `dscsimd_conv_scratch_bytes` bytes, 64-byte aligned.
    uint8_t *scratch;
    /// Optional: every output pixel's tap pointers, built once by `dscsimd_conv_prepare_indirection`
    /// (NULL: built per block in scratch on every run).
    const uint8_t **indirection;
    /// 1: the "row runs" layout (needs dilation_w == 1). Each run copies the input once into scratch
    /// as a padded image of `padded_h` x `padded_w` pixels (pad bytes written out, flipped to u8),
    /// so a kernel row's kernel_w taps are one contiguous run of kernel_w * in_c bytes. Then
    /// k4 = kernel_h * run4 with run4 = kernel_w * in_c rounded up to 4, and the packed weights are
    /// [block][k4/4][16][4] with k = ky * run4 + kx * in_c + channel (the bytes read past a run
    /// have weight 0). `indirection` is not used.
    int32_t row_runs;
    int32_t padded_h, padded_w;
    /// Row runs of a strided 1x1 conv without padding: 0, or the original strides (then stride_h/w
    /// are 1 and the padded image is out_h x out_w: pixel (y, x) of it is input pixel
    /// (y * subsample_h, x * subsample_w), so only the pixels the conv reads are copied).
    int32_t subsample_h, subsample_w;
    /// Threads (needs `indirection`): `prologue` = 1 only prepares the input (the u8 / padded copy in
    /// scratch); then, with `parts` > 1, each call computes blocks [blocks * part / parts,
    /// blocks * (part + 1) / parts) of output pixels, reading that prepared copy.
    int32_t part, parts, prologue;
    /// The AVX2 build's tile reads these: `packed_weights` widened to int16, same layout (packed once,
    /// so that no kernel widens them per call on the stack). NULL for the other builds.
    const int16_t *packed_weights16;
    /// DSCSIMD_KERNEL_CONV_IGEMM_NIBBLE / _ROWRUNS_NIBBLE: 4-byte groups the tile accumulates in int16
    /// lanes before widening (>= 1; the packer derives it from the largest |input x weight|).
    int32_t nibble_groups;
} dscsimd_conv;

/// Scratch bytes `dscsimd_conv` needs in the row-runs layout (`a` has its dimensions filled in).
size_t dscsimd_conv_runs_scratch_bytes(const dscsimd_conv *a);

/// Entries `dscsimd_conv_prepare_indirection` writes.
size_t dscsimd_conv_indirection_count(const dscsimd_conv *a);

/// Fills `table` (`dscsimd_conv_indirection_count` entries) with the tap pointers the `isa` build
/// reads, for the input, output and scratch addresses already in `a`, and points `a->indirection`
/// at it. The addresses must not change afterwards (they are a session's arena).
void dscsimd_conv_prepare_indirection(dscsimd_conv *a, int32_t isa, const uint8_t **table);

/// Scratch bytes `dscsimd_conv` needs for these dimensions (`input_pixels` = batches * in_h * in_w).
size_t dscsimd_conv_scratch_bytes(int32_t in_c, int32_t kernel_h, int32_t kernel_w, int64_t input_pixels);

/// Depthwise conv: per output channel c (input channel c / depth_multiplier),
/// acc = bias[c] + sum_taps w[tap][c] * x~, x~ = input or `pad_value` outside the image.
/// The kernels work on whole output rows: the needed input rows are copied, padded and split by stride
/// phase into scratch, so every tap reads a contiguous run and all lanes are used whatever C is. Each
/// kernel reads the tables of its layout only: DSCSIMD_KERNEL_DWCONV_GENERIC `weights`/`bias`/`rq`;
/// _IC1 and _REGROUP `vnni_weights`/`vnni_bias`/`rq`; _PHASE `phase_weights`/`phase_bias`/`phase_rq`.
typedef struct dscsimd_dwconv {
    int32_t batches, in_h, in_w, in_c, depth_multiplier;
    /// Output channels (in_c * depth_multiplier).
    int32_t channels;
    /// lcm(channels, 16): the period of the channel tables below.
    int32_t period;
    int32_t out_h, out_w;
    int32_t kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
    int32_t input_unsigned;
    int32_t pad_value;
    const uint8_t *input;
    uint8_t *output;
    /// DSCSIMD_KERNEL_DWCONV_GENERIC: [kernel_h * kernel_w][period], entry j for channel j % channels,
    /// widened to int32.
    const int32_t *weights;
    /// bias[c] + input_offset * sum_taps w[tap][c], [period]; `rq`'s tables are [period] too.
    const int32_t *bias;
    dscsimd_requant rq;
    /// At least `dscsimd_dwconv_scratch_bytes` bytes, 64-byte aligned.
    uint8_t *scratch;
    /// DSCSIMD_KERNEL_DWCONV_IC1 / _REGROUP (kernel_w <= 4): [kernel_h][period][4] int8, the kernel row's
    /// taps of channel j % channels, zero-filled to 4.
    const int8_t *vnni_weights;
    /// bias[c] + (input_offset - delta) * sum_taps w[tap][c] (delta 128 for int8 input, 0 for uint8), [period].
    const int32_t *vnni_bias;
    /// 0x80808080 for int8 input, 0 for uint8.
    uint32_t vnni_xor;
    /// DSCSIMD_KERNEL_DWCONV_PHASE: the natural-order kernel's weights. An output row's bytes are computed 64 at a time in their own (pixel, channel) order, as 4
    /// "phases": lane j of phase k accumulates byte 4j+k, so every tap is one contiguous 64-byte load.
    /// [kernel_h * kernel_w][phase_period / 64][4][64] int8: in phase k's vector of a chunk, byte
    /// 4j+k is the weight of channel (chunk*64 + 4j + k) % channels, the other three bytes are 0.
    const int8_t *phase_weights;
    /// [phase_period]: entry chunk*64 + 16k + j is `vnni_bias` of channel (chunk*64 + 4j + k) % channels.
    const int32_t *phase_bias;
    /// `rq`'s tables in the same order as `phase_bias`.
    dscsimd_requant phase_rq;
    /// lcm(channels, 64).
    int32_t phase_period;
    /// Threads: when `parts` > 1 this call computes output rows [rows * part / parts, rows * (part + 1) / parts)
    /// of the batches * out_h rows, with `scratch` its own.
    int32_t part, parts;
} dscsimd_dwconv;

/// Bytes of one stride phase of a padded row in the depthwise kernel's scratch.
size_t dscsimd_dw_phase_stride(int32_t channels, int32_t out_w, int32_t stride_w, int32_t kernel_w, int32_t dilation_w);

/// Scratch bytes `dscsimd_dwconv` needs.
size_t dscsimd_dwconv_scratch_bytes(int32_t channels, int32_t out_w, int32_t stride_w, int32_t kernel_w,
                                    int32_t dilation_w, int32_t kernel_h);

/// AveragePool2D / MaxPool2D on int8 or uint8 (window clipped to the image).
typedef struct dscsimd_pool {
    int32_t batches, in_h, in_w, channels;
    int32_t out_h, out_w;
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;
    int32_t input_unsigned;
    int32_t average;
    int32_t lo, hi;
    const uint8_t *input;
    uint8_t *output;
} dscsimd_pool;

/// SpaceToDepth by `block`: output pixel (y, x) channel (dy * block + dx) * C + c (block-major; TFLite,
/// SkyNet's reorg) or c * block^2 + dy * block + dx (channel-major) is input (y * block + dy, x * block +
/// dx) channel c. Elements of `elem_size` bytes; output pixels `out_pixel_stride` elements apart.
typedef struct dscsimd_s2d {
    int32_t batches, in_h, in_w, channels, block, channel_major, elem_size;
    int64_t out_pixel_stride;
    const uint8_t *input;
    uint8_t *output;
} dscsimd_s2d;

/// Concatenation: for each of `outer` rows, input k's `row_bytes[k]` bytes follow each other in the
/// output row (`out_row_bytes` = their sum).
typedef struct dscsimd_concat {
    int32_t inputs;
    int64_t outer;
    int64_t out_row_bytes;
    const int64_t *row_bytes;
    /// The inputs' addresses (a session's table); NULL for an input its producer already wrote in place.
    const uint8_t *const *sources;
    uint8_t *output;
} dscsimd_concat;

/// Pad of a rank-5 view (lower ranks extended with leading 1s): output dims[d] + before[d] + after[d]
/// in each dimension, new cells holding the `elem_size` bytes of `value`.
typedef struct dscsimd_pad {
    int64_t dims[5], before[5], out_dims[5];
    int32_t elem_size;
    uint8_t value[4];
    const uint8_t *input;
    uint8_t *output;
} dscsimd_pad;

/// Bilinear resize of int8/uint8 NHWC images with tabulated weights (`ResizeBilinearParameters`):
/// `row_taps` holds (low, high, weight) per output row, `column_taps` per output column; out =
/// clamp((sum + 2^(rb+cb-1)) >> (rb+cb)) of the four weighted pixels (rb, cb = row_bits, column_bits,
/// each 0...11, so every sum fits int32).
typedef struct dscsimd_resize {
    int32_t batches, in_h, in_w, channels, out_h, out_w;
    int32_t row_bits, column_bits;
    int32_t input_signed;
    const int32_t *row_taps;
    const int32_t *column_taps;
    const uint8_t *input;
    uint8_t *output;
    /// At least in_w * channels int32 (one vertically blended row).
    uint8_t *scratch;
} dscsimd_resize;

/// Mean of int8/uint8 values over the middle axis of an [outer][mid][inner] view (TFLite Micro's
/// integer mean: acc = sum + bias, bias = -zp_in * mid, then `rq` (TFLite, one entry repeated to 16)).
typedef struct dscsimd_mean {
    int64_t outer, mid, inner;
    int32_t input_unsigned;
    int32_t bias;
    dscsimd_requant rq;
    const uint8_t *input;
    uint8_t *output;
} dscsimd_mean;

/// Add in one float multiply-add chain per output: out = clamp(floor(x1 * c1 + x2 * c2 + c0), lo, hi)
/// for raw input bytes x1, x2, accepted per lane where its fraction lies in [dlo, dhi]; other lanes
/// are recomputed with TFLite's formulas. See `dscsimd_add_float_prepare` for why an accepted floor
/// equals the reference.
typedef struct dscsimd_add_float {
    float c1, c2, c0, dlo, dhi;
} dscsimd_add_float;

/// Element-wise Add of two same-shape int8/uint8 tensors (TFLite integer Add arithmetic).
typedef struct dscsimd_add {
    int64_t count;
    int32_t input_unsigned;
    int32_t input1_offset, input2_offset, left_shift;
    int32_t input1_multiplier, input1_shift, input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift, output_offset;
    int32_t lo, hi;
    int32_t single_rounding;
    const uint8_t *a;
    const uint8_t *b;
    uint8_t *output;
    /// Optional (both or neither): for every raw input byte v (index v as u8), the rescaled input
    /// MultiplyByQuantizedMultiplier((v + offset) << left_shift, multiplier, shift) in the session's rounding.
    const int32_t *table1;
    const int32_t *table2;
    /// Optional, for DSCSIMD_KERNEL_ADD_PLANES: the double-rounding tables as byte planes, [plane 0...3][256] (plane k holds byte k of
    /// each entry), so 64 inputs are rescaled with byte permutes; `table_bound` is
    /// max|table1| + max|table2|.
    const uint8_t *planes1;
    const uint8_t *planes2;
    int64_t table_bound;
    /// DSCSIMD_KERNEL_ADD_FLOAT: the constants of `dscsimd_add_float_prepare` for these parameters
    /// (computed once when the session binds the operator).
    dscsimd_add_float float_form;
    /// Broadcasting: 1, and the three shapes extended to rank 4 (`count` is then the output's elements);
    /// an input's dimension of 1 is repeated along the output's.
    int32_t broadcast;
    int64_t a_dims[4], b_dims[4], out_dims[4];
} dscsimd_add;

/// 1 when the byte-plane Add kernel (DSCSIMD_KERNEL_ADD_PLANES) computes `a` exactly: double rounding,
/// int8, both plane tables, output multiplier >= 0 with a right shift 1...30, lo/hi int8, and the
/// narrow form's bound (`table_bound`, `dscsimd_narrow_fits`); else 0.
int32_t dscsimd_add_planes_applicable(const dscsimd_add *a);

/// 1 and the constants of the float form of `a` when it applies: multipliers >= 0, input shifts
/// -30...0, output shift -30...-1 (double rounding) or -30...0 (single), no int32 wrap in the
/// reference's shifts and sum, |float terms| < 2^20 and an error bound delta <= 2^-9; else 0.
int32_t dscsimd_add_float_prepare(const dscsimd_add *a, dscsimd_add_float *k);

/// ONNX Runtime's QLinearSoftmax exp table for an input scale and a reduced length (its
/// QlinearBuildLookupTableUint32 with float entries; docs/ONNX.md): 256 floats written to `table`.
void dscsimd_ort_softmax_table(float x_scale, int64_t reduce_len, int32_t is_signed, float *table);

/// The NCHWc channel block of ONNX Runtime's MLAS float convolutions on this CPU (16 with AVX-512F,
/// 8 with AVX2 + FMA3, 4 on other x86-64, 0 where MLAS has no NCHWc kernels); docs/ONNX.md.
int32_t dscsimd_ort_nchwc_block_size(void);

/// 1 when the CPU has AVX512_VBMI (byte permutes across a whole vector), else 0.
int32_t dscsimd_has_vbmi(void);

/// int8 Softmax over rows of `depth` values (TFLite's reference: gemmlowp fixed point, output scale
/// 1/256, zero point -128). The per-value work depends only on d = max(row) - x in 0...255, so it is
/// tabulated at pack time with the reference's own functions: `exp_table[d]` is exp_on_negative_values
/// of the rescaled difference (0 where x - max < diff_min), `sum_table[d]` the same rescaled to 12
/// integer bits. Per row the kernel adds sum_table, takes the reciprocal (gemmlowp Newton-Raphson)
/// and scales exp_table by it.
typedef struct dscsimd_softmax {
    int64_t rows;
    int32_t depth;
    const int8_t *input;
    int8_t *output;
    const int32_t *exp_table;
    const int32_t *sum_table;
} dscsimd_softmax;

#include "dscsimd_ort.h"

/// What kind of operator a prepared operator is (the worker threads split conv and depthwise ones).
enum {
    DSCSIMD_OP_NONE = 0,
    DSCSIMD_OP_CONV = 1,
    DSCSIMD_OP_DWCONV = 2,
    DSCSIMD_OP_POOL = 3,
    DSCSIMD_OP_ADD = 4,
    DSCSIMD_OP_COPY = 5,
    DSCSIMD_OP_SOFTMAX = 6,
    DSCSIMD_OP_S2D = 7,
    DSCSIMD_OP_CONCAT = 8,
    DSCSIMD_OP_MEAN = 9,
    DSCSIMD_OP_PAD = 10,
    DSCSIMD_OP_RESIZE = 11,
    /// `dscsimd_ort` (ONNX Runtime's operators).
    DSCSIMD_OP_ORT = 32,
};

/// One prepared operator: its kind, the microkernel that runs it and the ISA it was built for, and
/// its arguments.
typedef struct dscsimd_op {
    int32_t kind;
    int32_t isa;
    /// The microkernel (`dscsimd_kernel.run` of `dscsimd_kernel_find(isa, ...)`); NULL: the reference
    /// kernel runs this operator.
    dscsimd_kernel_fn run;
    dscsimd_conv conv;
    dscsimd_dwconv dw;
    dscsimd_pool pool;
    dscsimd_add add;
    dscsimd_softmax softmax;
    /// DSCSIMD_OP_COPY: `copy_bytes` bytes from `copy_from` to `copy_to` (Reshape).
    const void *copy_from;
    void *copy_to;
    int64_t copy_bytes;
    dscsimd_s2d s2d;
    dscsimd_concat concat;
    dscsimd_mean mean;
    dscsimd_pad pad;
    dscsimd_resize resize;
    dscsimd_ort ort;
} dscsimd_op;

/// Runs one prepared operator (nothing when its `run` is NULL).
void dscsimd_execute(const dscsimd_op *op);

/// Runs the prepared operators `ops[0..<count]` in order, stopping before the first whose `run` is
/// NULL (returns its index, or `count`). Lets Swift run a stretch of fast ops in one call.
int32_t dscsimd_execute_run(const dscsimd_op *ops, int32_t count);

/// Worker threads for intra-operator parallelism (conv and depthwise split by output blocks/rows).
typedef struct dscsimd_workers dscsimd_workers;

/// Most threads a `dscsimd_workers` can have.
#define DSCSIMD_MAX_THREADS 64

/// `threads` - 1 worker threads (2 <= threads <= DSCSIMD_MAX_THREADS), or NULL if they cannot be
/// started. Idle workers spin briefly after a job, then sleep on a semaphore.
dscsimd_workers *dscsimd_workers_create(int32_t threads);

/// Stops and joins the workers (NULL is ignored).
void dscsimd_workers_destroy(dscsimd_workers *w);

/// Runs one prepared conv or depthwise operator split over all threads (the caller computes part 0).
/// `scratch[i]` is part i's scratch (`scratch[0]` must be the operator's own); depthwise parts use
/// theirs, conv parts share the operator's. Other kinds, and convs without a prepared indirection,
/// run whole on the caller.
void dscsimd_workers_run(dscsimd_workers *w, const dscsimd_op *op, uint8_t *const *scratch);

/// A counting semaphore (POSIX sem_t).
typedef struct dscsimd_semaphore dscsimd_semaphore;

/// A semaphore with initial `value`, or NULL if it cannot be made.
dscsimd_semaphore *dscsimd_semaphore_create(uint32_t value);
/// Decrements, blocking while the value is 0.
void dscsimd_semaphore_wait(dscsimd_semaphore *s);
/// Increments, waking one waiter.
void dscsimd_semaphore_signal(dscsimd_semaphore *s);
/// Frees a semaphore nobody waits on (NULL is ignored).
void dscsimd_semaphore_destroy(dscsimd_semaphore *s);

/// Starts a thread running `body(context)`. Returns 0 and the handle, or an error code.
int dscsimd_thread_spawn(void (*body)(void *), void *context, uint64_t *handle);
/// Waits for a thread started by `dscsimd_thread_spawn` to finish. Returns 0 or an error code.
int dscsimd_thread_join(uint64_t handle);

/// getenv (the library has no Foundation/Glibc import); NULL when unset.
const char *dscsimd_getenv(const char *name);

#ifdef __cplusplus
}
#endif

#endif
