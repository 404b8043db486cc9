// Depthwise conv, any window and depth multiplier, int32 weights per tap, on AVX-512 VNNI (dwconv-generic.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "dwconv-generic.h"
#endif
#include "../isa/end.h"
