// AVX-512 VNNI build (AVX-512 F/BW/VL/DQ with 512-bit vpdpbusd).
#include "common.h"
#define KSUFFIX avx512vnni
#define KVNNI 1
#define KAVX2 0
#define KAVXVNNI 0
#define DSCSIMD_BUILD DSCSIMD_X86
#define DSCSIMD_PUSHED 1
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,bmi,bmi2"))), apply_to = function)
