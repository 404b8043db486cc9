// ONNX Runtime's operators in its arithmetic on avx512vnni (ort.h).
#include "../isa/avx512vnni-begin.h"
#if DSCSIMD_BUILD
#include "ort.h"
#endif
#include "../isa/end.h"
