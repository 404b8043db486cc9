// The nibble conv tile of the build being compiled (conv4/: DSCSIMD_KERNEL_CONV_IGEMM_NIBBLE and
// _ROWRUNS_NIBBLE exist on the portable and AVX2 builds; the VNNI builds' vpdpbusd tiles are already
// one instruction per 4 products of bytes, 4-bit or not).
#ifndef DSCSIMD_GEMM_TILE_NIBBLE_H
#define DSCSIMD_GEMM_TILE_NIBBLE_H
#if KAVX2
#include "gemm-tile-nibble-avx2.h"
#else
#include "gemm-tile-nibble-portable.h"
#endif
#endif
