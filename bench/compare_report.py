#!/usr/bin/env python3
"""Reads the JSON lines bench/compare.sh collected and prints one row per model: the best median of
each runtime over the rounds, and the ratio DSCFlow / LiteRT (below 1: DSCFlow is faster). Where
LiteRT ran in more than one configuration (with and without AMX), its fastest one is the peer and
the others are listed."""
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
configs = {}
for r in rows:
    if not r["runtime"].startswith("dscflow"):
        c = configs.setdefault((r["model"], r["runtime"]), r)
        if r["median_us"] < c["median_us"]:
            configs[(r["model"], r["runtime"])] = r
print(f"{'model':26} {'DSCFlow µs':>11} {'LiteRT µs':>10} {'ratio':>7}  {'DSCFlow GMAC/s':>14}  kernels / LiteRT configuration")
worst = 0.0
for m in models:
    d, l = best[(m, "dscflow")], best[(m, "litert")]
    ratio = d["median_us"] / l["median_us"]
    worst = max(worst, ratio)
    others = [f"{k[1]} {c['median_us']:.1f}" for k, c in configs.items() if k[0] == m and k[1] != l["runtime"]]
    extra = f" (also {', '.join(others)})" if others else ""
    print(f"{m:26} {d['median_us']:11.1f} {l['median_us']:10.1f} {ratio:7.2f}  {d['macs'] / d['median_us'] / 1000:14.1f}  {d['runtime']} / {l['runtime']}{extra}")
print(f"(LiteRT: ai-edge-litert, XNNPACK delegate, num_threads=1; median of each runtime's best round; worst ratio {worst:.2f})")
