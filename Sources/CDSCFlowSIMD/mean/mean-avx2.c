// Mean over a contiguous run of axes on avx2 (mean.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "mean.h"
#endif
#include "../isa/end.h"
