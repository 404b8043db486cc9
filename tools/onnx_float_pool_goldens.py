"""ONNX Runtime's float32 AveragePool and MaxPool output, bit for bit, on the pools it runs in float (a pool on a
float graph input; an unfused QDQ AveragePool): the NCHWc pool (channels a multiple of the block), MLAS's
vector 2-D kernel (columns summed first), its generic kernel (stride above 2) and its global kernel (four
lanes). Part of tools/make_onnx_fixtures.py: writes Fixtures/onnx/float_pool/.

Each case's input is bytes dequantized as DequantizeLinear does (float32 (q - zp) * scale), so DSCFlow's
float pool reference kernel sees the same floats; its outputs must equal ONNX Runtime's bits
(`ONNXFloatPoolTests`). Cases with a power-of-two scale sum exactly and give many averages that are exact
halves of the scale (QuantizeLinear ties); the others show a wrong summation order or divisor.

cases.tsv: name, op, channels, height, width, kernel h, kernel w, stride h, stride w, pads (top left bottom
right), count_include_pad, scale, zero point, signed; <name>.x.bin input bytes NCHW, .y.bin ONNX Runtime's
float32 NCHW output.
"""

import numpy as np
from onnx import TensorProto, helper

import onnx_models as om

# (op, channels, height, width, kernel, stride, pads, count_include_pad)
SHAPES = [
    ("AveragePool", 3, 11, 9, (3, 3), (1, 1), (1, 1, 1, 1), 0), ("AveragePool", 3, 12, 12, (3, 3), (2, 2), (1, 1, 1, 1), 1),
    ("AveragePool", 5, 10, 13, (2, 4), (2, 1), (0, 1, 1, 2), 0), ("AveragePool", 1, 9, 9, (5, 5), (2, 2), (2, 2, 2, 2), 0),
    ("AveragePool", 3, 8, 8, (2, 2), (2, 2), (0, 0, 0, 0), 0), ("AveragePool", 7, 13, 11, (4, 3), (1, 2), (3, 2, 1, 0), 1),
    ("AveragePool", 16, 9, 9, (3, 3), (1, 1), (1, 1, 1, 1), 0), ("AveragePool", 32, 10, 8, (3, 2), (2, 2), (1, 0, 2, 1), 1),
    ("AveragePool", 16, 7, 7, (7, 7), (1, 1), (0, 0, 0, 0), 0), ("AveragePool", 3, 11, 13, (3, 3), (3, 3), (1, 1, 1, 1), 0),
    ("AveragePool", 5, 14, 10, (4, 4), (2, 3), (2, 0, 1, 3), 1), ("AveragePool", 3, 7, 7, (7, 7), (1, 1), (0, 0, 0, 0), 0),
    ("AveragePool", 5, 5, 3, (5, 3), (1, 1), (0, 0, 0, 0), 0), ("AveragePool", 6, 3, 1, (3, 1), (1, 1), (0, 0, 0, 0), 0),
    ("AveragePool", 4, 12, 12, (3, 3), (2, 2), (1, 1, 1, 1), 0), ("AveragePool", 3, 6, 6, (2, 2), (1, 1), (0, 0, 0, 0), 0),
    ("MaxPool", 3, 11, 9, (3, 3), (2, 2), (1, 1, 1, 1), 0), ("MaxPool", 16, 8, 8, (2, 2), (2, 2), (0, 0, 0, 0), 0),
    ("MaxPool", 5, 10, 7, (3, 2), (3, 1), (1, 0, 2, 1), 0),
]


def pool_model(op, c, h, w, k, stride, pads, cip):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, w])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    attrs = dict(kernel_shape=list(k), strides=list(stride), pads=list(pads))
    if op == "AveragePool":
        attrs["count_include_pad"] = cip
    graph = helper.make_graph([helper.make_node(op, ["x"], ["y"], **attrs)], "float_pool", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", om.OPSET)])


def cases():
    """Every case with its input bytes and ONNX Runtime's output."""
    rng = np.random.default_rng(5151)
    for i, (op, c, h, w, k, stride, pads, cip) in enumerate(SHAPES):
        signed = i % 2 == 1
        q = rng.integers(-128, 128, (1, c, h, w)) if signed else rng.integers(0, 256, (1, c, h, w))
        zp = int(rng.integers(-20, 21)) if signed else int(rng.integers(100, 156))
        scale = np.float32(2.0 ** -int(rng.integers(2, 6))) if i % 3 == 2 else np.float32(rng.uniform(0.005, 0.08))
        x = (q - zp).astype(np.float32) * scale
        y = om.run_ort(pool_model(op, c, h, w, k, stride, pads, cip).SerializeToString(), x)[0]
        row = [f"case{i:02d}", op, c, h, w, k[0], k[1], stride[0], stride[1], *pads, cip, repr(float(scale)), zp, int(signed)]
        yield row, [("x", q.astype(np.int8 if signed else np.uint8)), ("y", y)]


def write(out):
    om.write_goldens(out, "float_pool", "name\top\tchannels\theight\twidth\tkernel_h\tkernel_w\tstride_h\tstride_w"
                     "\tpad_t\tpad_l\tpad_b\tpad_r\tcount_include_pad\tscale\tzero_point\tsigned", cases(), "pools")


def check(out):
    """The number of cases whose committed output differs from ONNX Runtime's now."""
    return om.check_goldens(out, "float_pool", cases())
