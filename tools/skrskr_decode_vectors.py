#!/usr/bin/env python3
"""Writes test vectors for DSCFlow's SkrSkr host decode (Tests/DSCFlowTests/Fixtures/skrskr/decode_vectors.txt).

An independent oracle: SkrSkr Deploy/run.py's compute_bounding_box as described in
../shared/skrskr/FACTS.md section 7, computed with numpy float32 storage. The numpy 1.x promotion of
the board (xmax = float32(float64(xmin) + width)) is spelled out explicitly so that the result does
not depend on the installed numpy version. exp is math.exp (the C library's), as on the board.

Each output line: xs ys ws hs flag x y -> x1 x2 y1 y2
"""
import math
import random
import sys

import numpy as np

ANCHORS = [1.4940052559648322, 2.3598481287086823, 4.0113013115312155, 5.760873975661669]
M = [52, 48, 28, 30, 124, 47, 52, 23, 23, 125]
QM = 131072.0


def sigmoid(t):
    return 1.0 / (1.0 + math.exp(-t))


def decode(w):
    xs, ys, ws, hs, flag, x, y = w
    if flag > 0:
        s = [M[5] / QM, M[6] / QM, M[7] / QM, M[8] / QM]
        aw, ah = ANCHORS[2], ANCHORS[3]
    else:
        s = [M[0] / QM, M[1] / QM, M[2] / QM, M[3] / QM]
        aw, ah = ANCHORS[0], ANCHORS[1]
    txf, tyf, twf, thf = xs * s[0], ys * s[1], ws * s[2], hs * s[3]
    bcx = (sigmoid(txf) + x) / 40.0
    bcy = (sigmoid(tyf) + y) / 20.0
    bw = math.exp(twf) * aw / 40.0
    bh = math.exp(thf) * ah / 20.0
    b = np.zeros(4, dtype=np.float32)
    b[0] = bcx - bw / 2
    b[1] = bcy - bh / 2
    b[2] = np.float32(np.float64(b[0]) + bw)
    b[3] = np.float32(np.float64(b[1]) + bh)
    x1 = round(b[0] * np.float32(640))
    y1 = round(b[1] * np.float32(360))
    x2 = round(b[2] * np.float32(640))
    y2 = round(b[3] * np.float32(360))
    clip = lambda v, hi: int(min(max(v, 1), hi))
    return clip(x1, 640), clip(x2, 640), clip(y1, 360), clip(y2, 360)


def variants(w):
    """The decode with the pitfalls of FACTS section 7 (float32 add, xmax = centre + w/2, float64 scaling)."""
    xs, ys, ws, hs, flag, x, y = w
    s = [m / QM for m in (M[5:9] if flag > 0 else M[0:4])]
    aw, ah = (ANCHORS[2], ANCHORS[3]) if flag > 0 else (ANCHORS[0], ANCHORS[1])
    bcx, bcy = (sigmoid(xs * s[0]) + x) / 40.0, (sigmoid(ys * s[1]) + y) / 20.0
    bw, bh = math.exp(ws * s[2]) * aw / 40.0, math.exp(hs * s[3]) * ah / 20.0
    b0, b1 = np.float32(bcx - bw / 2), np.float32(bcy - bh / 2)
    clip = lambda v, hi: int(min(max(v, 1), hi))
    px = lambda v, n: clip(round(v * np.float32(n)), n)
    f32add = (px(b0, 640), px(np.float32(b0 + np.float32(bw)), 640), px(b1, 360), px(np.float32(b1 + np.float32(bh)), 360))
    centre = (px(b0, 640), px(np.float32(bcx + bw / 2), 640), px(b1, 360), px(np.float32(bcy + bh / 2), 360))
    f64 = lambda v, n: clip(round(float(v) * n), n)
    b2, b3 = np.float32(np.float64(b0) + bw), np.float32(np.float64(b1) + bh)
    wide = (f64(b0, 640), f64(b2, 640), f64(b1, 360), f64(b3, 360))
    return [f32add, centre, wide]


def main():
    rng = random.Random(2020)
    lines = []
    # Words where a decode pitfall changes a pixel: the vectors that make the test able to fail.
    found = 0
    while found < 60:
        w = [rng.randint(-8000, 8000) for _ in range(4)] + [rng.randint(0, 1), rng.randint(0, 39), rng.randint(0, 19)]
        if any(v != decode(w) for v in variants(w)):
            lines.append(" ".join(map(str, w)) + " -> " + " ".join(map(str, decode(w))))
            found += 1
    for i in range(600):
        spread = [3000, 8000, 32767][i % 3]
        w = [rng.randint(-spread, spread) for _ in range(4)]
        w += [i % 2, rng.randint(0, 39), rng.randint(0, 19)]
        if i % 50 == 0:
            w[0:4] = [rng.choice([-32768, 32767, 0]) for _ in range(4)]
        lines.append(" ".join(map(str, w)) + " -> " + " ".join(map(str, decode(w))))
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/DSCFlowTests/Fixtures/skrskr/decode_vectors.txt"
    with open(out, "w") as f:
        f.write("# xs ys ws hs flag x y -> x1 x2 y1 y2  (tools/skrskr_decode_vectors.py; FACTS.md section 7)\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
