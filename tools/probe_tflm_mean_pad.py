#!/usr/bin/env python3
"""Experiments behind tools/NOTES-tflm.md: which int8 arithmetic TFLite Micro uses for MEAN and PAD.

Usage:
    python tools/probe_tflm_mean_pad.py [--trials N] [--seed S]

MEAN: converts one-op models (input -> tf.reduce_mean) for several axes / keep_dims / shapes, then patches
the output tensor's scale and zero point in the flatbuffer to get four quantization variants (same scale and
zero point as the input; other scale; same scale but other zero point; other scale, same zero point). Each is
run by TFLM on N random inputs plus the two extreme inputs and compared with NumPy versions of the candidate
formulas:
    quantized  QuantizedMeanOrSum: MBQM(sum - zp_in*n, M', S') + zp_out, with M' = (M << k) / n, S' = S - k,
               k = min(63 - clz64(n), 32, 31 + S)                       (oracle/ARITHMETIC.md)
    truncdiv   raw sum / n with C division (truncation toward zero), no zero points, no rescaling
               (reference_ops::Mean<T, U>)
    intmean    MBQM(sum - zp_in*n, M, S), then rounding division by n, + zp_out (reference_integer_ops::Mean)
    float      round_half_away(s_in/s_out * (sum/n - zp_in)) + zp_out
LiteRT's BUILTIN_REF kernels are run too, for comparison.

PAD: converts input -> ZeroPadding2D and input -> tf.pad(constant_values=c) (PADV2) models, patches the output
zero point / scale, and reports which value TFLM writes into the new cells and whether it copies the interior.

Prints a report; NOTES-tflm.md summarises one run (seed 1, 200 trials).
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_oracle as oracle  # noqa: E402

import numpy as np  # noqa: E402
from ai_edge_litert import schema_py_generated as schema  # noqa: E402


# --- TFLite integer arithmetic (oracle/ARITHMETIC.md), in Python ints --------------------------------

def quantize_multiplier(d):
    if d == 0:
        return 0, 0
    import math
    q, shift = math.frexp(d)
    m = int(math.floor(abs(q) * (1 << 31) + 0.5)) * (1 if q >= 0 else -1)
    if m == 1 << 31:
        m //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return m, shift


def srdhm(a, b):
    if a == b == -(1 << 31):
        return (1 << 31) - 1
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    v = ab + nudge
    return int(v / (1 << 31)) if abs(v) < (1 << 52) else (abs(v) >> 31) * (1 if v >= 0 else -1)


def rdbpot(x, e):
    mask = (1 << e) - 1
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if (x & mask) > thr else 0)


def mbqm(x, m, s):
    left = max(s, 0)
    right = max(-s, 0)
    return rdbpot(srdhm(x * (1 << left), m), right)


def cdiv(a, b):
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def clz64(n):
    return 64 - n.bit_length()


def mean_candidates(sums, n, s_in, zp_in, s_out, zp_out):
    m, s = quantize_multiplier(float(np.float64(np.float32(s_in))) / float(np.float64(np.float32(s_out))))
    k = min(63 - clz64(n), 32, 31 + s)
    m2, s2 = ((m << k) // n), s - k
    out = {}
    clamp = lambda v: max(-128, min(127, v))  # noqa: E731
    out['quantized'] = [clamp(mbqm(int(t) - zp_in * n, m2, s2) + zp_out) for t in sums]
    out['truncdiv'] = [clamp(cdiv(int(t), n)) for t in sums]

    def intmean(t):
        acc = mbqm(int(t) - zp_in * n, m, s)
        acc = cdiv(acc + n // 2, n) if acc > 0 else cdiv(acc - n // 2, n)
        return clamp(acc + zp_out)
    out['intmean'] = [intmean(t) for t in sums]

    def fl(t):
        v = float(np.float32(s_in)) / float(np.float32(s_out)) * (int(t) / n - zp_in)
        return clamp(int(np.sign(v) * np.floor(abs(v) + 0.5)) + zp_out)
    out['float'] = [fl(t) for t in sums]
    return out


# --- flatbuffer patching ------------------------------------------------------------------------------

def patch_quantization(model_bytes, tensor_index, scale=None, zero_point=None):
    """Overwrite a tensor's (single) scale and/or zero point in place in a copy of the flatbuffer."""
    buf = bytearray(model_bytes)
    m = schema.Model.GetRootAs(buf, 0)
    t = m.Subgraphs(0).Tensors(tensor_index)
    q = t.Quantization()
    if scale is not None:
        pos = q._tab.Vector(q._tab.Offset(8))          # QuantizationParameters.scale (field 2)
        buf[pos:pos + 4] = struct.pack('<f', scale)
    if zero_point is not None:
        pos = q._tab.Vector(q._tab.Offset(10))         # QuantizationParameters.zero_point (field 3)
        buf[pos:pos + 8] = struct.pack('<q', zero_point)
    return bytes(buf)


def patch_int8_buffer(model_bytes, tensor_index, value):
    """Overwrite the (single-element) int8 constant data of a tensor."""
    buf = bytearray(model_bytes)
    m = schema.Model.GetRootAs(buf, 0)
    t = m.Subgraphs(0).Tensors(tensor_index)
    b = m.Buffers(t.Buffer())
    pos = b._tab.Vector(b._tab.Offset(4))              # Buffer.data (field 0)
    buf[pos:pos + 1] = struct.pack('<b', value)
    return bytes(buf)


# --- model building -----------------------------------------------------------------------------------

def one_op_model(shape, layer_fn, rng, input_range=(-1.0, 1.0)):
    keras = oracle.keras()
    keras.backend.clear_session()
    inp = keras.Input(shape=shape[1:], batch_size=1)
    km = keras.Model(inp, layer_fn(inp))
    return oracle.convert_int8(km, shape, rng, input_range)


def tf_layer(fn):
    keras = oracle.keras()

    class Wrap(keras.layers.Layer):
        def call(self, x):
            return fn(x)
    return Wrap()


def try_tflm(model, x):
    """(TFLM output, None) or (None, TFLM's first error line)."""
    with oracle.quiet() as log:
        try:
            return oracle.run_tflm(model, x)[1], None
        except RuntimeError:
            lines = [ln for ln in log.text().splitlines() if ln.strip()]
            return None, (lines[0] if lines else 'error')


def run_all(model_bytes, xs):
    model = oracle.TFLiteModel(model_bytes)
    t_out, r_out = [], []
    for x in xs:
        _, o = oracle.run_tflm(model, x)
        t_out.append(o)
        try:
            _, r = oracle.run_litert_ref(model, x)
        except Exception:       # noqa: BLE001 - LiteRT may refuse a patched model
            r = None
        r_out.append(r)
    return model, t_out, r_out


def probe_mean(trials, rng):
    tf = oracle.tensorflow()
    configs = [
        ('axes [1,2] keep_dims=False', (1, 7, 7, 5), [1, 2], False),
        ('axes [1,2] keep_dims=True', (1, 7, 7, 5), [1, 2], True),
        ('axes [1,2] keep_dims=False, n=30', (1, 5, 6, 4), [1, 2], False),
        ('axes [1,2] keep_dims=True, n=30', (1, 5, 6, 4), [1, 2], True),
        ('axis [1] keep_dims=False', (1, 5, 6, 4), [1], False),
        ('axis [2] keep_dims=True', (1, 6, 9, 3), [2], True),
        ('axis [3] keep_dims=True', (1, 4, 4, 6), [3], True),
    ]
    print('== MEAN: rows = quantization variant; counts = outputs that differ from TFLM (of all outputs)')
    for title, shape, axes, keep in configs:
        base = one_op_model(shape, lambda x: tf_layer(lambda v: tf.reduce_mean(v, axis=axes, keepdims=keep))(x),
                            rng)
        model = oracle.TFLiteModel(base)
        ops = [op.name for op in model.ops]
        tin, tout = model.input, model.tensors[model.outputs[0]]
        s_in, zp_in = tin.scales[0], tin.zero_points[0]
        print(f'-- {title}: input {shape}, ops {ops}, converter output quantization '
              f'{"same as input" if (tout.scales[0], tout.zero_points[0]) == (s_in, zp_in) else "different"} '
              f'(in {s_in:.6g}/{zp_in}, out {tout.scales[0]:.6g}/{tout.zero_points[0]})')
        variants = [('same scale, same zp', s_in, zp_in), ('other scale, other zp', s_in * 0.61, zp_in + 7),
                    ('same scale, other zp', s_in, zp_in + 7), ('other scale, same zp', s_in * 1.37, zp_in)]
        xs = [rng.integers(-128, 128, size=shape).astype(np.int8) for _ in range(trials)]
        xs += [np.full(shape, -128, np.int8), np.full(shape, 127, np.int8)]
        n = int(np.prod([shape[a] for a in axes]))
        for vname, s_out, zp_out in variants:
            mb = patch_quantization(base, model.outputs[0], s_out, zp_out)
            m2, t_out, r_out = run_all(mb, xs)
            s_out32 = m2.tensors[m2.outputs[0]].scales[0]
            bad = {k: 0 for k in ('quantized', 'truncdiv', 'intmean', 'float')}
            lr_bad = 0
            total = 0
            for x, t, r in zip(xs, t_out, r_out):
                sums = x.astype(np.int64).sum(axis=tuple(axes), keepdims=keep).ravel()
                cand = mean_candidates(sums, n, s_in, zp_in, s_out32, zp_out)
                got = t.ravel().astype(int).tolist()
                total += len(got)
                for k in bad:
                    bad[k] += sum(1 for a, b in zip(cand[k], got) if a != b)
                lr_bad += len(got) if r is None else int((r.ravel() != t.ravel()).sum())
            print(f'   {vname:24s} ' + '  '.join(f'{k} {v}/{total}' for k, v in bad.items()) +
                  f'  | LiteRT BUILTIN_REF differs in {lr_bad}/{total}')


def probe_pad(rng):
    tf = oracle.tensorflow()
    keras = oracle.keras()
    print('\n== PAD')
    shape = (1, 4, 5, 3)
    x = rng.integers(-128, 128, size=shape).astype(np.int8)
    for title, fn, rngi in [
        ('ZeroPadding2D((1,2),(0,1)), input range [-1,1]', lambda v: keras.layers.ZeroPadding2D(((1, 2), (0, 1)))(v),
         (-1.0, 1.0)),
        ('ZeroPadding2D((1,2),(0,1)), input range [0,1]', lambda v: keras.layers.ZeroPadding2D(((1, 2), (0, 1)))(v),
         (0.0, 1.0)),
        ('tf.pad constant_values=0.5', lambda v: tf_layer(lambda u: tf.pad(u, [[0, 0], [1, 2], [0, 1], [0, 0]],
                                                                             constant_values=0.5))(v), (-1.0, 1.0)),
    ]:
        base = one_op_model(shape, fn, rng, rngi)
        model = oracle.TFLiteModel(base)
        op = model.ops[0]
        tin, tout = model.input, model.tensors[model.outputs[0]]
        extra = ''
        if op.name == 'PADV2':
            c = model.tensors[op.inputs[2]]
            extra = f', constant tensor {c.data.ravel().tolist()} (scale {c.scales[0]:.6g}, zp {c.zero_points[0]})'
        print(f'-- {title}: ops {[o.name for o in model.ops]}, input {tin.scales[0]:.6g}/{tin.zero_points[0]}, '
              f'output {tout.scales[0]:.6g}/{tout.zero_points[0]}{extra}')
        variants = [('as converted', None, None), ('output zp + 5', None, tout.zero_points[0] + 5),
                    ('output scale x 2', tout.scales[0] * 2, None)]
        for vname, sc, zp in variants:
            mb = patch_quantization(base, model.outputs[0], sc, zp)
            m2 = oracle.TFLiteModel(mb)
            t, err = try_tflm(m2, x)
            if err:
                print(f'   {vname:18s} TFLM refuses: {err}')
                continue
            try:
                _, r = oracle.run_litert_ref(m2, x)
                lr = 'LiteRT REF same' if np.array_equal(r, t) else 'LiteRT REF differs'
            except Exception as e:  # noqa: BLE001
                lr = f'LiteRT refuses ({str(e).splitlines()[0][:60]})'
            p = op.inputs[1]
            pads = model.tensors[p].data
            inner = t[:, pads[1][0]:pads[1][0] + shape[1], pads[2][0]:pads[2][0] + shape[2], :]
            mask = np.ones(t.shape, bool)
            mask[:, pads[1][0]:pads[1][0] + shape[1], pads[2][0]:pads[2][0] + shape[2], :] = False
            border = sorted(set(t[mask].tolist()))
            print(f'   {vname:18s} new cells = {border}, interior copied unchanged: {np.array_equal(inner, x)}; {lr}')
        if op.name == 'PADV2':
            c = op.inputs[2]
            mb = patch_int8_buffer(base, c, -77)
            _, t = oracle.run_tflm(oracle.TFLiteModel(mb), x)
            print(f'   constant data patched to -77: new cells = {sorted(set(t[mask].tolist()))}')
            mb = patch_quantization(base, c, model.tensors[c].scales[0] * 3, None)
            t, err = try_tflm(oracle.TFLiteModel(mb), x)
            print(f'   constant scale x 3: ' + (f'TFLM refuses: {err}' if err else
                                                 f'new cells = {sorted(set(t[mask].tolist()))}'))


def probe_converter(rng):
    keras = oracle.keras()
    L = keras.layers
    print('\n== What the converter emits')
    cases = [
        ('GlobalAveragePooling2D()', (1, 6, 6, 4), lambda x: L.GlobalAveragePooling2D()(L.Conv2D(4, 1)(x))),
        ('GlobalAveragePooling2D(keepdims=True)', (1, 6, 6, 4),
         lambda x: L.GlobalAveragePooling2D(keepdims=True)(L.Conv2D(4, 1)(x))),
        ('ZeroPadding2D(1) + Conv2D 3x3 VALID', (1, 6, 6, 3), lambda x: L.Conv2D(4, 3)(L.ZeroPadding2D(1)(x))),
        ('ZeroPadding2D(((0,1),(0,1))) + DW 3x3 VALID s2 (even input)', (1, 6, 6, 3),
         lambda x: L.DepthwiseConv2D(3, strides=2)(L.ZeroPadding2D(((0, 1), (0, 1)))(x))),
        ('ZeroPadding2D(((0,1),(0,1))) + DW 3x3 VALID s2 (odd input)', (1, 7, 7, 3),
         lambda x: L.DepthwiseConv2D(3, strides=2)(L.ZeroPadding2D(((0, 1), (0, 1)))(x))),
        ('ZeroPadding2D(((1,2),(0,1))) + Conv2D 3x3 VALID', (1, 6, 6, 3),
         lambda x: L.Conv2D(4, 3)(L.ZeroPadding2D(((1, 2), (0, 1)))(x))),
        ('ZeroPadding2D(1) + MaxPooling2D(2)', (1, 6, 6, 3), lambda x: L.MaxPooling2D(2)(L.ZeroPadding2D(1)(x))),
        ('Conv2D + ReLU layer + Concatenate with a linear conv', (1, 6, 6, 3),
         lambda x: L.Concatenate()([L.ReLU()(L.Conv2D(4, 1)(x)), L.Conv2D(4, 1)(x)])),
    ]
    for title, shape, fn in cases:
        keras.backend.clear_session()
        inp = keras.Input(shape=shape[1:], batch_size=1)
        km = keras.Model(inp, fn(inp))
        oracle.randomize_weights(km, rng)
        model = oracle.TFLiteModel(oracle.convert_int8(km, shape, rng))
        print(f'-- {title}:')
        for k in range(len(model.ops)):
            op = model.ops[k]
            q = model.tensors[op.outputs[0]]
            print(f'   {model.describe_op(k)}   [out {q.scales[0]:.5g}/{q.zero_points[0]}]')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--trials', type=int, default=200, help='random inputs per MEAN variant (default %(default)s)')
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    probe_mean(args.trials, rng)
    probe_pad(rng)
    probe_converter(rng)


if __name__ == '__main__':
    main()
