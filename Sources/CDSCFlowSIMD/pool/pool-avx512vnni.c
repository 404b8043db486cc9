// Average / max pooling on AVX-512 (pool.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "pool.h"
#endif
#include "../isa/end.h"
