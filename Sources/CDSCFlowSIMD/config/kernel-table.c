// The microkernels of every ISA build, by kernel id: what `dscsimd_kernel_find` answers and a session
// binds into each prepared operator. A build without a kernel has NULL there (the operator's
// preparation then picks another kernel or the reference).
#include "../isa/common.h"

#define DSC_DECLARE(isa)                                                       \
    void dscsimd_conv_igemm_##isa(const dscsimd_op *);                         \
    void dscsimd_conv_rowruns_##isa(const dscsimd_op *);                       \
    void dscsimd_dwconv_generic_##isa(const dscsimd_op *);                     \
    void dscsimd_pool_##isa(const dscsimd_op *);                               \
    void dscsimd_add_exact_##isa(const dscsimd_op *);                          \
    void dscsimd_add_float_##isa(const dscsimd_op *);                          \
    void dscsimd_mean_##isa(const dscsimd_op *);                               \
    void dscsimd_maxpool_bytes_##isa(const dscsimd_op *);                      \
    void dscsimd_conv_igemm_nibble_##isa(const dscsimd_op *);                  \
    void dscsimd_conv_rowruns_nibble_##isa(const dscsimd_op *);                \
    void dscsimd_ort_##isa(const dscsimd_op *);

DSC_DECLARE(portable)
#if DSCSIMD_X86
DSC_DECLARE(avx2)
DSC_DECLARE(avxvnni)
DSC_DECLARE(avx512vnni)
void dscsimd_dwconv_regroup_avx512vnni(const dscsimd_op *);
void dscsimd_dwconv_phase_avx512vnni(const dscsimd_op *);
void dscsimd_dwconv_phase_avxvnni(const dscsimd_op *);
void dscsimd_dwconv_ic1_avx512vnni(const dscsimd_op *);
void dscsimd_dwconv_ic1_avxvnni(const dscsimd_op *);
void dscsimd_add_planes_avx512vbmi(const dscsimd_op *);
#endif
void dscsimd_softmax_scalar(const dscsimd_op *);
void dscsimd_space_to_depth(const dscsimd_op *);
void dscsimd_concat_rows(const dscsimd_op *);
void dscsimd_pad_constant(const dscsimd_op *);
void dscsimd_resize_bilinear(const dscsimd_op *);
void dscsimd_ort_bytes(const dscsimd_op *);

/// Reshape and other pure byte moves (the same code for every ISA).
static void dscsimd_copy(const dscsimd_op *op) {
    if (op->copy_to != op->copy_from) memmove(op->copy_to, op->copy_from, (size_t)op->copy_bytes);
}

/// The kernels every build has, built from the shared templates.
#define DSC_COMMON(isa)                                                                           \
    [DSCSIMD_KERNEL_CONV_IGEMM] = {"conv-igemm-" #isa, dscsimd_conv_igemm_##isa},                  \
    [DSCSIMD_KERNEL_CONV_ROWRUNS] = {"conv-rowruns-" #isa, dscsimd_conv_rowruns_##isa},            \
    [DSCSIMD_KERNEL_DWCONV_GENERIC] = {"dwconv-generic-" #isa, dscsimd_dwconv_generic_##isa},      \
    [DSCSIMD_KERNEL_POOL] = {"pool-" #isa, dscsimd_pool_##isa},                                     \
    [DSCSIMD_KERNEL_ADD_EXACT] = {"add-exact-" #isa, dscsimd_add_exact_##isa},                     \
    [DSCSIMD_KERNEL_ADD_FLOAT] = {"add-float-" #isa, dscsimd_add_float_##isa},                     \
    [DSCSIMD_KERNEL_SOFTMAX] = {"softmax-scalar", dscsimd_softmax_scalar},                         \
    [DSCSIMD_KERNEL_COPY] = {"copy", dscsimd_copy},                                                \
    [DSCSIMD_KERNEL_SPACE_TO_DEPTH] = {"space-to-depth", dscsimd_space_to_depth},                  \
    [DSCSIMD_KERNEL_CONCAT] = {"concat-rows", dscsimd_concat_rows},                                \
    [DSCSIMD_KERNEL_PAD] = {"pad-constant", dscsimd_pad_constant},                                 \
    [DSCSIMD_KERNEL_RESIZE_BILINEAR] = {"resize-bilinear", dscsimd_resize_bilinear},               \
    [DSCSIMD_KERNEL_MEAN] = {"mean-" #isa, dscsimd_mean_##isa},                                     \
    [DSCSIMD_KERNEL_MAXPOOL_BYTES] = {"maxpool-bytes-" #isa, dscsimd_maxpool_bytes_##isa},        \
    [DSCSIMD_KERNEL_ORT] = {"ort-" #isa, dscsimd_ort_##isa},                                       \
    [DSCSIMD_KERNEL_ORT_BYTES] = {"ort-bytes", dscsimd_ort_bytes}

/// The nibble conv kernels (conv4/), on the builds without vpdpbusd.
#define DSC_NIBBLE(isa)                                                                                   \
    [DSCSIMD_KERNEL_CONV_IGEMM_NIBBLE] = {"conv-igemm-nibble-" #isa, dscsimd_conv_igemm_nibble_##isa},     \
    [DSCSIMD_KERNEL_CONV_ROWRUNS_NIBBLE] = {"conv-rowruns-nibble-" #isa, dscsimd_conv_rowruns_nibble_##isa}

#if DSCSIMD_REFERENCE_ONLY
/* A build without fast kernels (flash-constrained devices, docs/EMBEDDED.md): every operator runs its
 * reference kernel (reshapes stay byte copies), and no microkernel is linked. */
static const dscsimd_kernel portable_kernels[DSCSIMD_KERNEL_COUNT] = {[DSCSIMD_KERNEL_COPY] = {"copy", dscsimd_copy}};
#else
static const dscsimd_kernel portable_kernels[DSCSIMD_KERNEL_COUNT] = {DSC_COMMON(portable), DSC_NIBBLE(portable)};
#endif

#if DSCSIMD_X86
static const dscsimd_kernel avx2_kernels[DSCSIMD_KERNEL_COUNT] = {DSC_COMMON(avx2), DSC_NIBBLE(avx2)};

static const dscsimd_kernel avxvnni_kernels[DSCSIMD_KERNEL_COUNT] = {
    DSC_COMMON(avxvnni),
    [DSCSIMD_KERNEL_DWCONV_PHASE] = {"dwconv-phase-avxvnni", dscsimd_dwconv_phase_avxvnni},
    [DSCSIMD_KERNEL_DWCONV_IC1] = {"dwconv-ic1-avxvnni", dscsimd_dwconv_ic1_avxvnni},
};

static const dscsimd_kernel avx512vnni_kernels[DSCSIMD_KERNEL_COUNT] = {
    DSC_COMMON(avx512vnni),
    [DSCSIMD_KERNEL_DWCONV_REGROUP] = {"dwconv-regroup-avx512vnni", dscsimd_dwconv_regroup_avx512vnni},
    [DSCSIMD_KERNEL_DWCONV_PHASE] = {"dwconv-phase-avx512vnni", dscsimd_dwconv_phase_avx512vnni},
    [DSCSIMD_KERNEL_DWCONV_IC1] = {"dwconv-ic1-avx512vnni", dscsimd_dwconv_ic1_avx512vnni},
    [DSCSIMD_KERNEL_ADD_PLANES] = {"add-planes-avx512vbmi", dscsimd_add_planes_avx512vbmi},
};
#endif

const dscsimd_kernel *dscsimd_kernel_find(int32_t isa, int32_t kernel) {
    if (kernel < 0 || kernel >= DSCSIMD_KERNEL_COUNT) return NULL;
    if (!(dscsimd_supported_isas() & (1 << isa))) return NULL;
    const dscsimd_kernel *table = NULL;
    switch (isa) {
    case DSCSIMD_ISA_PORTABLE: table = portable_kernels; break;
#if DSCSIMD_X86
    case DSCSIMD_ISA_AVX2: table = avx2_kernels; break;
    case DSCSIMD_ISA_AVXVNNI: table = avxvnni_kernels; break;
    case DSCSIMD_ISA_AVX512VNNI:
        if (kernel == DSCSIMD_KERNEL_ADD_PLANES && !dscsimd_has_vbmi()) return NULL;
        table = avx512vnni_kernels;
        break;
#endif
    default: return NULL;
    }
    return table[kernel].run ? &table[kernel] : NULL;
}

void dscsimd_execute(const dscsimd_op *op) {
    if (op->run) op->run(op);
}

int32_t dscsimd_execute_run(const dscsimd_op *ops, int32_t count) {
    for (int32_t i = 0; i < count; i++) {
        if (!ops[i].run) return i;
        ops[i].run(&ops[i]);
    }
    return count;
}
