// Depthwise conv, any window and depth multiplier, int32 weights per tap, on AVX2 (dwconv-generic.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "dwconv-generic.h"
#endif
#include "../isa/end.h"
