// Conv2D (groups = 1) as an indirect GEMM on AVX2 (vpmaddwd): per block of 32 output pixels a table of tap
// pointers, then tiles of output pixels x 16-channel blocks (conv-igemm.h, the tile in conv-blocks.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "conv-igemm.h"
#endif
#include "../isa/end.h"
