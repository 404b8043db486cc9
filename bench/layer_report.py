#!/usr/bin/env python3
"""GMAC/s per layer type over the shared models, from `dscflow bench --json` output files.

Usage: bench/layer_report.py BENCH.json...   (one file per model)
Groups: first-layer conv (≤ 4 input channels), pointwise conv (1×1), other conv (k×k), depthwise
(by kernel), fully connected; each row sums MACs and median times over all models' layers of that type.
"""
import json
import sys
from collections import defaultdict

groups = defaultdict(lambda: [0, 0.0, 0])
for path in sys.argv[1:]:
    d = json.load(open(path))
    for op in d["ops"]:
        if op["macs"] == 0:
            continue
        name = op["name"]
        if name == "CONV_2D":
            if op.get("input_channels", 99) <= 4:
                key = "conv, first layer (<= 4 input channels)"
            elif op.get("kernel") == "1x1":
                key = "conv 1x1 (pointwise)"
            else:
                key = f"conv {op.get('kernel')}"
        elif name == "DEPTHWISE_CONV_2D":
            key = f"depthwise {op.get('kernel')}"
        else:
            key = name.lower().replace("_", " ")
        g = groups[key]
        g[0] += op["macs"]
        g[1] += op["median_us"]
        g[2] += 1
print(f"{'layer type':42} {'layers':>6} {'MACs':>12} {'µs':>9} {'GMAC/s':>8}")
for key, (macs, us, n) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
    print(f"{key:42} {n:6d} {macs:12,d} {us:9.1f} {macs / us / 1000:8.1f}")
