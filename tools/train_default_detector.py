#!/usr/bin/env python3
"""Train DSCFlow's bundled default detector and export it as a fully-int8 .tflite.

A narrow SkyNet: depthwise-separable bundles (DW3x3+BN+ReLU6, PW1x1+BN+ReLU6), max pools
after bundles 1-3, a space-to-depth(2) bypass of bundle 3's 40x80 map concatenated with
bundle 5, one more bundle and a 1x1 head with 2 anchors x (tx, ty, tw, th, conf) on the
20x40 grid. Trained with TensorFlow/Keras on CPU (2 threads) on procedural scenes from
``synthetic_scenes.py``, then converted with int8 input/output and only integer builtin
ops, and the decode facts are written into the flatbuffer's Model.metadata.

    python tools/train_default_detector.py [--out models/dscflow_detector.tflite]
        [--train-images 24000] [--steps 1500] [--batch 32]

Seeds: training scenes 1, calibration scenes 2; the evaluation (eval_default_detector.py)
uses seed 3 and samples/ seed 4, so neither was seen in training.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import synthetic_scenes  # noqa: E402
import eval_default_detector as evaluation  # noqa: E402

H, W = 160, 320          # input (rows, columns)
GH, GW = 20, 40          # output grid (stride 8)
CHANNELS = (24, 48, 96, 128, 128, 64)  # bundles 1..6 (SkyNet: 48, 96, 192, 384, 512, 96)
TRAIN_SEED, CALIB_SEED = 1, 2
THREADS = 2
LOGIT_LIMIT = 6.0        # keep every head output within about +-6 (int8 output resolution)


# --------------------------------------------------------------------------------------
# Anchors: k-means on (w, h) in grid units with the 1 - IoU distance (YOLOv2)
# --------------------------------------------------------------------------------------

def shape_iou(wh: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    inter = np.minimum(wh[:, None, 0], anchors[None, :, 0]) * np.minimum(wh[:, None, 1], anchors[None, :, 1])
    return inter / (wh[:, None, 0] * wh[:, None, 1] + anchors[None, :, 0] * anchors[None, :, 1] - inter)


def kmeans_anchors(wh: np.ndarray, k: int = 2, iters: int = 100, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    best, best_fit = None, -1.0
    for _ in range(5):
        anchors = wh[rng.choice(len(wh), k, replace=False)].copy()
        for _ in range(iters):
            assign = np.argmax(shape_iou(wh, anchors), axis=1)
            new = np.array([wh[assign == j].mean(axis=0) if np.any(assign == j) else anchors[j]
                            for j in range(k)])
            if np.allclose(new, anchors):
                break
            anchors = new
        fit = shape_iou(wh, anchors).max(axis=1).mean()
        if fit > best_fit:
            best, best_fit = anchors, fit
    best = best[np.argsort(best[:, 0] * best[:, 1])]  # anchor 0 = the smaller, as in SkyNet
    return np.round(best, 4), best_fit


# --------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------

def build_model(tf, anchors_count: int = 2):
    L = tf.keras.layers

    def bundle(x, cout, i):
        x = L.DepthwiseConv2D(3, padding="same", use_bias=False, name=f"b{i}_dw")(x)
        x = L.BatchNormalization(name=f"b{i}_dw_bn")(x)
        x = L.ReLU(6.0, name=f"b{i}_dw_relu6")(x)
        x = L.Conv2D(cout, 1, use_bias=False, name=f"b{i}_pw")(x)
        x = L.BatchNormalization(name=f"b{i}_pw_bn")(x)
        return L.ReLU(6.0, name=f"b{i}_pw_relu6")(x)

    inp = L.Input((H, W, 3), name="image")
    x = L.MaxPooling2D(2, name="pool1")(bundle(inp, CHANNELS[0], 1))          # 80x160
    x = L.MaxPooling2D(2, name="pool2")(bundle(x, CHANNELS[1], 2))            # 40x80
    b3 = bundle(x, CHANNELS[2], 3)                                            # 40x80
    x = L.MaxPooling2D(2, name="pool3")(b3)                                   # 20x40
    x = bundle(x, CHANNELS[3], 4)
    x = bundle(x, CHANNELS[4], 5)
    reorg = L.Lambda(lambda t: tf.nn.space_to_depth(t, 2), name="reorg",
                     output_shape=(H // 8, W // 8, 4 * CHANNELS[2]))(b3)     # 20x40x(4*96)
    x = L.Concatenate(name="cat")([reorg, x])
    x = bundle(x, CHANNELS[5], 6)
    bias = np.zeros(5 * anchors_count, np.float32)
    bias[4::5] = -4.0  # conf prior ~ 1/55: most cells hold no object
    out = L.Conv2D(5 * anchors_count, 1, name="head",
                   bias_initializer=tf.keras.initializers.Constant(bias))(x)
    return tf.keras.Model(inp, out, name="dscflow_detector")


# --------------------------------------------------------------------------------------
# Loss: YOLO-style, one object per image, SkyNet's box parameterisation
# --------------------------------------------------------------------------------------

def make_loss(tf, anchors: np.ndarray):
    aw = tf.constant(anchors[:, 0], tf.float32)
    ah = tf.constant(anchors[:, 1], tf.float32)

    def loss_fn(pred, boxes):
        """pred (B, GH, GW, 10) logits; boxes (B, 4) pixels [xmin, xmax, ymin, ymax)."""
        b = tf.shape(pred)[0]
        p = tf.reshape(pred, (b, GH, GW, 2, 5))
        x0, x1, y0, y1 = tf.unstack(boxes, axis=1)
        cx = (x0 + x1) / 2 * (GW / W)
        cy = (y0 + y1) / 2 * (GH / H)
        bw = (x1 - x0) * (GW / W)
        bh = (y1 - y0) * (GH / H)
        gx = tf.clip_by_value(tf.floor(cx), 0, GW - 1)
        gy = tf.clip_by_value(tf.floor(cy), 0, GH - 1)
        inter = tf.minimum(bw[:, None], aw) * tf.minimum(bh[:, None], ah)
        siou = inter / (bw[:, None] * bh[:, None] + aw * ah - inter)
        a = tf.argmax(siou, axis=1, output_type=tf.int32)
        idx = tf.stack([tf.range(b), tf.cast(gy, tf.int32), tf.cast(gx, tf.int32), a], axis=1)
        r = tf.gather_nd(p, idx)                                    # (B, 5)
        a_w = tf.gather(aw, a)
        a_h = tf.gather(ah, a)

        # Coordinates of the responsible prediction.
        sx, sy = tf.sigmoid(r[:, 0]), tf.sigmoid(r[:, 1])
        tw_t, th_t = tf.math.log(bw / a_w), tf.math.log(bh / a_h)
        scale = 2.0 - (bw / GW) * (bh / GH)
        l_xy = scale * (tf.square(sx - (cx - gx)) + tf.square(sy - (cy - gy)))
        l_wh = scale * (tf.square(r[:, 2] - tw_t) + tf.square(r[:, 3] - th_t))
        pw = tf.exp(tf.clip_by_value(r[:, 2], -5.0, 5.0)) * a_w
        ph = tf.exp(tf.clip_by_value(r[:, 3], -5.0, 5.0)) * a_h
        px, py = sx + gx, sy + gy
        iw = tf.maximum(0.0, tf.minimum(px + pw / 2, cx + bw / 2) - tf.maximum(px - pw / 2, cx - bw / 2))
        ih = tf.maximum(0.0, tf.minimum(py + ph / 2, cy + bh / 2) - tf.maximum(py - ph / 2, cy - bh / 2))
        union = pw * ph + bw * bh - iw * ih
        iou = iw * ih / union
        cw = tf.maximum(px + pw / 2, cx + bw / 2) - tf.minimum(px - pw / 2, cx - bw / 2)
        chh = tf.maximum(py + ph / 2, cy + bh / 2) - tf.minimum(py - ph / 2, cy - bh / 2)
        giou = iou - (cw * chh - union) / (cw * chh)
        l_iou = 1.0 - giou

        # Confidence: 1 at the responsible (cell, anchor), 0 elsewhere.
        obj = tf.scatter_nd(idx, tf.ones([b]), (b, GH, GW, 2))
        bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=obj, logits=p[..., 4])
        l_obj = tf.reduce_sum(bce * obj, axis=[1, 2, 3])
        l_noobj = tf.reduce_sum(bce * (1.0 - obj), axis=[1, 2, 3])

        # Keep all outputs in a small range so the int8 output scale stays fine.
        l_range = tf.reduce_sum(tf.square(tf.nn.relu(tf.abs(pred) - LOGIT_LIMIT)), axis=[1, 2, 3])

        total = (5.0 * l_xy + 2.0 * l_wh + 2.0 * l_iou + 5.0 * l_obj + 1.0 * l_noobj
                 + 0.1 * l_range)
        parts = {"xy": l_xy, "wh": l_wh, "iou": iou, "obj": l_obj, "noobj": l_noobj,
                 "range": l_range}
        return tf.reduce_mean(total), {k: tf.reduce_mean(v) for k, v in parts.items()}

    return loss_fn


# --------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------

def augment(rng: np.random.Generator, images: np.ndarray, boxes: np.ndarray):
    """Random horizontal/vertical flips and colour-channel permutations (uint8, in place)."""
    boxes = boxes.astype(np.float32)
    n = len(images)
    hflip = rng.random(n) < 0.5
    vflip = rng.random(n) < 0.5
    images[hflip] = images[hflip, :, ::-1]
    images[vflip] = images[vflip, ::-1]
    boxes[hflip, 0], boxes[hflip, 1] = W - boxes[hflip, 1], W - boxes[hflip, 0]
    boxes[vflip, 2], boxes[vflip, 3] = H - boxes[vflip, 3], H - boxes[vflip, 2]
    for i in np.nonzero(rng.random(n) < 0.5)[0]:
        images[i] = images[i][..., rng.permutation(3)]
    return images, boxes


def train(args):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.keras.utils.set_random_seed(0)

    t_start = time.time()
    cache = args.cache and f"{args.cache}.{TRAIN_SEED}.{args.train_images}.npz"
    loaded = bool(cache and os.path.exists(cache))
    if loaded:
        with np.load(cache) as z:
            images, boxes = z["images"], z["boxes"]
    else:
        images, boxes = synthetic_scenes.make_scenes(TRAIN_SEED, 0, args.train_images, H, W,
                                                     workers=THREADS)
        if cache:
            np.savez(cache, images=images, boxes=boxes)
    t_data = time.time() - t_start
    print(f"{'loaded' if loaded else 'generated'} {len(images)} "
          f"training scenes in {t_data:.0f} s", flush=True)

    wh = np.stack([(boxes[:, 1] - boxes[:, 0]) * GW / W, (boxes[:, 3] - boxes[:, 2]) * GH / H], 1)
    anchors, fit = kmeans_anchors(wh.astype(np.float64))
    print(f"anchors (grid units, w,h): {anchors.tolist()}  mean best shape IoU {fit:.3f}",
          flush=True)

    model = build_model(tf)
    model.summary(print_fn=lambda s: print(s), line_length=100)
    loss_fn = make_loss(tf, anchors)
    steps = args.steps
    warmup = min(200, steps // 10)
    schedule = tf.keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=args.lr / 10, decay_steps=steps - warmup, alpha=0.01,
        warmup_target=args.lr, warmup_steps=warmup)
    opt = tf.keras.optimizers.Adam(schedule, clipnorm=10.0)

    @tf.function
    def train_step(x_u8, bx):
        x = tf.cast(x_u8, tf.float32) / 255.0
        with tf.GradientTape() as tape:
            pred = model(x, training=True)
            loss, parts = loss_fn(pred, bx)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss, parts

    rng = np.random.default_rng(0)
    order = rng.permutation(len(images))
    pos = 0
    t_train = time.time()
    running = None
    for step in range(1, steps + 1):
        if pos + args.batch > len(order):
            order, pos = rng.permutation(len(images)), 0
        idx = np.sort(order[pos:pos + args.batch])
        pos += args.batch
        xb, bb = augment(rng, images[idx], boxes[idx])
        loss, parts = train_step(xb, bb)
        vals = {"loss": float(loss), **{k: float(v) for k, v in parts.items()}}
        running = vals if running is None else {k: 0.95 * running[k] + 0.05 * v for k, v in vals.items()}
        if step % 50 == 0 or step == steps:
            el = time.time() - t_train
            print(f"step {step}/{steps} {el:.0f}s " +
                  " ".join(f"{k}={v:.3f}" for k, v in running.items()), flush=True)
    t_train = time.time() - t_train
    print(f"trained {steps} steps x {args.batch} in {t_train:.0f} s", flush=True)
    del images
    return tf, model, anchors, t_data, t_train


# --------------------------------------------------------------------------------------
# int8 conversion and metadata
# --------------------------------------------------------------------------------------

ALLOWED_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "SPACE_TO_DEPTH",
               "CONCATENATION", "PAD", "RESHAPE", "ADD", "AVERAGE_POOL_2D"}


def convert_int8(tf, model, calib_images: int) -> bytes:
    calib, _ = synthetic_scenes.make_scenes(CALIB_SEED, 0, calib_images, H, W, workers=THREADS)

    @tf.function(input_signature=[tf.TensorSpec([1, H, W, 3], tf.float32, name="image")])
    def serve(x):
        return model(x, training=False)

    def representative():
        for i in range(len(calib)):
            yield [calib[i:i + 1].astype(np.float32) / 255.0]

    # Freeze first: with Keras 3 variables the converter otherwise keeps them as
    # READ_VARIABLE ops (BN unfolded) and calibration fails.
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2)
    frozen = convert_variables_to_constants_v2(serve.get_concrete_function())
    conv = tf.lite.TFLiteConverter.from_concrete_functions([frozen])
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    return conv.convert()


def detection_metadata(anchors: np.ndarray) -> str:
    a = ",".join(repr(float(v)) for v in anchors.reshape(-1))
    return (f"head=skynet\nanchors={a}\ngrid={GW}x{GH}\nchannels=tx,ty,tw,th,conf\n"
            f"labels=object\n")


PREPROCESS_METADATA = f"color=rgb\nresize=bilinear\nrange=0,1\nsize={W}x{H}\n"


def add_metadata(model_bytes: bytes, entries: dict[str, str]) -> bytes:
    """Append Model.metadata entries (name -> UTF-8 text in a new Buffer) and re-pack."""
    import flatbuffers
    s = evaluation._schema()
    m = s.ModelT.InitFromObj(s.Model.GetRootAsModel(model_bytes, 0))
    if m.metadata is None:
        m.metadata = []
    m.metadata = [md for md in m.metadata if md.name.decode() not in entries]
    for name, text in entries.items():
        buf = s.BufferT()
        buf.data = np.frombuffer(text.encode("utf-8"), np.uint8).copy()
        m.buffers.append(buf)
        md = s.MetadataT()
        md.name = name
        md.buffer = len(m.buffers) - 1
        m.metadata.append(md)
    b = flatbuffers.Builder(len(model_bytes) + 4096)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(HERE, "..", "models", "dscflow_detector.tflite"))
    p.add_argument("--train-images", type=int, default=24000)
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--calib-images", type=int, default=300)
    p.add_argument("--eval-images", type=int, default=500)
    p.add_argument("--cache", default=None, metavar="PREFIX",
                   help="keep the generated training scenes in PREFIX.<seed>.<count>.npz "
                        "(uncompressed, ~150 KB per scene) and reuse them next time")
    p.add_argument("--keras-out", default=None, help="also save the float Keras model here")
    args = p.parse_args()

    t0 = time.time()
    tf, model, anchors, t_data, t_train = train(args)
    if args.keras_out:
        model.save(args.keras_out)
    tfl = convert_int8(tf, model, args.calib_images)
    tfl = add_metadata(tfl, {"dscflow.detection": detection_metadata(anchors),
                             "dscflow.preprocess": PREPROCESS_METADATA})
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(tfl)
    print(f"wrote {args.out}: {len(tfl)} bytes", flush=True)

    it = evaluation.make_interpreter(args.out)
    ops = evaluation.op_names(it)
    bad = (set(ops) | set(evaluation.model_op_codes(tfl))) - ALLOWED_OPS
    print(f"ops: {ops}")
    if bad:
        raise SystemExit(f"model uses ops outside the allowed set: {sorted(bad)}")
    for d in it.get_input_details() + it.get_output_details():
        if d["dtype"] != np.int8:
            raise SystemExit(f"tensor {d['name']} is {d['dtype']}, not int8")
    print("metadata:", evaluation.read_metadata(tfl))
    print(f"total time {time.time() - t0:.0f} s (data {t_data:.0f} s, training {t_train:.0f} s)")
    evaluation.evaluate(args.out, count=args.eval_images)


if __name__ == "__main__":
    main()
