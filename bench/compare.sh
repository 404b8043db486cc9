#!/bin/sh
# DSCFlow vs LiteRT + XNNPACK, single thread, on the four shared models, in one run.
# Usage: bench/compare.sh [SHARED_DIR] [RUNS]     (defaults: ../shared, 400)
# Env: DSCFLOW (the dscflow binary; default .build/release/dscflow), PYTHON (default python3),
#      KERNELS (DSCFlow kernel path; default auto), ROUNDS (default 10).
# The two runtimes alternate per model, and each model is measured in ROUNDS rounds, so both see the
# same machine load; the ratio is DSCFlow's best-round median / LiteRT's best-round median (below 1:
# DSCFlow is faster). Many short rounds: a shared VM can switch between a fast and a slow state for
# seconds at a time, and each runtime's best round is its fast-state figure.
# On CPUs with AMX (Intel Sapphire/Emerald Rapids), XNNPACK picks its AMX kernels, which are slower
# than its AVX-512 VNNI ones on these small layers (measured on a KVM guest: ResNet-8 196 vs 96 µs);
# there LiteRT also runs with AMX denied (litert_bench.py --no-amx) and its faster configuration
# per model is the peer.
set -eu
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
RUNS=${2:-400}
DSCFLOW=${DSCFLOW:-.build/release/dscflow}
PYTHON=${PYTHON:-python3}
KERNELS=${KERNELS:-auto}
ROUNDS=${ROUNDS:-10}
[ -x "$DSCFLOW" ] || { echo "compare.sh: $DSCFLOW not found; run: swift build -c release --product dscflow" >&2; exit 1; }
[ -d "$SHARED/models" ] || { echo "compare.sh: $SHARED/models not found" >&2; exit 1; }
# numpy's OpenBLAS threads would share the two cores with the timed thread.
export OPENBLAS_NUM_THREADS=1
LITERT_MODES="default"
grep -q amx_int8 /proc/cpuinfo 2>/dev/null && LITERT_MODES="default --no-amx"
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
round=0
while [ "$round" -lt "$ROUNDS" ]; do
  round=$((round + 1))
  for m in person_detect vww_96_int8 kws_ref_model pretrainedResnet_quant; do
    f="$SHARED/models/$m.tflite"
    "$DSCFLOW" bench "$f" --runs "$RUNS" --kernels "$KERNELS" --json \
      | "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({"model":sys.argv[1],"runtime":"dscflow-"+d["kernels"],"median_us":d["median_us"],"p10_us":d["p10_us"],"p90_us":d["p90_us"],"macs":d["macs"]}))' "$m" >> "$TMP"
    for mode in $LITERT_MODES; do
      opt=""; [ "$mode" = default ] || opt="$mode"
      "$PYTHON" bench/litert_bench.py "$f" --runs "$RUNS" --oracle "$SHARED/oracle" $opt \
        | "$PYTHON" -c 'import json,sys,os; d=json.loads(sys.stdin.read()); d["model"]=sys.argv[1]; print(json.dumps(d))' "$m" >> "$TMP"
    done
  done
done
"$PYTHON" bench/compare_report.py "$TMP"
