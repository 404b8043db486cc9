// Max pool on whole bytes (windows inside the image) on avx2 (maxpool-bytes.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "maxpool-bytes.h"
#endif
#include "../isa/end.h"
