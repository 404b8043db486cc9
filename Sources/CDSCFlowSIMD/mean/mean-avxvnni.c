// Mean over a contiguous run of axes on avxvnni (mean.h).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "mean.h"
#endif
#include "../isa/end.h"
