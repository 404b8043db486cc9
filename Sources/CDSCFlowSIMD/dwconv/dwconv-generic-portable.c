// Depthwise conv, any window and depth multiplier, int32 weights per tap, in generic vectors (SSE2 / NEON) (dwconv-generic.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "dwconv-generic.h"
#endif
#include "../isa/end.h"
