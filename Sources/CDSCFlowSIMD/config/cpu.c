// What this CPU and OS can run (cpuid through the compiler's builtins), and getenv for Swift.
#include "../isa/common.h"
#include <stdlib.h>

int32_t dscsimd_has_vbmi(void) {
#if DSCSIMD_X86
    __builtin_cpu_init();
    return (dscsimd_supported_isas() & (1 << DSCSIMD_ISA_AVX512VNNI)) && __builtin_cpu_supports("avx512vbmi") ? 1 : 0;
#else
    return 0;
#endif
}

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
    if ((s & (1 << DSCSIMD_ISA_AVX2)) && __builtin_cpu_supports("avxvnni"))
        s |= 1 << DSCSIMD_ISA_AVXVNNI;
#endif
    return s;
}

const char *dscsimd_getenv(const char *name) { return getenv(name); }
