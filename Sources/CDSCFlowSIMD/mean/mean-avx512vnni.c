// Mean over a contiguous run of axes on avx512vnni (mean.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "mean.h"
#endif
#include "../isa/end.h"
