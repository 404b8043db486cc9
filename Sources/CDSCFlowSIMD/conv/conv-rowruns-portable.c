// Conv2D (groups = 1, dilation_w 1) in the row-runs layout in generic vectors (SSE2 / NEON): one padded u8 copy of the
// input, one pointer per kernel row to a run of kernel_w x C bytes (conv-rowruns.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "conv-rowruns.h"
#endif
#include "../isa/end.h"
