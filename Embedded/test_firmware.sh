#!/bin/sh
# The firmware on the emulated Cortex-M7 against oracles the project did not write: every case of the shared
# models' goldens (TFLite reference kernels / TFLite Micro, ../shared/goldens) and of the project fixtures
# (TFLite Micro, Tests/DSCFlowTests/Fixtures/tflite). One image per model (make builds it on the first case),
# one QEMU run per case; the output tensor's bytes must equal the golden output.bin exactly.
#
# usage: test_firmware.sh MAKE OUTDIR SHARED FIXTURES [KERNELS]
# Writes OUTDIR/results.tsv (model, case, result, instructions per inference, runtime flash, arena, heap, stack).
set -u
make=$1 out=$2 shared=$3 fixtures=$4 kernels=${5:-portable}
mkdir -p "$out"
results=$out/results.tsv
printf 'model\tcase\tresult\tinstructions\tflash\tarena\theap\tstack\n' > "$results"
passed=0 failed=0

# run_case MODEL CASE_DIR LABEL
run_case() {
    label=$3
    log=$out/$label.log
    output=$out/$label.out.bin
    rm -f "$output"
    if $make --no-print-directory firmware-qemu MODEL="$1" INPUT="$2/input.bin" OUTPUT="$output" KERNELS="$kernels" \
        > "$log" 2>&1 && cmp -s "$output" "$2/output.bin"; then
        result=ok passed=$((passed + 1))
    else
        result=FAIL failed=$((failed + 1))
        echo "FAIL: $label ($1 on $2/input.bin; log $log):"
        tail -5 "$log"
    fi
    insns=$(sed -n 's/.* = \([0-9]*\) instructions each.*/\1/p' "$log")
    flash=$(sed -n 's/^flash: \([0-9]*\) bytes of runtime.*/\1/p' "$log")
    ram=$(sed -n 's/^ram: arena \([0-9]*\) bytes (static), heap \([0-9]*\) bytes, stack high-water \([0-9]*\) bytes.*/\1\t\2\t\3/p' "$log")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$(dirname "$2")")" "$(basename "$2")" "$result" "${insns:--}" \
        "${flash:--}" "${ram:--}" >> "$results"
    echo "$result: $label: ${insns:-?} instructions"
}

for m in person_detect vww_96_int8 kws_ref_model pretrainedResnet_quant; do
    model=$shared/models/$m.tflite
    if [ ! -f "$model" ] || [ ! -d "$shared/goldens/$m" ]; then
        echo "skip: $m: $model or $shared/goldens/$m is absent (../shared not present)"
        continue
    fi
    for c in "$shared/goldens/$m"/*/; do
        c=${c%/}
        run_case "$model" "$c" "$m-$(basename "$c")-$kernels"
    done
done

for d in "$fixtures"/*/; do
    d=${d%/}
    [ -f "$d/model.tflite" ] || continue
    for c in "$d"/*/; do
        c=${c%/}
        [ -f "$c/input.bin" ] || continue
        run_case "$d/model.tflite" "$c" "$(basename "$d")-$(basename "$c")-$kernels"
    done
done

echo "firmware on QEMU mps2-an500 ($kernels kernels): results in $results"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
