// ap_fixed depthwise 3x3, FM accumulator rounded and saturated per tap, in generic vectors (SSE2 / NEON) (apfixed-dw3x3.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "apfixed-dw3x3.h"
#endif
#include "../isa/end.h"
