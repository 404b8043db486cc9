// Mean over a contiguous run of axes on portable (mean.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "mean.h"
#endif
#include "../isa/end.h"
