#!/bin/sh
# check_install.sh PREFIX
#
# What `make install PREFIX=...` leaves is usable as installed and shadows nothing:
#  1. PREFIX/lib holds only libdscflow.so* (and pkgconfig/, dscflow/): no Swift runtime library there,
#     where it could shadow (or be shadowed by) another Swift's;
#  2. libdscflow's RUNPATH is exactly $ORIGIN/dscflow and bin/dscflow's $ORIGIN/../lib/dscflow, and the
#     loader resolves every Swift library of both from PREFIX/lib/dscflow, never from the toolchain;
#  3. bin/dscflow runs with an empty environment and its --help is its manual.
set -eu
prefix=$1
fail() { echo "check_install: FAIL: $*" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

stray=$(ls "$prefix/lib" | grep -v -e '^libdscflow\.so' -e '^pkgconfig$' -e '^dscflow$' || true)
[ -z "$stray" ] || fail "$prefix/lib holds more than libdscflow: $stray"
[ -f "$prefix/lib/dscflow/libswiftCore.so" ] || fail "no Swift runtime in $prefix/lib/dscflow"

runpath() { readelf -d "$1" | sed -n 's/.*RUNPATH.*\[\(.*\)\]/\1/p'; }
[ "$(runpath "$prefix/lib/libdscflow.so.0")" = '$ORIGIN/dscflow' ] || fail "libdscflow RUNPATH is '$(runpath "$prefix/lib/libdscflow.so.0")'"
[ "$(runpath "$prefix/bin/dscflow")" = '$ORIGIN/../lib/dscflow' ] || fail "bin/dscflow RUNPATH is '$(runpath "$prefix/bin/dscflow")'"

real=$(cd "$prefix/lib/dscflow" && pwd -P)
for elf in "$prefix/lib/libdscflow.so.0" "$prefix/bin/dscflow"; do
    env -i ldd "$elf" > "$log" 2>&1 || { cat "$log" >&2; fail "ldd $elf"; }
    if grep -q 'not found' "$log"; then cat "$log" >&2; fail "$elf: a library is not found"; fi
    swift_libs=0
    for lib in $(sed -n 's/^[[:space:]]*\(lib\(swift\|Foundation\|_Foundation\|dispatch\|BlocksRuntime\)[^ ]*\) => \([^ ]*\).*/\1:\3/p' "$log"); do
        where=$(dirname "${lib#*:}")
        [ "$(cd "$where" && pwd -P)" = "$real" ] || fail "$elf loads ${lib%%:*} from $where, not $prefix/lib/dscflow"
        swift_libs=$((swift_libs + 1))
    done
    [ "$swift_libs" -gt 0 ] || { cat "$log" >&2; fail "found no Swift library in ldd $elf (the check would be empty)"; }
done

help=$(env -i "$prefix/bin/dscflow" --help) || fail "bin/dscflow --help failed with an empty environment"
for word in OVERVIEW classify detect eval-dacsdc "dscflow help <subcommand>"; do
    case $help in *"$word"*) ;; *) fail "bin/dscflow --help does not mention $word" ;; esac
done
env -i "$prefix/bin/dscflow" help detect | grep -q -- '--min-score' || fail "bin/dscflow help detect is not the detect manual"
echo "check_install: $prefix/lib holds only libdscflow; the library and bin/dscflow load the Swift runtime from $prefix/lib/dscflow; bin/dscflow --help runs without an environment"
