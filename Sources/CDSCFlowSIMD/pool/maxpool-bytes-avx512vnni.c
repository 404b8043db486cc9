// Max pool on whole bytes (windows inside the image) on avx512vnni (maxpool-bytes.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "maxpool-bytes.h"
#endif
#include "../isa/end.h"
