/* dscflow.h must compile as strict C99 (make test-capi: -std=c99 -pedantic -Werror). */
#include <dscflow.h>
#include <dscflow.h> /* include guard */

int header_c99_uses_types(const dsc_tensor_info *t, const dsc_op_info *o);
int header_c99_uses_types(const dsc_tensor_info *t, const dsc_op_info *o) {
    return t->rank + (int)o->macs + DSC_OK + DSC_MAX_RANK;
}
