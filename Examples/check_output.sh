#!/bin/sh
# check_output.sh GOLDEN.bin COMMAND [ARGS...]
# Runs COMMAND (an example that prints "output 0: v0 v1 ...") and fails unless the printed int8 values
# equal the bytes of GOLDEN.bin (a golden output tensor made by TFLite Micro: a project fixture's, or
# one from ../shared/goldens). Skips, saying so, when the golden is absent (../shared not present).
set -eu
golden=$1
shift
if [ ! -f "$golden" ]; then
    echo "skip: $golden is absent; not running: $*"
    exit 0
fi
expected="output 0: $(od -An -v -t d1 "$golden" | xargs)"
out=$("$@")
printf '%s\n' "$out"
if printf '%s\n' "$out" | grep -qxF "$expected"; then
    echo "ok: output equals the golden $golden"
else
    echo "FAIL: expected the line '$expected'" >&2
    exit 1
fi
