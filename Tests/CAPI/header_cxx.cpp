// dscflow.h and dscflow.hpp must compile as C++11 (make test-capi: -std=c++11 -pedantic -Werror),
// with C linkage for the C functions.
#include <dscflow.h>
#include <dscflow.hpp>

extern "C" int (*const load_file_has_c_linkage)(const char *, dsc_model **);
extern "C" int (*const load_file_has_c_linkage)(const char *, dsc_model **) = &dsc_model_load_file;

int header_cxx_uses_wrapper();
int header_cxx_uses_wrapper() {
    try {
        dscflow::Model m = dscflow::Model::load("");
        return static_cast<int>(m.op_count());
    } catch (const dscflow::Error &e) {
        return e.status();
    }
}
