// Average / max pooling on AVX-VNNI (the AVX2 code) (pool.h).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "pool.h"
#endif
#include "../isa/end.h"
