// Add (same shapes) on AVX-512: the exact integer kernel and the float form (add.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "add.h"
#endif
#include "../isa/end.h"
