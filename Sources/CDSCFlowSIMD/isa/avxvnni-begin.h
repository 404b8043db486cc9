// AVX-VNNI build: AVX2 with 256-bit vpdpbusd (Intel Alder Lake and later client cores, Gracemont).
#include "common.h"
#define KSUFFIX avxvnni
#define KVNNI 0
#define KAVX2 1
#define KAVXVNNI 1
#define DSCSIMD_BUILD DSCSIMD_X86
#define DSCSIMD_PUSHED 1
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2,avxvnni"))), apply_to = function)
