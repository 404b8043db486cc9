// The ap_fixed depthwise and pointwise kernels of every ISA build (`dscsimd_apfixed_kernels_find`).
// AVX-VNNI only changes the pointwise kernel (256-bit vpdpwssd); its depthwise kernel is AVX2's.
#include "../isa/common.h"

void dscsimd_apfixed_dw3x3_portable(const dscsimd_apfixed_dw *);
void dscsimd_apfixed_pw_portable(const dscsimd_apfixed_pw *);

static const dscsimd_apfixed_kernels portable = {"apfixed-dw3x3-portable", dscsimd_apfixed_dw3x3_portable,
                                                 "apfixed-pw16-portable", dscsimd_apfixed_pw_portable};

#if DSCSIMD_X86
void dscsimd_apfixed_dw3x3_avx2(const dscsimd_apfixed_dw *);
void dscsimd_apfixed_dw3x3_avx512vnni(const dscsimd_apfixed_dw *);
void dscsimd_apfixed_pw_avx2(const dscsimd_apfixed_pw *);
void dscsimd_apfixed_pw_avxvnni(const dscsimd_apfixed_pw *);
void dscsimd_apfixed_pw_avx512vnni(const dscsimd_apfixed_pw *);

static const dscsimd_apfixed_kernels avx2 = {"apfixed-dw3x3-avx2", dscsimd_apfixed_dw3x3_avx2,
                                             "apfixed-pw16-avx2", dscsimd_apfixed_pw_avx2};
static const dscsimd_apfixed_kernels avxvnni = {"apfixed-dw3x3-avx2", dscsimd_apfixed_dw3x3_avx2,
                                                "apfixed-pw16-avxvnni", dscsimd_apfixed_pw_avxvnni};
static const dscsimd_apfixed_kernels avx512 = {"apfixed-dw3x3-avx512vnni", dscsimd_apfixed_dw3x3_avx512vnni,
                                               "apfixed-pw16-avx512vnni", dscsimd_apfixed_pw_avx512vnni};
#endif

const dscsimd_apfixed_kernels *dscsimd_apfixed_kernels_find(int32_t isa) {
    if (isa < 0 || isa > 30 || !(dscsimd_supported_isas() & (1 << isa))) return NULL;
    switch (isa) {
    case DSCSIMD_ISA_PORTABLE: return &portable;
#if DSCSIMD_X86
    case DSCSIMD_ISA_AVX2: return &avx2;
    case DSCSIMD_ISA_AVXVNNI: return &avxvnni;
    case DSCSIMD_ISA_AVX512VNNI: return &avx512;
#endif
    default: return NULL;
    }
}
