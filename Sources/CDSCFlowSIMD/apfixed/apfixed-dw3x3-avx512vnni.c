// ap_fixed depthwise 3x3, FM accumulator rounded and saturated per tap, on AVX-512 BW (vpmulhrsw) (apfixed-dw3x3.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "apfixed-dw3x3.h"
#endif
#include "../isa/end.h"
