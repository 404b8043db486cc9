// ap_fixed pointwise, ACC accumulator rounded and saturated per 16 input lanes, on AVX-512 VNNI (vpdpwssd) (apfixed-pw16.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "apfixed-pw16.h"
#endif
#include "../isa/end.h"
