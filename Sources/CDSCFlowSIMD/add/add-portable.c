// Add (same shapes) in generic vectors (SSE2 / NEON): the exact integer kernel and the float form (add.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "add.h"
#endif
#include "../isa/end.h"
