// Average / max pooling in generic vectors (SSE2 / NEON) (pool.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "pool.h"
#endif
#include "../isa/end.h"
