// Average / max pooling on AVX2 (pool.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "pool.h"
#endif
#include "../isa/end.h"
