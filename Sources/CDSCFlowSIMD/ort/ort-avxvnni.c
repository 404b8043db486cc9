// ONNX Runtime's operators in its arithmetic on avxvnni (ort.h).
#include "../isa/avxvnni-begin.h"
#if DSCSIMD_BUILD
#include "ort.h"
#endif
#include "../isa/end.h"
