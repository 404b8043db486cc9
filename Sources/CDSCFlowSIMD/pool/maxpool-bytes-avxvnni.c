// Max pool on whole bytes (windows inside the image) on avxvnni (maxpool-bytes.h).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "maxpool-bytes.h"
#endif
#include "../isa/end.h"
