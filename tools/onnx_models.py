"""Float ONNX models built with numpy + onnx.helper, quantized by ONNX Runtime's own tool, and run by
ONNX Runtime: the shared part of tools/make_onnx_fixtures.py (committed fixtures) and tools/fuzz_onnx.py
(random models every run).

A model is a list of layer specs (tuples) applied to an NCHW float input; `build_float_model` turns it
into an ONNX graph with random (seeded) weights, `quantize` runs onnxruntime.quantization.quantize_static
on it, `run_ort` runs ONNX Runtime's CPUExecutionProvider at its default optimisation level (what the
project claims to match), one thread.

Layer specs (`c` is the current channel count):
  ("conv", k, stride, cout, act)          k x k conv, pads k//2, act in None/"relu"/"relu6"
  ("convg", k, stride, cout, groups, act) grouped conv
  ("dw", k, stride, mult, act)            depthwise (group = c), channel multiplier `mult`
  ("pw", cout, act)                       1x1 conv
  ("res", [specs...])                     x + f(x) (f keeps the shape), Add then optional nothing
  ("concat", [specs...], [specs...])      Concat(branch1(x), branch2(x)) along channels
  ("sum", [specs...], [specs...])         branch1(x) + branch2(x) (same shape)
  ("maxpool", k, stride, pad)             MaxPool
  ("avgpool", k, stride, pad, include)    AveragePool (count_include_pad = include)
  ("pad", top, left, bottom, right)       constant Pad with 0
  ("gap",)                                GlobalAveragePool
  ("flatten",)                            Flatten(axis=1)
  ("gemm", units, transB)                 Gemm on a flattened input (bias)
  ("matmul", units)                       MatMul by a constant [K, units]
  ("softmax",)                            Softmax over the last axis
  ("relu",) / ("relu6",)                  standalone activations
  ("transpose_nhwc",)                     Transpose to NHWC and back (a layout round trip)
  ("resize", how, value, coord, nearest)  nearest Resize: how "scales" (value: one float for H and W) or
                                          "sizes" (value: (height, width)); coordinate_transformation_mode,
                                          nearest_mode
"""

import logging
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


class _Builder:
    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.inits = []
        self.count = 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, array, prefix):
        n = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def node(self, op, inputs, **attrs):
        out = self.name(op.lower() + "_")
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def act(self, x, act):
        if act == "relu":
            return self.node("Relu", [x])
        if act == "relu6":
            return self.node("Clip", [x, self.const(np.array(0, np.float32), "lo"), self.const(np.array(6, np.float32), "hi")])
        return x

    def conv(self, x, c, k, stride, cout, groups, act):
        fan_in = (c // groups) * k * k
        w = (self.rng.normal(0, np.sqrt(2.0 / fan_in), (cout, c // groups, k, k))).astype(np.float32)
        b = self.rng.normal(0, 0.1, cout).astype(np.float32)
        y = self.node("Conv", [x, self.const(w, "w"), self.const(b, "b")], kernel_shape=[k, k], strides=[stride, stride],
                      pads=[k // 2] * 4, group=groups)
        return self.act(y, act)


def _apply(b, x, c, hw, specs):
    """Applies `specs` to tensor x with c channels and spatial size hw (None once flattened)."""
    for s in specs:
        kind = s[0]
        if kind == "conv":
            _, k, stride, cout, act = s
            x = b.conv(x, c, k, stride, cout, 1, act)
            c, hw = cout, tuple((d + 2 * (k // 2) - k) // stride + 1 for d in hw)
        elif kind == "convg":
            _, k, stride, cout, groups, act = s
            x = b.conv(x, c, k, stride, cout, groups, act)
            c, hw = cout, tuple((d + 2 * (k // 2) - k) // stride + 1 for d in hw)
        elif kind == "dw":
            _, k, stride, mult, act = s
            x = b.conv(x, c, k, stride, c * mult, c, act)
            c, hw = c * mult, tuple((d + 2 * (k // 2) - k) // stride + 1 for d in hw)
        elif kind == "pw":
            _, cout, act = s
            x = b.conv(x, c, 1, 1, cout, 1, act)
            c = cout
        elif kind == "res":
            y, c2, hw2 = _apply(b, x, c, hw, s[1])
            assert (c2, hw2) == (c, hw), "a residual branch must keep the shape"
            x = b.node("Add", [x, y])
        elif kind == "sum":
            y1, c1, hw1 = _apply(b, x, c, hw, s[1])
            y2, c2, hw2 = _apply(b, x, c, hw, s[2])
            assert (c1, hw1) == (c2, hw2), "summed branches must have one shape"
            x = b.node("Add", [y1, y2])
            c, hw = c1, hw1
        elif kind == "concat":
            y1, c1, hw1 = _apply(b, x, c, hw, s[1])
            y2, c2, hw2 = _apply(b, x, c, hw, s[2])
            assert hw1 == hw2, "concatenated branches must keep one size"
            x = b.node("Concat", [y1, y2], axis=1)
            c, hw = c1 + c2, hw1
        elif kind == "resize":
            _, how, value, coord, nearest = s
            empty = b.const(np.array([], np.float32), "roi")
            if how == "scales":
                scales = b.const(np.array([1, 1, value, value], np.float32), "scales")
                x = b.node("Resize", [x, empty, scales], mode="nearest", coordinate_transformation_mode=coord,
                           nearest_mode=nearest)
                hw = tuple(int(np.float32(value) * np.float32(d)) for d in hw)
            else:
                sizes = b.const(np.array([1, c, value[0], value[1]], np.int64), "sizes")
                x = b.node("Resize", [x, empty, b.const(np.array([], np.float32), "scales"), sizes], mode="nearest",
                           coordinate_transformation_mode=coord, nearest_mode=nearest)
                hw = tuple(value)
        elif kind == "maxpool":
            _, k, stride, pad = s
            x = b.node("MaxPool", [x], kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4)
            hw = tuple((d + 2 * pad - k) // stride + 1 for d in hw)
        elif kind == "avgpool":
            _, k, stride, pad, include = s
            x = b.node("AveragePool", [x], kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4,
                       count_include_pad=include)
            hw = tuple((d + 2 * pad - k) // stride + 1 for d in hw)
        elif kind == "pad":
            _, t, l, bo, r = s
            x = b.node("Pad", [x, b.const(np.array([0, 0, t, l, 0, 0, bo, r], np.int64), "pads")], mode="constant")
            hw = (hw[0] + t + bo, hw[1] + l + r)
        elif kind == "gap":
            x = b.node("GlobalAveragePool", [x])
            hw = (1, 1)
        elif kind == "flatten":
            x = b.node("Flatten", [x], axis=1)
            c, hw = c * hw[0] * hw[1], None
        elif kind == "gemm":
            _, units, trans_b = s
            w = b.rng.normal(0, np.sqrt(1.0 / c), (units, c) if trans_b else (c, units)).astype(np.float32)
            bias = b.rng.normal(0, 0.1, units).astype(np.float32)
            x = b.node("Gemm", [x, b.const(w, "fc"), b.const(bias, "fcb")], transB=trans_b)
            c = units
        elif kind == "matmul":
            _, units = s
            w = b.rng.normal(0, np.sqrt(1.0 / c), (c, units)).astype(np.float32)
            x = b.node("MatMul", [x, b.const(w, "mm")])
            c = units
        elif kind == "softmax":
            x = b.node("Softmax", [x], axis=-1)
        elif kind in ("relu", "relu6"):
            x = b.act(x, kind)
        elif kind == "transpose_nhwc":
            x = b.node("Transpose", [x], perm=[0, 2, 3, 1])
            x = b.node("Transpose", [x], perm=[0, 3, 1, 2])
        else:
            raise ValueError(f"unknown layer {kind}")
    return x, c, hw


def build_float_model(specs, channels, height, width, seed):
    """A float32 ONNX model (opset 13) of `specs` on a [1, channels, height, width] input."""
    b = _Builder(np.random.default_rng(seed))
    y, c, hw = _apply(b, "input", channels, (height, width), specs)
    out = helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, c] if hw is None else [1, c, hw[0], hw[1]])
    g = helper.make_graph(b.nodes, "dscflow_fixture",
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, channels, height, width])], [out],
                          b.inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dscflow-tools")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


class _Calibration:
    """Random calibration inputs for quantize_static (seeded)."""

    def __init__(self, shape, count, seed, scale):
        rng = np.random.default_rng(seed)
        self.items = iter([{"input": (rng.normal(0, scale, shape)).astype(np.float32)} for _ in range(count)])

    def get_next(self):
        return next(self.items, None)


def quantize(float_path, out_path, shape, fmt, activation, per_channel, seed, calibration=8, input_scale=1.0):
    """onnxruntime.quantization.quantize_static: fmt "qdq"/"qop", activation "u8"/"s8", int8 weights."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.inner = _Calibration(shape, calibration, seed, input_scale)

        def get_next(self):
            return self.inner.get_next()

    # The tool logs a "consider pre-processing" warning per call: the models here are made for it.
    logging.getLogger().setLevel(logging.ERROR)
    quantize_static(float_path, out_path, Reader(),
                    quant_format=QuantFormat.QDQ if fmt == "qdq" else QuantFormat.QOperator,
                    activation_type=QuantType.QUInt8 if activation == "u8" else QuantType.QInt8,
                    weight_type=QuantType.QInt8, per_channel=per_channel)


def session(model_bytes, optimized_path=None):
    """ONNX Runtime, CPUExecutionProvider, default graph optimisation level (ORT_ENABLE_ALL), 1 thread."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.log_severity_level = 3
    if optimized_path:
        so.optimized_model_filepath = optimized_path
    return ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])


def run_ort(model_bytes, x):
    """Every graph output of the model for input x."""
    s = session(model_bytes)
    return s.run(None, {s.get_inputs()[0].name: x})


def optimized_op_types(model_bytes, path):
    """The operator types of ONNX Runtime's optimized graph (what it fused)."""
    session(model_bytes, path)
    return [n.op_type for n in onnx.load(path).graph.node]


def quantized_tensors(model):
    """The 8-bit activation tensors of a quantized model: QuantizeLinear outputs (QDQ) and QLinear /
    8-bit operator outputs (QOperator), in graph order."""
    inits = {i.name for i in model.graph.initializer}
    names = []
    for n in model.graph.node:
        if n.op_type == "DequantizeLinear":
            continue
        for o in n.output:
            if o and o not in inits and o not in names:
                names.append(o)
    types = {}
    for vi in list(model.graph.value_info) + list(model.graph.output):
        types[vi.name] = vi.type.tensor_type.elem_type
    return [n for n in names if types.get(n) in (TensorProto.UINT8, TensorProto.INT8)]


def with_outputs(model, names):
    """A copy of `model` whose outputs also include `names` (8-bit tensors, types from shape inference)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    inferred = onnx.shape_inference.infer_shapes(m)
    infos = {vi.name: vi for vi in inferred.graph.value_info}
    existing = {o.name for o in m.graph.output}
    for n in names:
        if n in infos and n not in existing:
            m.graph.output.append(infos[n])
    return m


def write_goldens(out, kind, header, cases, what):
    """Writes a float-golden set: <out>/<kind>/cases.tsv (`header`, then one row per case) and each case's
    arrays as <row name>.<suffix>.bin. `cases` yields (row, [(suffix, array), ...]); `what` names a case."""
    d = os.path.join(out, kind)
    os.makedirs(d, exist_ok=True)
    rows = [header]
    for row, arrays in cases:
        rows.append("\t".join(map(str, row)))
        for suffix, a in arrays:
            a.tofile(os.path.join(d, f"{row[0]}.{suffix}.bin"))
    with open(os.path.join(d, "cases.tsv"), "w") as fh:
        fh.write("\n".join(rows) + "\n")
    print(f"{kind}: {len(rows) - 1} {what}")


def check_goldens(out, kind, cases):
    """The number of cases whose committed float32 output (<name>.y.bin) differs in any bit from the "y" array
    `cases` computes now (ONNX Runtime's output)."""
    d = os.path.join(out, kind)
    bad = 0
    for row, arrays in cases:
        y = dict(arrays)["y"]
        if not np.array_equal(np.fromfile(os.path.join(d, f"{row[0]}.y.bin"), np.float32).view(np.uint32),
                              y.reshape(-1).view(np.uint32)):
            print(f"MISMATCH {kind}/{row[0]}")
            bad += 1
    return bad
