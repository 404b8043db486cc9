"""ONNX Runtime's nearest Resize indices: for every (input length, output length or scale, coordinate
transformation mode, nearest mode) below, a float Resize of 0, 1, ..., length - 1 along the width, whose
output is the input index ONNX Runtime picked for each output column. Part of tools/make_onnx_fixtures.py:
writes Fixtures/onnx/resize_nearest.tsv (ONNXModelTests compares DSCFlow's indices with every row).

Columns: length, resized, scale (empty: given as sizes), coordinate_transformation_mode, nearest_mode,
the indices (comma-separated).
"""

import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import onnx_models as om

MODES = ["asymmetric", "half_pixel", "pytorch_half_pixel", "tf_half_pixel_for_nn", "align_corners"]
NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]
SCALES = [0.3, 0.5, 0.6, 0.75, 1.5, 2.0, 2.5, 3.0, 1 / 3, 2 / 3, 1.25]


def indices(length, resized, scale, mode, nearest):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 1, length])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    inits = [numpy_helper.from_array(np.array([], np.float32), "roi")]
    if scale is None:
        inits += [numpy_helper.from_array(np.array([], np.float32), "scales"),
                  numpy_helper.from_array(np.array([1, 1, 1, resized], np.int64), "sizes")]
        inputs = ["x", "roi", "scales", "sizes"]
    else:
        inits += [numpy_helper.from_array(np.array([1, 1, 1, scale], np.float32), "scales")]
        inputs = ["x", "roi", "scales"]
    node = helper.make_node("Resize", inputs, ["y"], mode="nearest", coordinate_transformation_mode=mode,
                            nearest_mode=nearest)
    m = helper.make_model(helper.make_graph([node], "resize", [x], [y], inits),
                          opset_imports=[helper.make_opsetid("", om.OPSET)])
    out = om.run_ort(m.SerializeToString(), np.arange(length, dtype=np.float32).reshape(1, 1, 1, length))[0]
    return [int(v) for v in out.reshape(-1)]


def rows():
    for mode in MODES:
        for nearest in NEAREST:
            for length in [1, 2, 3, 5, 7, 9, 10, 13, 16, 21]:
                for resized in sorted({1, 2, 3, length - 1, length + 1, 2 * length, 2 * length + 1, 3 * length - 1, 17} - {0}):
                    yield [length, resized, "", mode, nearest, indices(length, resized, None, mode, nearest)]
                for scale in SCALES:
                    s = float(np.float32(scale))
                    if int(np.float32(s) * np.float32(length)) >= 1:
                        got = indices(length, None, s, mode, nearest)
                        yield [length, len(got), repr(s), mode, nearest, got]


def write(out):
    lines = ["length\tresized\tscale\tcoordinate_transformation_mode\tnearest_mode\tindices"]
    for r in rows():
        lines.append("\t".join(map(str, r[:5])) + "\t" + ",".join(map(str, r[5])))
    with open(os.path.join(out, "resize_nearest.tsv"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"resize_nearest: {len(lines) - 1} index maps")


def check(out):
    """The number of committed rows ONNX Runtime no longer reproduces."""
    want = open(os.path.join(out, "resize_nearest.tsv")).read().splitlines()[1:]
    got = ["\t".join(map(str, r[:5])) + "\t" + ",".join(map(str, r[5])) for r in rows()]
    bad = sum(a != b for a, b in zip(want, got)) + abs(len(want) - len(got))
    if bad:
        print(f"MISMATCH resize_nearest.tsv: {bad} rows")
    return bad
