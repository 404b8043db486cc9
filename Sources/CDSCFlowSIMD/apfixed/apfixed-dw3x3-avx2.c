// ap_fixed depthwise 3x3, FM accumulator rounded and saturated per tap, on AVX2 (vpmulhrsw) (apfixed-dw3x3.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "apfixed-dw3x3.h"
#endif
#include "../isa/end.h"
