#!/usr/bin/env python3
"""Writes the resize expectations DSCFlow's tests compare against (small text files).

- Tests/DSCFlowTests/Fixtures/pillow_nearest.txt: for several (in, out) size pairs, the source
  column and row indices Pillow's ``Image.resize(size, Image.NEAREST)`` reads. They are measured,
  not computed: an int32 image whose pixels hold their own column (or row) index is resized and
  read back. An RGB check asserts the resize is separable (each output = input[row[y]][col[x]]).
- Tests/DSCFlowTests/Fixtures/tf_bilinear.txt: ``tf.image.resize(img, (h, w), 'bilinear')``
  (TF2: half_pixel_centers=True, no antialias) of small deterministic images, float32 values.

    python3 tools/make_resize_expectations.py [--out Tests/DSCFlowTests/Fixtures]

Needs pillow, numpy and tensorflow (tools/requirements.txt).
"""
import argparse
import os

import numpy as np
from PIL import Image

NEAREST_PAIRS = [  # (in_w, in_h, out_w, out_h)
    (640, 360, 320, 160), (7, 5, 3, 4), (5, 3, 11, 7), (97, 61, 320, 160), (1920, 1080, 320, 160),
    (333, 1, 1000, 1), (1000, 3, 333, 2), (13, 13, 13, 13), (641, 359, 96, 96), (3, 7, 320, 160),
]
BILINEAR_PAIRS = [  # (in_w, in_h, channels, out_w, out_h)
    (7, 5, 1, 3, 4), (5, 3, 1, 11, 7), (13, 9, 3, 8, 6), (6, 4, 3, 6, 4), (31, 17, 3, 12, 9), (4, 6, 1, 9, 5),
]


def test_image(w, h, c):
    """The deterministic pattern the Swift tests rebuild (keep in sync with ResizeExpectations.swift)."""
    y, x, k = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing="ij")
    return ((x * 37 + y * 91 + k * 53 + (x * y) % 7 * 11) % 256).astype(np.uint8)


def nearest_indices(in_w, in_h, out_w, out_h):
    cols = np.tile(np.arange(in_w, dtype=np.int32), (in_h, 1))
    rows = np.tile(np.arange(in_h, dtype=np.int32)[:, None], (1, in_w))
    xs = np.array(Image.fromarray(cols, mode="I").resize((out_w, out_h), Image.NEAREST))[0]
    ys = np.array(Image.fromarray(rows, mode="I").resize((out_w, out_h), Image.NEAREST))[:, 0]
    rgb = test_image(in_w, in_h, 3)
    got = np.array(Image.fromarray(rgb, mode="RGB").resize((out_w, out_h), Image.NEAREST))
    assert (got == rgb[ys][:, xs]).all(), "Pillow NEAREST is not separable for this pair?"
    return xs, ys


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=os.path.join(here, "..", "Tests", "DSCFlowTests", "Fixtures"))
    a = p.parse_args()
    import PIL
    with open(os.path.join(a.out, "pillow_nearest.txt"), "w") as f:
        f.write(f"# Pillow {PIL.__version__} Image.resize(NEAREST) source indices; tools/make_resize_expectations.py\n")
        for in_w, in_h, out_w, out_h in NEAREST_PAIRS:
            xs, ys = nearest_indices(in_w, in_h, out_w, out_h)
            f.write(f"size {in_w} {in_h} {out_w} {out_h}\n")
            f.write("x " + " ".join(map(str, xs)) + "\n")
            f.write("y " + " ".join(map(str, ys)) + "\n")
    import tensorflow as tf
    with open(os.path.join(a.out, "tf_bilinear.txt"), "w") as f:
        f.write(f"# TensorFlow {tf.__version__} tf.image.resize(bilinear) float32 outputs (HWC order); "
                "tools/make_resize_expectations.py\n")
        for in_w, in_h, c, out_w, out_h in BILINEAR_PAIRS:
            img = test_image(in_w, in_h, c).astype(np.float32)
            out = tf.image.resize(img[None], (out_h, out_w), method="bilinear").numpy()[0]
            f.write(f"size {in_w} {in_h} {c} {out_w} {out_h}\n")
            f.write("v " + " ".join(repr(float(v)) for v in out.astype(np.float32).ravel()) + "\n")


if __name__ == "__main__":
    main()
