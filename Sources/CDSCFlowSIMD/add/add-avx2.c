// Add (same shapes) on AVX2: the exact integer kernel and the float form (add.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "add.h"
#endif
#include "../isa/end.h"
