// Builds kernels.inc three times (portable, AVX2, AVX-512 VNNI) and dispatches between them.
#include "CDSCFlowSIMD.h"
#include <stdlib.h>
#include <string.h>

#pragma clang diagnostic ignored "-Wpsabi"
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DSCSIMD_X86 1
#else
#define DSCSIMD_X86 0
#endif

/// Output pixels per block of the conv driver (a multiple of every tile's row count).
#define DSCSIMD_RB 32

typedef int32_t v16si __attribute__((vector_size(64)));
typedef uint32_t v16su __attribute__((vector_size(64)));
typedef int64_t v16di __attribute__((vector_size(128)));
typedef uint8_t v16qu __attribute__((vector_size(16)));
typedef int8_t v16qi __attribute__((vector_size(16)));

// Macros, not functions: a helper outside the target regions must not pass wide vectors (ABI).
#define splat_v16si(x) ((v16si){0} + (int32_t)(x))
#define splat_v16su(x) ((v16su){0} + (uint32_t)(x))
#define splat_v16di(x) ((v16di){0} + (int64_t)(x))
#define load_v16si(p) ({ v16si _v; memcpy(&_v, (p), sizeof _v); _v; })
#define load_v16qu(p) ({ v16qu _v; memcpy(&_v, (p), sizeof _v); _v; })

/// Stores the first `n` (≥ 1) bytes of `v`.
static inline __attribute__((always_inline)) void store_partial16(uint8_t *p, v16qu v, int n) {
    if (n >= 16) {
        memcpy(p, &v, 16);
        return;
    }
    uint8_t b[16];
    memcpy(b, &v, 16);
    int i = 0;
    if (n & 8) { memcpy(p + i, b + i, 8); i += 8; }
    if (n & 4) { memcpy(p + i, b + i, 4); i += 4; }
    if (n & 2) { memcpy(p + i, b + i, 2); i += 2; }
    if (n & 1) { p[i] = b[i]; }
}

size_t dscsimd_dw_phase_stride(int32_t, int32_t, int32_t, int32_t, int32_t);

#define KSUFFIX portable
#define KVNNI 0
#include "kernels.inc"
#undef KSUFFIX
#undef KVNNI

#if DSCSIMD_X86
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2"))), apply_to = function)
#define KSUFFIX avx2
#define KVNNI 0
#include "kernels.inc"
#undef KSUFFIX
#undef KVNNI
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,bmi,bmi2"))), apply_to = function)
#define KSUFFIX avx512vnni
#define KVNNI 1
#include "kernels.inc"
#undef KSUFFIX
#undef KVNNI
#pragma clang attribute pop
#endif

int dscsimd_supported_isas(void) {
    int s = 1 << DSCSIMD_ISA_PORTABLE;
#if DSCSIMD_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2"))
        s |= 1 << DSCSIMD_ISA_AVX2;
    if ((s & (1 << DSCSIMD_ISA_AVX2)) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vnni"))
        s |= 1 << DSCSIMD_ISA_AVX512VNNI;
#endif
    return s;
}

size_t dscsimd_conv_scratch_bytes(int32_t in_c, int32_t kernel_h, int32_t kernel_w, int64_t input_pixels) {
    size_t c4 = ((size_t)in_c + 3) / 4 * 4;
    size_t padbytes = (c4 + 63) / 64 * 64;
    size_t copy = (size_t)input_pixels * c4;
    return padbytes + (size_t)DSCSIMD_RB * (size_t)kernel_h * (size_t)kernel_w * sizeof(void *) + copy + 64;
}

size_t dscsimd_dw_phase_stride(int32_t channels, int32_t out_w, int32_t stride_w, int32_t kernel_w, int32_t dilation_w) {
    size_t width = (size_t)(out_w - 1) * stride_w + (size_t)(kernel_w - 1) * dilation_w + 1;
    size_t positions = (width + stride_w - 1) / stride_w;
    return (positions * (size_t)channels + 16 + 63) / 64 * 64;
}

size_t dscsimd_dwconv_scratch_bytes(int32_t channels, int32_t out_w, int32_t stride_w, int32_t kernel_w,
                                    int32_t dilation_w, int32_t kernel_h) {
    size_t generic = dscsimd_dw_phase_stride(channels, out_w, stride_w, kernel_w, dilation_w) * (size_t)stride_w *
                     ((size_t)kernel_h + 1) + 64;
    size_t width = (size_t)(out_w - 1) * stride_w + (size_t)(kernel_w - 1) * dilation_w + 1;
    size_t prow = (width * channels + 64 + 63) / 64 * 64;
    size_t grow = ((size_t)out_w * channels * 4 + 256 + 63) / 64 * 64;
    size_t vnni = 2 * prow + grow * ((size_t)kernel_h + 1) + 64;
    return generic > vnni ? generic : vnni;
}

void dscsimd_execute(const dscsimd_op *op) {
#if DSCSIMD_X86
    switch (op->isa) {
    case DSCSIMD_ISA_AVX512VNNI: execute_avx512vnni(op); return;
    case DSCSIMD_ISA_AVX2: execute_avx2(op); return;
    default: break;
    }
#endif
    execute_portable(op);
}

int32_t dscsimd_execute_run(const dscsimd_op *ops, int32_t count) {
    for (int32_t i = 0; i < count; i++) {
        if (ops[i].kind == DSCSIMD_OP_NONE) return i;
        dscsimd_execute(&ops[i]);
    }
    return count;
}

const char *dscsimd_getenv(const char *name) { return getenv(name); }
