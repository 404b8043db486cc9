// ONNX Runtime's operators in its arithmetic on portable (ort.h).
#include "../isa/portable-begin.h"
#if DSCSIMD_BUILD
#include "ort.h"
#endif
#include "../isa/end.h"
