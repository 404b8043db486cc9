#!/usr/bin/env python3
"""DSCFlow vs ONNX Runtime (CPUExecutionProvider, default optimisation level, intra_op_num_threads=1) on
8-bit ONNX models, single thread, in one run.

Usage: python bench/onnx_compare.py [--runs 300] [--rounds 6] [--dscflow .build/release/dscflow]
                                    [--kernels auto] [--markdown]

The models are made here (tools/onnx_models.py, fixed seeds): MobileNetV1-style depthwise-separable nets
(alpha 0.25 at 96x96 like TFLM's person detector, alpha 0.5 at 128x128) and a residual DSC net, each
quantized by onnxruntime.quantization.quantize_static as QDQ uint8 per-channel, QOperator uint8 and QDQ
int8. Before timing, every model's output is checked to be the same bytes in both runtimes (a model whose
bytes differ is reported and not timed). Then, in --rounds rounds, the two runtimes alternate per model
(DSCFlow: `dscflow bench --runs N --json`, its median; ONNX Runtime: N timed `run` calls after 20 warm-up
runs, their median), and each runtime's best-round median is kept: the VM switches between fast and slow
states for seconds at a time, and the best round is each runtime's fast-state figure. The ratio is
DSCFlow / ONNX Runtime (below 1: DSCFlow is faster).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tools"))
import onnx_models as om  # noqa: E402


def mobilenet_v1(alpha, classes):
    c = lambda n: max(8, int(n * alpha))  # noqa: E731
    specs = [("conv", 3, 2, c(32), "relu6")]
    for cout, stride in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]:
        specs += [("dw", 3, stride, 1, "relu6"), ("pw", c(cout), "relu6")]
    return specs + [("gap",), ("flatten",), ("gemm", classes, 1), ("softmax",)]


def residual_dsc():
    specs = [("conv", 3, 2, 16, "relu6")]
    for ch, stride in [(24, 2), (32, 2), (48, 2), (64, 1)]:
        specs += [("dw", 3, stride, 1, "relu6"), ("pw", ch, "relu6"),
                  ("res", [("dw", 3, 1, 1, "relu6"), ("pw", ch, None)])]
    return specs + [("gap",), ("flatten",), ("gemm", 10, 1)]


NETS = [("mobilenet_v1_0.25_96", mobilenet_v1(0.25, 2), (3, 96, 96)),
        ("mobilenet_v1_0.5_128", mobilenet_v1(0.5, 10), (3, 128, 128)),
        ("residual_dsc_96", residual_dsc(), (3, 96, 96))]
FORMATS = [("qdq", "u8", True), ("qop", "u8", True), ("qdq", "s8", True)]


def ort_median(model, x, runs):
    s = om.session(model)
    name = s.get_inputs()[0].name
    for _ in range(20):
        s.run(None, {name: x})
    t = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        s.run(None, {name: x})
        t.append(time.perf_counter_ns() - t0)
    return float(np.median(t)) / 1000.0


def dscflow_median(binary, path, runs, kernels):
    r = subprocess.run([binary, "bench", path, "--runs", str(runs), "--kernels", kernels, "--json"],
                       capture_output=True, text=True, check=True)
    d = json.loads(r.stdout)
    return d["median_us"], d["kernels"]


def same_bytes(binary, path, model_bytes, x, tmp):
    want = b"".join(o.tobytes() for o in om.run_ort(model_bytes, x))
    inp, out = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
    x.tofile(inp)
    r = subprocess.run([binary, "run", path, "--input", inp, "--output", out], capture_output=True, text=True)
    if r.returncode != 0:
        return r.stderr.strip().splitlines()[-1]
    return None if open(out, "rb").read() == want else "output bytes differ"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--dscflow", default=os.path.join(REPO, ".build/release/dscflow"))
    ap.add_argument("--kernels", default="auto")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    a = ap.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import onnxruntime
    models = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (net, specs, (c, h, w)) in enumerate(NETS):
            fpath = os.path.join(tmp, net + "_float.onnx")
            onnx.save(om.build_float_model(specs, c, h, w, seed=500 + i), fpath)
            for fmt, act, pc in FORMATS:
                name = f"{net} {fmt} {act}{' pc' if pc else ''}"
                qpath = os.path.join(tmp, name.replace(" ", "_") + ".onnx")
                om.quantize(fpath, qpath, [1, c, h, w], fmt, act, pc, seed=600 + i)
                x = np.random.default_rng(7).normal(0, 1, (1, c, h, w)).astype(np.float32)
                model_bytes = open(qpath, "rb").read()
                problem = same_bytes(a.dscflow, qpath, model_bytes, x, tmp)
                if problem:
                    print(f"{name}: not timed ({problem})", file=sys.stderr)
                    continue
                macs = sum(op.get("macs", 0) for op in json.loads(subprocess.run(
                    [a.dscflow, "bench", qpath, "--runs", "1", "--json"], capture_output=True, text=True).stdout)["ops"])
                models.append((name, qpath, model_bytes, x, macs))
        best = {}
        kernels = "?"
        for r in range(a.rounds):
            for name, qpath, model_bytes, x, _ in models:
                d, kernels = dscflow_median(a.dscflow, qpath, a.runs, a.kernels)
                o = ort_median(model_bytes, x, a.runs)
                bd, bo = best.get(name, (float("inf"), float("inf")))
                best[name] = (min(bd, d), min(bo, o))
            print(f"round {r + 1}/{a.rounds} done", file=sys.stderr)
    head = f"DSCFlow ({kernels}) vs ONNX Runtime {onnxruntime.__version__} (intra_op_num_threads=1), best-of-{a.rounds} medians of {a.runs} runs, bytes checked equal"
    print(head)
    if a.markdown:
        print("\n| model | MACs | DSCFlow µs | ONNX Runtime µs | ratio |\n|---|---|---|---|---|")
    for name, _, _, _, macs in models:
        d, o = best[name]
        if a.markdown:
            print(f"| {name} | {macs:,} | {d:.1f} | {o:.1f} | {d / o:.2f} |")
        else:
            print(f"{name:38s} {macs:>12,} MACs  dscflow {d:9.1f} µs  onnxruntime {o:9.1f} µs  ratio {d / o:.2f}")


if __name__ == "__main__":
    main()
