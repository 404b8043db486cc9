// Shared by the ISA begin headers: the architecture test and the entry-point naming macro.
#ifndef DSCSIMD_ISA_COMMON_H
#define DSCSIMD_ISA_COMMON_H
// System headers come before any target push, so their declarations keep the default target.
#include "CDSCFlowSIMD.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// DSCSIMD_PORTABLE_ONLY: an x86 build with the portable kernels only (the freestanding Embedded Swift
// build, which has no CPU-feature runtime).
#if (defined(__x86_64__) || defined(__i386__)) && !defined(DSCSIMD_PORTABLE_ONLY)
#include <immintrin.h>
#define DSCSIMD_X86 1
#else
#define DSCSIMD_X86 0
#endif
#define KCAT2(a, b) a##_##b
#define KCAT(a, b) KCAT2(a, b)
/// The exported entry point `name_<isa>` of a microkernel built from a shared template.
#define KFN(name) KCAT(name, KSUFFIX)
#endif
