// Add (same shapes) on AVX-VNNI (the AVX2 code): the exact integer kernel and the float form (add.h).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "add.h"
#endif
#include "../isa/end.h"
