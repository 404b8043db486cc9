// Conv2D with small weights and activations (4-bit) on the portable nibble tile (gemm-tile-nibble-portable.h):
// the igemm driver of conv/conv-igemm.h with int16 accumulation.
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#define DSCSIMD_NIBBLE 1
#define DSCSIMD_CONV_IGEMM dscsimd_conv_igemm_nibble
#include "../conv/conv-igemm.h"
#endif
#include "../isa/end.h"
