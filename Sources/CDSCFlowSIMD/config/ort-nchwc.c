// The NCHWc channel block ONNX Runtime's MLAS picks for float convolutions on this CPU
// (MlasNchwcGetBlockSize): 16 with AVX-512F, 8 with AVX2 + FMA3, 4 on other x86-64; 0 elsewhere.
#include "../isa/common.h"

int32_t dscsimd_ort_nchwc_block_size(void) {
#if DSCSIMD_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 16;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 8;
    return 4;
#else
    return 0;
#endif
}
