// AVX2 build (x86-64-v3: AVX2, FMA, BMI1/2).
#include "common.h"
#define KSUFFIX avx2
#define KVNNI 0
#define KAVX2 1
#define KAVXVNNI 0
#define DSCSIMD_BUILD DSCSIMD_X86
#define DSCSIMD_PUSHED 1
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2"))), apply_to = function)
