"""ONNX Runtime's float32 Conv output, bit for bit, on the convolutions it runs in float for unfused QDQ
groups: MLAS's generic Conv (im2col + SGEMM: depthwise on channel counts not multiples of 4, multipliers
above 1, groups that are not multiples of the NCHWc block, group-1 convs on channel counts not multiples of
4) and the NCHWc kernels. Part of tools/make_onnx_fixtures.py: writes Fixtures/onnx/float_conv/.

Each case's input is bytes dequantized as DequantizeLinear does (float32 (q - zp) * scale, one rounding),
so DSCFlow's FLOAT_CONV reference kernel sees the same floats; its float sums (before QuantizeLinear) must
equal ONNX Runtime's output bits (`ONNXFloatConvTests`). A bit there decides a byte only at a rounding tie,
so this is where a wrong order of the multiply-adds shows.

cases.tsv: name, channels, filters, groups, kernel, stride, pad, height, width, input scale, input zero
point, signed (int8 input); <name>.x.bin input bytes NCHW, .w.bin float32 OIHW weights, .b.bin float32
bias, .y.bin ONNX Runtime's float32 NCHW output.
"""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import onnx_models as om

# (channels, filters, groups, kernel, stride, height, width); pads kernel // 2.
SHAPES = [
    (3, 3, 3, 3, 1, 11, 9), (3, 3, 3, 3, 2, 12, 12), (5, 5, 5, 3, 1, 10, 10), (5, 5, 5, 3, 2, 9, 11),
    (6, 6, 6, 3, 1, 8, 8), (6, 6, 6, 3, 2, 13, 13), (7, 7, 7, 3, 1, 12, 7), (7, 7, 7, 3, 2, 10, 10),
    (10, 10, 10, 3, 1, 9, 9), (10, 10, 10, 3, 2, 14, 14), (13, 13, 13, 3, 1, 8, 10), (13, 13, 13, 3, 2, 11, 11),
    (18, 18, 18, 3, 2, 9, 9), (5, 5, 5, 5, 1, 9, 9), (13, 13, 13, 5, 2, 12, 12), (3, 3, 3, 3, 1, 1, 1),
    (5, 10, 5, 3, 1, 8, 8), (6, 12, 6, 3, 2, 9, 9), (12, 12, 6, 3, 1, 7, 7), (20, 24, 2, 3, 1, 6, 6),
    (18, 8, 1, 3, 1, 7, 7), (18, 8, 1, 3, 1, 13, 13), (18, 10, 1, 1, 1, 9, 9), (22, 6, 1, 3, 2, 12, 12),
    # the NCHWc kernels DSCFlow already follows: depthwise, NCHW (few input channels), NCHWc, pointwise
    (16, 16, 16, 3, 1, 8, 8), (8, 8, 8, 3, 2, 9, 9), (3, 8, 1, 3, 2, 11, 11), (20, 16, 1, 3, 1, 6, 6),
    (32, 16, 1, 1, 1, 5, 5),
]


def conv_model(c, m, groups, k, stride, h, w, weights, bias):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, w])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], group=groups, kernel_shape=[k, k], strides=[stride, stride],
                            pads=[k // 2] * 4)
    graph = helper.make_graph([node], "float_conv", [x], [y],
                              [numpy_helper.from_array(weights, "w"), numpy_helper.from_array(bias, "b")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", om.OPSET)])


def cases():
    """Every case with its arrays and ONNX Runtime's output."""
    rng = np.random.default_rng(4242)
    for i, (c, m, groups, k, stride, h, w) in enumerate(SHAPES):
        signed = i % 2 == 1
        q = rng.integers(-128, 128, (1, c, h, w)) if signed else rng.integers(0, 256, (1, c, h, w))
        zp = int(rng.integers(-20, 21)) if signed else int(rng.integers(100, 156))
        scale = np.float32(rng.uniform(0.005, 0.08))
        x = (q - zp).astype(np.float32) * scale
        weights = rng.normal(0, np.sqrt(2.0 / (c // groups * k * k)), (m, c // groups, k, k)).astype(np.float32)
        bias = rng.normal(0, 0.3, m).astype(np.float32)
        y = om.run_ort(conv_model(c, m, groups, k, stride, h, w, weights, bias).SerializeToString(), x)[0]
        row = [f"case{i:02d}", c, m, groups, k, stride, k // 2, h, w, repr(float(scale)), zp, int(signed)]
        yield row, [("x", q.astype(np.int8 if signed else np.uint8)), ("w", weights), ("b", bias), ("y", y)]


def write(out):
    om.write_goldens(out, "float_conv", "name\tchannels\tfilters\tgroups\tkernel\tstride\tpad\theight\twidth\tscale"
                     "\tzero_point\tsigned", cases(), "convolutions")


def check(out):
    """The number of cases whose committed output differs from ONNX Runtime's now."""
    return om.check_goldens(out, "float_conv", cases())
