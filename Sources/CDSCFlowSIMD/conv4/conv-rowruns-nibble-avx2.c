// Conv2D with small weights and activations (4-bit) on the avx2 nibble tile (gemm-tile-nibble-avx2.h):
// the rowruns driver of conv/conv-rowruns.h with int16 accumulation.
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#define DSCSIMD_NIBBLE 1
#define DSCSIMD_CONV_ROWRUNS dscsimd_conv_rowruns_nibble
#include "../conv/conv-rowruns.h"
#endif
#include "../isa/end.h"
