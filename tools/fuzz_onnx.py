#!/usr/bin/env python3
"""Differential fuzzer: random depthwise-separable float models quantized by ONNX Runtime's own tool
(QDQ and QOperator, uint8 and int8 activations, per-tensor and per-channel weights), DSCFlow's CLI vs
ONNX Runtime's CPUExecutionProvider at its default optimisation level, on every kernel path.

Usage:
    python tools/fuzz_onnx.py                                  # 30 models, DSCFlow CLI found automatically
    python tools/fuzz_onnx.py --count 200 --seed 7 --dscflow .build/release/dscflow --keep /tmp/onnx-fail
    python tools/fuzz_onnx.py --first 17 --count 1 --seed 7    # exactly model 17 of seed 7 again

Requirements: tools/requirements.txt (onnx, onnxruntime, numpy).

Each model i (seeded by --seed and i) is a random plan: input C in 1..8, H, W in 8..32; 1 to 6 blocks (the
first a conv stem 4 times out of 5) from
    conv      k x k conv (k 1/3/5), stride 1/2
    dw        depthwise k 3/5, stride 1/2, channel multiplier 1/2
    pw        1x1 conv
    dsc       dw 3x3 (stride 1/2) + pw
    res       x + pw(dw(x)) (the residual Add; dw 3x3 or 5x5)
    concat    Concat(pw(x), pw(dw(x)))
    sum       pw(x) + pw(dw(x)), or pw(dw(x)) + pw(dw'(x)) with both dw at stride 1/2 (an Add of two branches)
    maxpool   k2 s2, k3 s1 pad 1, k3 s2 pad 1
    avgpool   k2 s2, k3 s1 pad 1 (count_include_pad 0/1)
    pad       a constant Pad
    resize    nearest Resize by scales (2, 0.5, 1.5, 0.75) or to random sizes, asymmetric/floor, half_pixel,
              align_corners, pytorch_half_pixel, asymmetric/ceil
with ReLU / ReLU6 (Clip) / no activation, then a head: none, GAP, GAP + Gemm, GAP + Gemm + Softmax,
Flatten + MatMul. The float model gets random weights, is calibrated on 8 random inputs and quantized by
onnxruntime.quantization.quantize_static in a random format, activation type and weight granularity.

With int8 activations a tensor read by two nodes (res, the two-dw sum) keeps its QDQ pair, so ONNX Runtime
runs the convs reading it in float: on its NCHWc kernels, or on MLAS's generic Conv (im2col + SGEMM) when
the channel count is not a multiple of 4; the line of a passed model says how many ran on the latter.

For each model and each of --inputs random float inputs, ONNX Runtime gives the graph's outputs, and
    DSCFLOW_KERNELS=<path> $DSCFLOW run MODEL --input IN.bin --output OUT.bin
must write the same bytes on every kernel path this CPU has (reference, portable, avx2, avxvnni,
avx512vnni). A model DSCFlow refuses (a group ONNX Runtime leaves in float that DSCFlow does not
reproduce) counts as unsupported, with its one-line reason; it is not a pass. One line per model, then
`N passed, M failed` (unsupported counted apart); exit status 1 on any failure. A failing model is kept
in --keep DIR/<model>/ (model.onnx, plan.txt, inputs, ONNX Runtime's and DSCFlow's outputs, stderr).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_models as om  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATHS = ["reference", "portable", "avx2", "avxvnni", "avx512vnni"]


def spatial(spec, hw):
    """The spatial size after one layer spec (the formulas of onnx_models._apply)."""
    kind = spec[0]
    if kind in ("conv", "dw"):
        k, stride = spec[1], spec[2]
        return tuple((d + 2 * (k // 2) - k) // stride + 1 for d in hw)
    if kind in ("maxpool", "avgpool"):
        k, stride, pad = spec[1], spec[2], spec[3]
        return tuple((d + 2 * pad - k) // stride + 1 for d in hw)
    if kind == "pad":
        return (hw[0] + spec[1] + spec[3], hw[1] + spec[2] + spec[4])
    if kind == "res":
        return hw
    if kind == "resize":
        return tuple(int(np.float32(spec[2]) * np.float32(d)) for d in hw) if spec[1] == "scales" else tuple(spec[2])
    if kind in ("concat", "sum"):
        for s in spec[1]:
            hw = spatial(s, hw)
        return hw
    return hw


def random_plan(rng):
    c = int(rng.integers(1, 9))
    h, w = int(rng.integers(8, 33)), int(rng.integers(8, 33))
    act = lambda: [None, "relu", "relu6"][int(rng.integers(0, 3))]  # noqa: E731
    specs = []
    channels, hw = c, (h, w)
    for b in range(int(rng.integers(1, 7))):
        kind = ["conv", "dw", "pw", "dsc", "res", "concat", "maxpool", "avgpool", "pad", "sum", "resize"][int(rng.integers(0, 11))]
        if b == 0 and rng.random() < 0.8:
            kind = "conv"  # a DSC net's stem (float pools before any conv stay float in ONNX Runtime's tool)
        stride = int(rng.choice([1, 2])) if min(hw) >= 6 else 1
        new = []
        if kind == "conv":
            cout = int(rng.integers(2, 25))
            new = [("conv", int(rng.choice([1, 3, 5])), stride, cout, act())]
            channels = cout
        elif kind == "dw":
            mult = int(rng.choice([1, 1, 2]))
            new = [("dw", int(rng.choice([3, 5])), stride, mult, act())]
            channels *= mult
        elif kind == "pw":
            cout = int(rng.integers(2, 33))
            new = [("pw", cout, act())]
            channels = cout
        elif kind == "dsc":
            cout = int(rng.integers(4, 33))
            new = [("dw", 3, stride, 1, act()), ("pw", cout, act())]
            channels = cout
        elif kind == "res":
            # int8 activations keep the residual's pair, so ONNX Runtime runs the dw in float (MLAS's generic
            # Conv when the channel count is not a multiple of 4)
            new = [("res", [("dw", int(rng.choice([3, 3, 5])), 1, 1, act()), ("pw", channels, None)])]
            if rng.random() < 0.5:
                new.append(("relu",))
        elif kind == "concat":
            a, b = int(rng.integers(2, 13)), int(rng.integers(2, 13))
            new = [("concat", [("pw", a, act())], [("dw", 3, 1, 1, act()), ("pw", b, act())])]
            channels = a + b
        elif kind == "sum":
            cout = int(rng.integers(2, 17))
            if rng.random() < 0.5:
                new = [("sum", [("pw", cout, act())], [("dw", 3, 1, 1, act()), ("pw", cout, act())])]
            else:  # two depthwise branches on one input (strides 1 or 2): float convs with int8 activations
                new = [("sum", [("dw", 3, stride, 1, act()), ("pw", cout, act())],
                        [("dw", int(rng.choice([3, 5])), stride, 1, act()), ("pw", cout, act())])]
            channels = cout
        elif kind == "maxpool" and min(hw) >= 4:
            new = [[("maxpool", 2, 2, 0), ("maxpool", 3, 1, 1), ("maxpool", 3, 2, 1)][int(rng.integers(0, 3))]]
        elif kind == "avgpool" and min(hw) >= 4:
            new = [[("avgpool", 2, 2, 0, 0), ("avgpool", 3, 1, 1, int(rng.integers(0, 2)))][int(rng.integers(0, 2))]]
        elif kind == "pad":
            new = [("pad", *[int(v) for v in rng.integers(0, 3, 4)])]
        elif kind == "resize":
            # nearest, as PyTorch exports it (asymmetric/floor) or in the other modes DSCFlow reproduces
            coord, nearest = [("asymmetric", "floor"), ("half_pixel", "round_prefer_floor"), ("align_corners", "floor"),
                              ("pytorch_half_pixel", "round_prefer_floor"), ("asymmetric", "ceil")][int(rng.integers(0, 5))]
            if rng.random() < 0.5 or max(hw) > 24:
                scale = float([2.0, 0.5, 1.5, 0.75][int(rng.integers(0, 4)) if max(hw) <= 24 else 1])
                if min(int(np.float32(scale) * np.float32(d)) for d in hw) >= 1:
                    new = [("resize", "scales", scale, coord, nearest)]
            else:
                new = [("resize", "sizes", (int(rng.integers(2, 33)), int(rng.integers(2, 33))), coord, nearest)]
        for s in new:
            hw = spatial(s, hw)
        specs += new
    head = int(rng.integers(0, 5))
    if head == 1:
        specs.append(("gap",))
    elif head == 2:
        specs += [("gap",), ("flatten",), ("gemm", int(rng.integers(2, 12)), int(rng.integers(0, 2)))]
    elif head == 3:
        specs += [("gap",), ("flatten",), ("gemm", int(rng.integers(2, 12)), 1), ("softmax",)]
    elif head == 4:
        specs += [("gap",), ("flatten",), ("matmul", int(rng.integers(2, 12)))]
    fmt = ["qdq", "qop"][int(rng.integers(0, 2))]
    activation = ["u8", "s8"][int(rng.integers(0, 2))]
    per_channel = bool(rng.integers(0, 2))
    return dict(specs=specs, c=c, h=h, w=w, fmt=fmt, act=activation, pc=per_channel)


def find_dscflow(explicit):
    for p in [explicit, os.environ.get("DSCFLOW"), os.path.join(REPO, ".build/release/dscflow"),
              os.path.join(REPO, ".build/debug/dscflow")]:
        if p and os.path.isfile(p):
            return p
    sys.exit("no dscflow CLI: build it (swift build -c release) or pass --dscflow")


def supported_paths(binary, model, x, tmp):
    """The kernel paths this CPU runs (a path it cannot run is refused by the CLI)."""
    ok = []
    for p in PATHS:
        r = run_dscflow(binary, model, x, tmp, p)
        if r[0] or "does not support it" not in r[1]:
            ok.append(p)
    return ok


def run_dscflow(binary, model, x, tmp, path):
    inp, out = os.path.join(tmp, "in.bin"), os.path.join(tmp, f"out-{path}.bin")
    x.tofile(inp)
    env = dict(os.environ, DSCFLOW_KERNELS=path)
    r = subprocess.run([binary, "run", model, "--input", inp, "--output", out], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return open(out, "rb").read(), r.stderr


def float_convs(binary, model):
    """How many of the model's convolutions run on MLAS's generic float Conv (`dscflow info`)."""
    r = subprocess.run([binary, "info", model], capture_output=True, text=True)
    return r.stdout.count("float generic/")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--inputs", type=int, default=2)
    ap.add_argument("--dscflow", metavar="PATH")
    ap.add_argument("--keep", metavar="DIR", default="onnx-fuzz-failures")
    a = ap.parse_args()
    binary = find_dscflow(a.dscflow)
    passed = failed = unsupported = generic = 0
    checked_paths = set()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.first, a.first + a.count):
            rng = np.random.default_rng([a.seed, i])
            plan = random_plan(rng)
            name = f"m{i:04d}-{plan['fmt']}-{plan['act']}{'-pc' if plan['pc'] else ''}"
            fpath, qpath = os.path.join(tmp, "float.onnx"), os.path.join(tmp, name + ".onnx")
            shape = [1, plan["c"], plan["h"], plan["w"]]
            try:
                onnx.save(om.build_float_model(plan["specs"], plan["c"], plan["h"], plan["w"], seed=int(rng.integers(1 << 30))), fpath)
                om.quantize(fpath, qpath, shape, plan["fmt"], plan["act"], plan["pc"], seed=int(rng.integers(1 << 30)))
            except Exception as e:  # a plan ONNX Runtime's tools refuse: not DSCFlow's concern
                print(f"{name}: skip (generator: {str(e).splitlines()[0][:100]})")
                continue
            model_bytes = open(qpath, "rb").read()
            problems, reason = [], None
            for k in range(a.inputs):
                x = (rng.normal(0, [1.0, 3.0][k % 2], shape)).astype(np.float32)
                want = b"".join(o.tobytes() for o in om.run_ort(model_bytes, x))
                paths = PATHS if checked_paths else supported_paths(binary, qpath, x, tmp)
                checked_paths.update(paths)
                for p in [p for p in PATHS if p in checked_paths]:
                    got, err = run_dscflow(binary, qpath, x, tmp, p)
                    if got is None:
                        reason = err.splitlines()[-1] if err else "no output"
                        break
                    if got != want:
                        problems.append(f"input {k} {p}: {sum(g != w for g, w in zip(got, want))} bytes differ")
                if reason:
                    break
            specs = " ".join(s[0] for s in plan["specs"])
            if reason and "unsupported" in reason and not problems:
                unsupported += 1
                print(f"{name}: unsupported [{specs}] {reason}")
            elif problems or reason:
                failed += 1
                print(f"{name}: FAIL [{specs}] {'; '.join(problems[:3]) or reason}")
                d = os.path.join(a.keep, name)
                os.makedirs(d, exist_ok=True)
                shutil.copy(qpath, os.path.join(d, "model.onnx"))
                with open(os.path.join(d, "plan.txt"), "w") as fh:
                    fh.write(repr(plan) + "\n" + "\n".join(problems) + "\n" + (reason or "") + "\n")
            else:
                passed += 1
                n = float_convs(binary, qpath)
                generic += n
                print(f"{name}: ok [{specs}] ({len(checked_paths)} kernel paths x {a.inputs} inputs"
                      f"{f', {n} on the generic float Conv' if n else ''})")
    print(f"unsupported: {unsupported} models (refused with a reason, not compared)")
    print(f"generic float convs (MLAS im2col + SGEMM) in passed models: {generic}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
