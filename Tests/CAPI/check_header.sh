#!/bin/sh
# check_header.sh GENERATED_INCLUDE_DIR LIBDSCFLOW_SO
#
# Keeps include/dscflow.h, the Swift implementation and libdscflow.so from drifting apart:
#  1. a C file including dscflow.h and then the compiler-generated DSCFlowCAPI-Swift.h compiles with
#     -Werror: C rejects any redeclaration whose parameter or return types differ;
#  2. the functions declared by dscflow.h, by the generated header, by the linker's exports map and
#     exported by the library are the same set;
#  3. the library's SONAME is libdscflow.so.0 and it needs only libswiftCore, libc, libm, the loader
#     and the image libraries libpng and libturbojpeg;
#  4. the check itself fails on a header with one changed parameter type (so it can fail).
set -eu
gen=$1
lib=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clang=$(dirname "$(command -v swift)")/clang
[ -x "$clang" ] || clang=clang
fail() { echo "check_header: FAIL: $*" >&2; exit 1; }

# Compiles dscflow.h at $1 (a directory tree root/include/dscflow.h) together with the generated
# header, which includes it as <../../../include/dscflow.h> relative to root/a/b/c.
compiles_with_generated() {
    printf '#include "dscflow.h"\n#include "DSCFlowCAPI-Swift.h"\n' > "$work/drift.c"
    mkdir -p "$1/a/b/c"
    "$clang" -fsyntax-only -Werror -I "$1/include" -I "$1/a/b/c" -I "$gen" -I "$root/Sources/CDSCFlowCAPI/include" "$work/drift.c" 2> "$work/drift.log"
}

[ -f "$gen/DSCFlowCAPI-Swift.h" ] || fail "no generated header in $gen"
mkdir -p "$work/good/include"
cp "$root/include/dscflow.h" "$work/good/include/"
compiles_with_generated "$work/good" || { cat "$work/drift.log" >&2; fail "dscflow.h disagrees with the Swift exports"; }
echo "check_header: dscflow.h agrees with DSCFlowCAPI-Swift.h (types of every shared declaration)"

functions() { grep -oE '\bdsc_[a-z0-9_]+\(' | tr -d '(' | sort -u; }
grep -vE '^\s*(/?\*|//)' "$root/include/dscflow.h" | functions > "$work/header"
grep -E '^SWIFT_EXTERN' "$gen/DSCFlowCAPI-Swift.h" | functions > "$work/generated"
sed -n 's/^ *\(dsc_[a-z0-9_]*\);$/\1/p' "$root/Sources/DSCFlowCAPI/dscflow.map" | sort -u > "$work/map"
nm -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u > "$work/exported"
for set in generated map exported; do
    if ! diff -u "$work/header" "$work/$set" > "$work/diff"; then
        cat "$work/diff" >&2
        fail "the functions of dscflow.h and of $set differ"
    fi
done
echo "check_header: $(wc -l < "$work/header") functions, the same in dscflow.h, the generated header, dscflow.map and the exports"

soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libdscflow.so.0" ] || fail "SONAME is '$soname', expected libdscflow.so.0"
for dep in $(readelf -d "$lib" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do
    case $dep in
        libswiftCore.so|libc.so.6|libm.so.6|ld-linux*.so.*|libpng16.so.16|libturbojpeg.so.0) ;;
        *) fail "libdscflow.so needs $dep (only libswiftCore, libc, libm, libpng, libturbojpeg are expected)" ;;
    esac
done
echo "check_header: SONAME $soname; needs $(readelf -d "$lib" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | xargs)"

# The check must be able to fail: change one parameter type and expect a compile error.
mkdir -p "$work/bad/include"
sed 's/int dsc_model_macs(const dsc_model \*model, uint64_t \*macs);/int dsc_model_macs(const dsc_model *model, uint32_t *macs);/' \
    "$root/include/dscflow.h" > "$work/bad/include/dscflow.h"
cmp -s "$work/bad/include/dscflow.h" "$root/include/dscflow.h" && fail "self-test could not alter dsc_model_macs"
if compiles_with_generated "$work/bad"; then fail "a changed parameter type was not detected"; fi
echo "check_header: a header with a changed parameter type is rejected (the check can fail)"
