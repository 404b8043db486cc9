// ap_fixed pointwise, ACC accumulator rounded and saturated per 16 input lanes, on AVX2 (vpmaddwd) (apfixed-pw16.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "apfixed-pw16.h"
#endif
#include "../isa/end.h"
