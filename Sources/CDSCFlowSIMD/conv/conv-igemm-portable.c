// Conv2D (groups = 1) as an indirect GEMM in generic vectors (SSE2 / NEON): per block of 32 output pixels a table of tap
// pointers, then tiles of output pixels x 16-channel blocks (conv-igemm.h, the tile in conv-blocks.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "conv-igemm.h"
#endif
#include "../isa/end.h"
