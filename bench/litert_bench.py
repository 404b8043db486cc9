#!/usr/bin/env python3
"""Times LiteRT (ai-edge-litert) single-threaded with its default XNNPACK delegate.

Prints one JSON object per model: median/p10/p90 of one `invoke()` in microseconds. The input is
set once (random int8, fixed seed) before timing; the loop calls invoke() and reads a monotonic clock
around each call, so the Python overhead per call is one method call and two clock reads.
"""
import argparse
import json
import sys
import time

import numpy as np
from ai_edge_litert.interpreter import Interpreter


def load(path, oracle_dir):
    """The interpreter for `path`; TOCO-era models with quantized_dimension=3 on 1-D bias tensors
    (person_detect) are patched in memory with the shared oracle's fix, as the goldens were."""
    data = open(path, "rb").read()
    try:
        return Interpreter(model_content=data, num_threads=1)
    except ValueError as e:
        if "quantized_dimension" not in str(e):
            raise
    sys.path.insert(0, oracle_dir)
    from make_goldens import fix_quantized_dimension
    fixed, _ = fix_quantized_dimension(data)
    return Interpreter(model_content=bytes(fixed), num_threads=1)


def bench(path, runs, warmup, oracle_dir):
    interp = load(path, oracle_dir)
    interp.allocate_tensors()
    rng = np.random.default_rng(0x5EED)
    for d in interp.get_input_details():
        info = np.iinfo(d["dtype"])
        interp.set_tensor(d["index"], rng.integers(info.min, info.max + 1, size=d["shape"], dtype=d["dtype"]))
    invoke = interp.invoke
    clock = time.perf_counter_ns
    for _ in range(warmup):
        invoke()
    times = np.empty(runs)
    for i in range(runs):
        t0 = clock()
        invoke()
        times[i] = clock() - t0
    # The same loop around a no-op call: the per-call overhead of the timing loop itself.
    noop = lambda: None
    empty = np.empty(runs)
    for i in range(runs):
        t0 = clock()
        noop()
        empty[i] = clock() - t0
    us = times / 1000.0
    return {
        "model": path,
        "runtime": "litert-xnnpack",
        "runs": runs,
        "median_us": float(np.median(us)),
        "p10_us": float(np.percentile(us, 10)),
        "p90_us": float(np.percentile(us, 90)),
        "min_us": float(us.min()),
        "loop_overhead_us": float(np.median(empty) / 1000.0),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("models", nargs="+")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--oracle", default="../shared/oracle", help="directory of make_goldens.py (model patching)")
    a = ap.parse_args()
    for m in a.models:
        print(json.dumps(bench(m, a.runs, a.warmup, a.oracle)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
