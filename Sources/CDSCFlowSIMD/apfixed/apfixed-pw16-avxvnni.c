// ap_fixed pointwise, ACC accumulator rounded and saturated per 16 input lanes, on AVX-VNNI (256-bit vpdpwssd) (apfixed-pw16.h).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "apfixed-pw16.h"
#endif
#include "../isa/end.h"
