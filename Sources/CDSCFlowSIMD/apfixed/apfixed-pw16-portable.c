// ap_fixed pointwise, ACC accumulator rounded and saturated per 16 input lanes, in float32 generic vectors (SSE2 / NEON) (apfixed-pw16.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "apfixed-pw16.h"
#endif
#include "../isa/end.h"
