// Max pool on whole bytes (windows inside the image) on portable (maxpool-bytes.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "maxpool-bytes.h"
#endif
#include "../isa/end.h"
