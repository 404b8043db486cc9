#!/usr/bin/env python3
"""Evaluate DSCFlow's default detector (int8 .tflite) on held-out synthetic scenes.

Runs the fully-int8 model with the TFLite interpreter, decodes the box on the host in
numpy exactly like SkyNet's host code (see ``decode_skynet`` and models/README.md), and
reports the DAC-SDC mean IoU (width = x2 - x1, no +1).

    python tools/eval_default_detector.py [--model models/dscflow_detector.tflite]
        [--seed 3] [--count 500]

The decode facts (anchors, grid) are read from the model's own ``dscflow.detection``
metadata, so this also checks that the metadata is sufficient.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synthetic_scenes  # noqa: E402

HELD_OUT_SEED = 3  # the training set uses seed 1, calibration seed 2, samples/ seed 4
DEFAULT_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models",
                             "dscflow_detector.tflite")


# --------------------------------------------------------------------------------------
# Model metadata (flatbuffer Model.metadata -> Buffer.data, UTF-8 "key=value" lines)
# --------------------------------------------------------------------------------------

def _schema():
    try:
        from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as s
    except ImportError:  # pragma: no cover - depends on the installed packages
        try:
            from ai_edge_litert import schema_py_generated as s
        except ImportError:
            from tensorflow.lite.python import schema_py_generated as s
    return s


def read_metadata(model_bytes: bytes) -> dict[str, str]:
    """All Model.metadata entries whose buffer holds data, as name -> UTF-8 text."""
    s = _schema()
    model = s.Model.GetRootAsModel(model_bytes, 0)
    out = {}
    for i in range(model.MetadataLength()):
        m = model.Metadata(i)
        buf = model.Buffers(m.Buffer())
        if buf.DataLength() == 0:
            continue
        data = buf.DataAsNumpy().tobytes()
        try:
            out[m.Name().decode()] = data.decode("utf-8")
        except UnicodeDecodeError:
            pass  # binary metadata (e.g. the converter's own): not ours
    return out


def parse_key_values(text: str) -> dict[str, str]:
    kv = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            k, _, v = line.partition("=")
            kv[k.strip()] = v.strip()
    return kv


def detection_facts(model_bytes: bytes):
    """(anchors [(w, h), (w, h)], grid_w, grid_h) from the dscflow.detection metadata."""
    kv = parse_key_values(read_metadata(model_bytes)["dscflow.detection"])
    assert kv["head"] == "skynet", kv
    assert kv["channels"] == "tx,ty,tw,th,conf", kv
    a = [float(v) for v in kv["anchors"].split(",")]
    gw, gh = (int(v) for v in kv["grid"].split("x"))
    return [(a[0], a[1]), (a[2], a[3])], gw, gh


# --------------------------------------------------------------------------------------
# SkyNet host decode
# --------------------------------------------------------------------------------------

def _sigmoid(t: float) -> float:
    return 1.0 / (1.0 + np.exp(-np.float64(t)))


def decode_skynet(q: np.ndarray, scale: float, zero_point: int, anchors, image_w: int,
                  image_h: int):
    """Box ``[x1, x2, y1, y2]`` in pixels from the int8 head output ``q`` (GH, GW, 10).

    Follows SkyNet's host code (Compute_BBOX + Deploy/run.py ``compute_bounding_box``):
    1. per anchor a, argmax of channel 5a+4 over the grid, raster order (y outer, x inner),
       ties keep the first position (numpy's argmax on the row-major array does this);
    2. anchor 1 wins only if its dequantized conf is strictly greater (ties -> anchor 0);
    3. t = (q - zero_point) * scale in float64 for tx, ty, tw, th of that anchor and cell;
    4. bcx = (sigmoid(tx) + x)/GW, bcy = (sigmoid(ty) + y)/GH,
       bw = exp(tw)*anchor_w/GW, bh = exp(th)*anchor_h/GH  (float64);
    5. b0 = f32(bcx - bw/2), b1 = f32(bcy - bh/2), b2 = f32(b0 + bw), b3 = f32(b1 + bh)
       (the sums in float64 from the float32 b0/b1, i.e. the numpy 1.x rule);
    6. pixels: round-half-even of the float32 products b·W / b·H, then clip x to
       [1, W] and y to [1, H] (SkyNet's clip, with W×H the image size).
    Returns (box, anchor, x, y).
    """
    gh, gw, c = q.shape
    assert c == 10, q.shape
    q = q.astype(np.int64)
    best = []
    for a in range(2):
        flat = int(np.argmax(q[:, :, 5 * a + 4]))
        y, x = divmod(flat, gw)
        conf = (np.float64(q[y, x, 5 * a + 4]) - zero_point) * np.float64(scale)
        best.append((conf, y, x))
    a = 1 if best[1][0] > best[0][0] else 0
    _, y, x = best[a]
    tx, ty, tw, th = ((np.float64(q[y, x, 5 * a + k]) - zero_point) * np.float64(scale)
                      for k in range(4))
    aw, ah = anchors[a]
    bcx = (_sigmoid(tx) + x) / gw
    bcy = (_sigmoid(ty) + y) / gh
    bw = np.exp(tw) * aw / gw
    bh = np.exp(th) * ah / gh
    b0 = np.float32(bcx - bw / 2)
    b1 = np.float32(bcy - bh / 2)
    b2 = np.float32(np.float64(b0) + bw)
    b3 = np.float32(np.float64(b1) + bh)
    fw, fh = np.float32(image_w), np.float32(image_h)
    x1 = int(np.clip(round(float(b0 * fw)), 1, image_w))
    y1 = int(np.clip(round(float(b1 * fh)), 1, image_h))
    x2 = int(np.clip(round(float(b2 * fw)), 1, image_w))
    y2 = int(np.clip(round(float(b3 * fh)), 1, image_h))
    return [x1, x2, y1, y2], a, x, y


def iou_dacsdc(p, g) -> float:
    """IoU of [x1, x2, y1, y2] boxes, DAC-SDC convention (width = x2 - x1, no +1)."""
    iw = max(0, min(p[1], g[1]) - max(p[0], g[0]))
    ih = max(0, min(p[3], g[3]) - max(p[2], g[2]))
    inter = iw * ih
    union = (p[1] - p[0]) * (p[3] - p[2]) + (g[1] - g[0]) * (g[3] - g[2]) - inter
    return inter / union if union > 0 else 0.0


# --------------------------------------------------------------------------------------
# Running the int8 model
# --------------------------------------------------------------------------------------

def make_interpreter(model_path: str, reference: bool = True):
    """A TFLite interpreter without delegates; ``reference`` selects the reference kernels.

    The reference kernels are the arithmetic DSCFlow reproduces (oracle/ARITHMETIC.md);
    the optimized builtin kernels give the same bytes for these int8 ops, faster.
    """
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
    except ImportError:  # pragma: no cover
        import tensorflow as tf
        Interpreter, OpResolverType = tf.lite.Interpreter, tf.lite.experimental.OpResolverType
    kind = (OpResolverType.BUILTIN_REF if reference
            else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    it = Interpreter(model_path=model_path, num_threads=1, experimental_op_resolver_type=kind)
    it.allocate_tensors()
    return it


def op_names(interpreter) -> list[str]:
    return sorted({d["op_name"] for d in interpreter._get_ops_details()})


def model_op_codes(model_bytes: bytes) -> list[str]:
    """Builtin operator names used by the flatbuffer's operators (all subgraphs)."""
    s = _schema()
    names = {v: k for k, v in vars(s.BuiltinOperator).items() if not k.startswith("_")}
    model = s.Model.GetRootAsModel(model_bytes, 0)
    used = set()
    for g in range(model.SubgraphsLength()):
        sg = model.Subgraphs(g)
        for i in range(sg.OperatorsLength()):
            oc = model.OperatorCodes(sg.Operators(i).OpcodeIndex())
            used.add(names[max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())])
    return sorted(used)


class Int8Detector:
    """The .tflite model plus its decode facts; ``detect(uint8 HxWx3 RGB 160x320)``."""

    def __init__(self, model_path: str = DEFAULT_MODEL, reference: bool = True):
        with open(model_path, "rb") as f:
            self.model_bytes = f.read()
        self.anchors, self.grid_w, self.grid_h = detection_facts(self.model_bytes)
        self.it = make_interpreter(model_path, reference)
        inp = self.it.get_input_details()[0]
        out = self.it.get_output_details()[0]
        assert inp["dtype"] == np.int8 and out["dtype"] == np.int8
        self.in_index, self.out_index = inp["index"], out["index"]
        self.in_scale, self.in_zp = inp["quantization"]
        self.out_scale, self.out_zp = out["quantization"]
        self.in_shape = tuple(inp["shape"])

    def quantize_input(self, image: np.ndarray) -> np.ndarray:
        """uint8 RGB -> int8 input: round((pixel/255)/scale) + zero_point, saturated."""
        x = image.astype(np.float64) / 255.0
        q = np.round(x / self.in_scale) + self.in_zp
        return np.clip(q, -128, 127).astype(np.int8)[None]

    def raw(self, image: np.ndarray) -> np.ndarray:
        self.it.set_tensor(self.in_index, self.quantize_input(image))
        self.it.invoke()
        return self.it.get_tensor(self.out_index)[0].copy()

    def detect(self, image: np.ndarray):
        h, w = image.shape[:2]
        return decode_skynet(self.raw(image), self.out_scale, self.out_zp, self.anchors, w, h)


def evaluate(model_path: str = DEFAULT_MODEL, seed: int = HELD_OUT_SEED, count: int = 500,
             verbose: bool = True, reference: bool = True) -> float:
    det = Int8Detector(model_path, reference)
    if verbose:
        print(f"model: {model_path} ({len(det.model_bytes)} bytes)")
        print(f"ops (flatbuffer): {', '.join(model_op_codes(det.model_bytes))}")
        print(f"ops (interpreter): {', '.join(op_names(det.it))}")
        print(f"input  scale={det.in_scale!r} zero_point={det.in_zp}")
        print(f"output scale={det.out_scale!r} zero_point={det.out_zp}")
        print(f"anchors: {det.anchors}")
    ious = []
    for i in range(count):
        image, (x0, x1, y0, y1) = synthetic_scenes.make_scene(seed, i)
        box, _, _, _ = det.detect(image)
        ious.append(iou_dacsdc(box, [x0, x1, y0, y1]))
    ious = np.array(ious)
    if verbose:
        print(f"held-out seed {seed}, {count} images: mean IoU {ious.mean():.4f}, "
              f"median {np.median(ious):.4f}, IoU>=0.5: {np.mean(ious >= 0.5):.3f}, "
              f"IoU==0: {np.mean(ious == 0):.3f}")
    return float(ious.mean())


def write_samples(out_dir: str, model_path: str = DEFAULT_MODEL, seed: int = 4,
                  count: int = 6) -> None:
    """Write held-out sample scenes (320x160 PNG) with their ground truth and the boxes this
    decode expects from the int8 model (reference kernels).

    Files: ``ground_truth.txt`` and ``expected_boxes.txt`` (DAC-SDC format
    ``NAME.png [xmin, xmax, ymin, ymax]``) and ``expected_decode.txt`` (the chosen anchor, grid
    cell and raw int8 tx, ty, tw, th, conf per image, to debug a decoder against).
    """
    from PIL import Image
    det = Int8Detector(model_path, reference=True)
    os.makedirs(out_dir, exist_ok=True)
    gt, exp, raw = [], [], []
    for i in range(count):
        image, (x0, x1, y0, y1) = synthetic_scenes.make_scene(seed, i)
        name = f"{i:05d}.png"
        Image.fromarray(image, "RGB").save(os.path.join(out_dir, name))
        q = det.raw(image)
        box, a, x, y = decode_skynet(q, det.out_scale, det.out_zp, det.anchors,
                                     image.shape[1], image.shape[0])
        gt.append(f"{name} [{x0}, {x1}, {y0}, {y1}]\n")
        exp.append(f"{name} [{box[0]}, {box[1]}, {box[2]}, {box[3]}]\n")
        vals = ", ".join(str(int(v)) for v in q[y, x, 5 * a:5 * a + 5])
        raw.append(f"{name} anchor={a} x={x} y={y} int8[tx, ty, tw, th, conf]=[{vals}] "
                   f"iou={iou_dacsdc(box, [x0, x1, y0, y1]):.4f}\n")
    for fname, lines in (("ground_truth.txt", gt), ("expected_boxes.txt", exp),
                         ("expected_decode.txt", raw)):
        with open(os.path.join(out_dir, fname), "w") as f:
            f.writelines(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=DEFAULT_MODEL)
    p.add_argument("--seed", type=int, default=HELD_OUT_SEED)
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--optimized", action="store_true",
                   help="use the optimized builtin kernels instead of the reference ones")
    p.add_argument("--write-samples", metavar="DIR", default=None,
                   help="instead of evaluating, write 6 sample scenes (seed 4) and their "
                        "expected boxes to DIR")
    a = p.parse_args()
    if a.write_samples:
        write_samples(a.write_samples, a.model)
        return
    evaluate(a.model, a.seed, a.count, reference=not a.optimized)


if __name__ == "__main__":
    main()
