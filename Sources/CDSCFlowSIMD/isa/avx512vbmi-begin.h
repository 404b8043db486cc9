// AVX-512 VBMI build: the AVX-512 VNNI features plus byte permutes across a whole vector (vpermt2b).
#include "common.h"
#define KSUFFIX avx512vbmi
#define KVNNI 1
#define KAVX2 0
#define KAVXVNNI 0
#define DSCSIMD_BUILD DSCSIMD_X86
#define DSCSIMD_PUSHED 1
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512vbmi,avx2,fma,bmi,bmi2"))), apply_to = function)
