// ONNX Runtime's operators in its arithmetic on avx2 (ort.h).
#include "../isa/avx2-begin.h"
#if DSCSIMD_BUILD
#include "ort.h"
#endif
#include "../isa/end.h"
