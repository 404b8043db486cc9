// Conv2D (groups = 1, dilation_w 1) in the row-runs layout on AVX-VNNI (256-bit vpdpbusd): one padded u8 copy of the
// input, one pointer per kernel row to a run of kernel_w x C bytes (conv-rowruns.h).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "conv-rowruns.h"
#endif
#include "../isa/end.h"
