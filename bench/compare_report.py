#!/usr/bin/env python3
"""Reads the JSON lines bench/compare.sh collected and prints one row per model: the best median of
each runtime over the rounds, and the ratio DSCFlow / LiteRT (below 1: DSCFlow is faster)."""
import json
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
models = []
best = {}
for r in rows:
    kind = "dscflow" if r["runtime"].startswith("dscflow") else "litert"
    key = (r["model"], kind)
    if r["model"] not in models:
        models.append(r["model"])
    if key not in best or r["median_us"] < best[key]["median_us"]:
        best[key] = r
print(f"{'model':26} {'DSCFlow µs':>11} {'LiteRT µs':>10} {'ratio':>7}  {'DSCFlow GMAC/s':>14}  kernels")
worst = 0.0
for m in models:
    d, l = best[(m, "dscflow")], best[(m, "litert")]
    ratio = d["median_us"] / l["median_us"]
    worst = max(worst, ratio)
    print(f"{m:26} {d['median_us']:11.1f} {l['median_us']:10.1f} {ratio:7.2f}  {d['macs'] / d['median_us'] / 1000:14.1f}  {d['runtime']}")
print(f"(LiteRT: ai-edge-litert, XNNPACK delegate, num_threads=1; median of each runtime's best round; worst ratio {worst:.2f})")
