#!/usr/bin/env python3
"""Makes the project's ONNX fixtures: float models built with numpy (tools/onnx_models.py), quantized by
ONNX Runtime's own tool (onnxruntime.quantization.quantize_static) in QDQ and QOperator formats, per-tensor
and per-channel, uint8 and int8 activations, and ONNX Runtime's outputs (CPUExecutionProvider, default
optimisation level, one thread) as goldens.

Layout (Tests/DSCFlowTests/Fixtures/onnx):
  <name>/model.onnx
  <name>/<case>/input.bin          the graph's float32 NCHW input
  <name>/<case>/manifest.tsv       file, tensor, dtype, shape (ONNX's, NCHW), role (output | tensor)
  <name>/<case>/tNNN.bin           the graph's outputs, and (first case) the 8-bit tensors ONNX Runtime
                                   computes (QuantizeLinear / QLinear outputs; kept only when exposing
                                   them as extra outputs leaves ONNX Runtime's fused graph unchanged)
  README.md, INDEX.tsv             what each model is
  malformed/<case>.onnx            broken or unsupported models derived from the above, and
  malformed/expected.tsv           the text each one's one-line error must contain (ONNXModelTests)
  float_conv/                      ONNX Runtime's float32 Conv output bits on the convs it runs in float
                                   (tools/onnx_float_conv_goldens.py; ONNXFloatConvTests)
  float_pool/                      ONNX Runtime's float32 AveragePool/MaxPool output bits
                                   (tools/onnx_float_pool_goldens.py; ONNXFloatPoolTests)
  resize_nearest.tsv               ONNX Runtime's nearest Resize indices (tools/onnx_resize_goldens.py)

Usage: python tools/make_onnx_fixtures.py [--out DIR] [--check | --malformed]
  --check      re-runs ONNX Runtime on the committed models and inputs and compares with the committed
               goldens (no file is written): detects an ONNX Runtime whose arithmetic differs.
  --malformed  only (re)writes malformed/ from the committed models.
"""

import argparse
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_float_conv_goldens  # noqa: E402
import onnx_float_pool_goldens  # noqa: E402
import onnx_resize_goldens  # noqa: E402
import onnx_models as om  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "DSCFlowTests", "Fixtures", "onnx")

MOBILENET = [("conv", 3, 2, 8, "relu6"), ("dw", 3, 1, 1, "relu6"), ("pw", 16, "relu6"), ("dw", 3, 2, 1, "relu6"),
             ("pw", 24, "relu6"), ("res", [("dw", 3, 1, 1, "relu6"), ("pw", 24, None)]), ("gap",), ("flatten",),
             ("gemm", 10, 1), ("softmax",)]
CHAIN = [("conv", 3, 2, 8, "relu"), ("dw", 3, 1, 1, "relu"), ("pw", 16, "relu"), ("dw", 3, 2, 1, "relu"),
         ("pw", 16, None), ("gap",), ("flatten",), ("gemm", 5, 1)]
POOLS = [("conv", 3, 1, 8, "relu"), ("maxpool", 2, 2, 0), ("avgpool", 3, 1, 1, 0), ("dw", 3, 1, 1, None),
         ("avgpool", 3, 2, 1, 1), ("maxpool", 3, 1, 1), ("avgpool", 2, 2, 0, 0), ("gap",), ("flatten",)]
BRANCHES = [("conv", 3, 1, 8, "relu"),
            ("concat", [("pw", 4, "relu")], [("dw", 3, 1, 1, "relu6"), ("pw", 6, None)]),
            ("res", [("dw", 3, 1, 1, None), ("pw", 10, "relu")]), ("maxpool", 2, 2, 0), ("flatten",), ("gemm", 7, 0)]
SHAPES = [("conv", 3, 2, 6, None), ("pad", 1, 0, 2, 1), ("convg", 3, 1, 8, 2, "relu"), ("dw", 3, 2, 2, "relu"),
          ("transpose_nhwc",), ("pw", 12, "relu6"), ("gap",), ("flatten",), ("matmul", 9), ("softmax",)]

SUMS = [("conv", 3, 1, 8, "relu"), ("sum", [("pw", 12, "relu")], [("dw", 3, 1, 1, None), ("pw", 12, None)]),
        ("avgpool", 3, 1, 1, 0), ("pw", 16, None), ("avgpool", 2, 2, 0, 1), ("gap",)]

# Depthwise convs on channel counts that are not multiples of 4, each reading a tensor two nodes read (a
# residual or two branches), so ONNX Runtime keeps the int8 pair and runs them on MLAS's generic float
# Conv (im2col + SGEMM M=1 kernel): C = 3, 5, 7 (ODD_A) and 6, 10, 13 (ODD_B), strides 1 and 2, 3x3 and 5x5,
# plus the generic path's other kernels: a depthwise multiplier 2, a grouped conv and a group-1 conv on 18
# channels (im2col K = 162 > 128: two SGEMM K blocks).
ODD_A = [("res", [("dw", 3, 1, 1, "relu"), ("pw", 3, None)]),
         ("sum", [("dw", 3, 2, 1, None), ("pw", 5, "relu")], [("dw", 3, 2, 1, "relu6"), ("pw", 5, None)]),
         ("res", [("dw", 3, 1, 1, "relu6"), ("pw", 5, None)]),
         ("sum", [("dw", 3, 2, 1, "relu"), ("pw", 7, None)], [("dw", 5, 2, 1, None), ("pw", 7, "relu")]),
         ("res", [("dw", 3, 1, 1, None), ("pw", 7, "relu")]),
         ("sum", [("dw", 3, 1, 2, "relu")], [("convg", 3, 1, 14, 7, None)]),
         ("gap",), ("flatten",), ("gemm", 6, 1)]
ODD_B = [("res", [("dw", 3, 1, 1, "relu"), ("pw", 6, None)]),
         ("sum", [("dw", 3, 2, 1, "relu6"), ("pw", 18, None)], [("dw", 3, 2, 1, None), ("pw", 18, None)]),
         ("res", [("conv", 3, 1, 18, "relu")]),
         ("res", [("dw", 5, 1, 1, "relu"), ("pw", 18, None)]),
         ("pw", 10, "relu"),
         ("res", [("dw", 3, 1, 1, None), ("pw", 10, None)]),
         ("sum", [("dw", 3, 2, 1, None), ("pw", 13, "relu")], [("dw", 3, 2, 1, "relu"), ("pw", 13, None)]),
         ("res", [("dw", 3, 1, 1, "relu6"), ("pw", 13, None)]),
         ("sum", [("dw", 3, 2, 1, "relu"), ("pw", 12, None)], [("dw", 3, 2, 1, None), ("pw", 12, "relu")]),
         ("sum", [("convg", 3, 1, 12, 6, None)], [("pw", 12, "relu")]),
         ("gap",), ("flatten",), ("gemm", 5, 1)]

# Nearest Resize (up and down, scales and sizes) in the coordinate and rounding modes ONNX Runtime has.
RESIZE = [("conv", 3, 1, 6, "relu"), ("resize", "scales", 2.0, "asymmetric", "floor"), ("dw", 3, 1, 1, "relu"),
          ("resize", "sizes", (13, 11), "half_pixel", "round_prefer_floor"), ("pw", 8, None),
          ("resize", "sizes", (20, 17), "align_corners", "floor"),
          ("resize", "scales", 0.5, "pytorch_half_pixel", "round_prefer_floor"),
          ("resize", "sizes", (15, 7), "tf_half_pixel_for_nn", "ceil"),
          ("resize", "scales", 1.5, "half_pixel", "round_prefer_floor"), ("gap",)]

# Float pools: an AveragePool (count_include_pad 1) on the float graph input, then AveragePools ONNX Runtime
# leaves unfused in QDQ int8 (their output feeds a residual: the int8 pair stays, the input's becomes uint8),
# on 5 channels (MLAS's vector kernel) and 16 (NCHWc), and a MaxPool.
FLOAT_POOLS = [("avgpool", 3, 1, 1, 1), ("conv", 3, 1, 5, "relu"), ("avgpool", 2, 2, 0, 0),
               ("res", [("dw", 3, 1, 1, "relu"), ("pw", 5, None)]), ("pw", 16, "relu"), ("avgpool", 3, 1, 1, 0),
               ("res", [("dw", 3, 1, 1, None), ("pw", 16, "relu")]), ("maxpool", 2, 2, 0), ("gap",)]

# name, specs, (channels, height, width), format, activation type, per-channel, description
FIXTURES = [
    ("mobilenet_qdq_u8", MOBILENET, (3, 24, 24), "qdq", "u8", False,
     "MobileNet-style DSC net (conv s2, dw s1/s2, pw, ReLU6, residual Add, GAP, Gemm, Softmax), QDQ, uint8, per-tensor"),
    ("mobilenet_qdq_u8_pc", MOBILENET, (3, 24, 24), "qdq", "u8", True,
     "the same net, QDQ, uint8 activations, per-channel weights"),
    ("mobilenet_qop_u8_pc", MOBILENET, (3, 24, 24), "qop", "u8", True,
     "the same net, QOperator (QLinearConv, QLinearAdd, QLinearGlobalAveragePool, QGemm, QLinearSoftmax), per-channel"),
    ("mobilenet_qop_s8", MOBILENET, (3, 24, 24), "qop", "s8", False,
     "the same net, QOperator, int8 activations, per-tensor"),
    ("chain_qdq_s8", CHAIN, (3, 20, 20), "qdq", "s8", False,
     "a branch-free DSC chain, QDQ, int8 activations: every pair becomes uint8 in ONNX Runtime, so every group fuses"),
    ("chain_qdq_s8_pc", CHAIN, (3, 20, 20), "qdq", "s8", True,
     "the same chain, per-channel weights"),
    ("pools_qdq_u8", POOLS, (4, 17, 17), "qdq", "u8", False,
     "MaxPool k2 s2 / k3 s1 pad 1, AveragePool k3 pad 1 (count_include_pad 0 and 1), k2 s2, GAP; QDQ uint8"),
    ("pools_qop_s8_pc", POOLS, (4, 17, 17), "qop", "s8", True,
     "the pools, QOperator int8 (QLinearAveragePool), per-channel"),
    ("branches_qdq_u8_pc", BRANCHES, (3, 12, 14), "qdq", "u8", True,
     "Concat of two branches with different scales (QLinearConcat tables), residual Add, MaxPool, Gemm (transB 0)"),
    ("branches_qop_u8", BRANCHES, (3, 12, 14), "qop", "u8", False,
     "the branches, QOperator uint8"),
    ("shapes_qdq_u8", SHAPES, (3, 15, 13), "qdq", "u8", False,
     "strided conv on an odd input, Pad, grouped conv (2 groups), depthwise multiplier 2 s2, Transpose round trip, MatMul"),
    ("shapes_qop_s8_pc", SHAPES, (3, 15, 13), "qop", "s8", True,
     "the same, QOperator int8, per-channel"),
    ("sums_qdq_s8", SUMS, (4, 14, 14), "qdq", "s8", False,
     "QDQ int8 whose Add and AveragePools ONNX Runtime fuses after turning their pairs into uint8 (zero points + 128)"),
    ("residual_qdq_s8_pc", MOBILENET, (3, 24, 24), "qdq", "s8", True,
     "the MobileNet net in QDQ int8: the residual's tensors feed two nodes, so ONNX Runtime runs those Convs and the Add in float"),
    ("oddchannels_qdq_s8", ODD_A, (3, 20, 20), "qdq", "s8", False,
     "QDQ int8 depthwise convs on 3, 5, 7 channels (strides 1 and 2, 3x3 and 5x5, multiplier 2), grouped conv: "
     "ONNX Runtime's generic float Conv (im2col + SGEMM)"),
    ("oddchannels_qdq_s8_pc", ODD_A, (3, 20, 20), "qdq", "s8", True,
     "the same, per-channel weights"),
    ("oddchannels6_qdq_s8", ODD_B, (6, 26, 26), "qdq", "s8", False,
     "QDQ int8 depthwise convs on 6, 10, 13, 18 channels (strides 1 and 2, 3x3 and 5x5), a group-1 3x3 conv on "
     "18 channels at 13x13 (two SGEMM K blocks), 6 groups of 2: ONNX Runtime's generic float Conv"),
    ("oddchannels6_qdq_s8_pc", ODD_B, (6, 26, 26), "qdq", "s8", True,
     "the same, per-channel weights"),
    ("resize_qdq_u8", RESIZE, (3, 9, 10), "qdq", "u8", False,
     "nearest Resize x2 asymmetric/floor, to 13x11 half_pixel, 20x17 align_corners/floor, x0.5 "
     "pytorch_half_pixel, 15x7 tf_half_pixel_for_nn/ceil, x1.5; QDQ uint8"),
    ("resize_qop_s8_pc", RESIZE, (3, 9, 10), "qop", "s8", True, "the same resizes, QOperator int8, per-channel"),
    ("resize_qdq_s8", RESIZE, (3, 9, 10), "qdq", "s8", False, "the same resizes, QDQ int8"),
    ("resize_input_qop_u8", [("resize", "sizes", (11, 13), "half_pixel", "round_prefer_floor"), ("conv", 3, 2, 4, "relu"),
                             ("gap",)], (3, 6, 7), "qop", "u8", False,
     "a float Resize of the graph input before the first QuantizeLinear (QOperator leaves it in float)"),
    ("floatpool_qdq_s8", FLOAT_POOLS, (3, 16, 15), "qdq", "s8", False,
     "an AveragePool of the float graph input (before the first QuantizeLinear), then AveragePools whose output "
     "two nodes read (int8 pair kept, input pair uint8: ONNX Runtime runs them unfused in float) on 5 and 16 channels"),
]

CASES = [("rand0", 0, 1.0), ("rand1", 1, 1.0), ("wide", 2, 4.0)]


def write_case(model, model_bytes, directory, seed, scale, shape, intermediates):
    os.makedirs(directory, exist_ok=True)
    x = (np.random.default_rng(1000 + seed).normal(0, scale, shape)).astype(np.float32)
    x.tofile(os.path.join(directory, "input.bin"))
    rows = ["file\ttensor\tdtype\tshape\trole"]
    outs = om.run_ort(model_bytes, x)
    names = [o.name for o in model.graph.output]
    k = 0
    for name, v in zip(names, outs):
        f = f"t{k:03d}.bin"
        v.tofile(os.path.join(directory, f))
        rows.append(f"{f}\t{name}\t{v.dtype}\t{','.join(map(str, v.shape))}\toutput")
        k += 1
    if intermediates:
        wide = om.with_outputs(model, intermediates)
        vals = om.run_ort(wide.SerializeToString(), x)
        for o, v in zip(wide.graph.output, vals):
            if o.name in names:
                continue
            f = f"t{k:03d}.bin"
            v.tofile(os.path.join(directory, f))
            rows.append(f"{f}\t{o.name}\t{v.dtype}\t{','.join(map(str, v.shape))}\ttensor")
            k += 1
    with open(os.path.join(directory, "manifest.tsv"), "w") as fh:
        fh.write("\n".join(rows) + "\n")


def exposable(model, names, tmp):
    """The intermediate tensors can be exposed without changing what ONNX Runtime fuses (the layout
    Transposes it adds around graph outputs aside)."""
    if not names:
        return False

    def fused(path_model, path):
        return [t.replace("Nhwc", "") for t in om.optimized_op_types(path_model, path) if t != "Transpose"]
    a = fused(model.SerializeToString(), os.path.join(tmp, "a.onnx"))
    b = fused(om.with_outputs(model, names).SerializeToString(), os.path.join(tmp, "b.onnx"))
    return a == b


def make(out):
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    index = ["name\tformat\tactivation\tper_channel\tdescription"]
    readme = ["# ONNX fixtures (generated)", "",
              "Made by `tools/make_onnx_fixtures.py` with onnxruntime " + __import__("onnxruntime").__version__ +
              " (see its docstring for the layout). Float models built with numpy, quantized by "
              "`onnxruntime.quantization.quantize_static`; goldens are ONNX Runtime's CPUExecutionProvider "
              "outputs at the default optimisation level. Do not edit by hand; verify with "
              "`python tools/make_onnx_fixtures.py --check`.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, specs, (c, h, w), fmt, act, pc, desc) in enumerate(FIXTURES):
            d = os.path.join(out, name)
            os.makedirs(d)
            fpath = os.path.join(tmp, name + "_float.onnx")
            onnx.save(om.build_float_model(specs, c, h, w, seed=100 + i), fpath)
            qpath = os.path.join(d, "model.onnx")
            om.quantize(fpath, qpath, [1, c, h, w], fmt, act, pc, seed=200 + i)
            model = onnx.load(qpath)
            names = om.quantized_tensors(onnx.shape_inference.infer_shapes(model))
            keep = exposable(model, names, tmp)
            for case, seed, scale in CASES:
                # Intermediate tensors for the first case only (the others check the outputs).
                write_case(model, model.SerializeToString(), os.path.join(d, case), seed, scale, [1, c, h, w],
                           names if keep and case == CASES[0][0] else [])
            ops = om.optimized_op_types(model.SerializeToString(), os.path.join(tmp, "opt.onnx"))
            index.append(f"{name}\t{fmt}\t{act}\t{int(pc)}\t{desc}")
            readme += [f"## {name}", "", desc + ".", "",
                       f"Input 1x{c}x{h}x{w} float32; model {os.path.getsize(qpath)} bytes; cases: "
                       f"{', '.join(c_[0] for c_ in CASES)}; per-tensor goldens: {'yes' if keep else 'outputs only'}.", "",
                       "ONNX Runtime's optimized graph: " + " ".join(o for o in ops if o not in ("Transpose",)) + "", ""]
            print(f"{name}: {len(model.graph.node)} nodes, {len(names)} 8-bit tensors, intermediates {'kept' if keep else 'dropped'}")
    with open(os.path.join(out, "INDEX.tsv"), "w") as fh:
        fh.write("\n".join(index) + "\n")
    with open(os.path.join(out, "README.md"), "w") as fh:
        fh.write("\n".join(readme))


def malformed(out):
    """Models ONNX Runtime or DSCFlow must refuse, each derived from a committed fixture by one change,
    with the words its error must contain (the node's name where a node is at fault)."""
    import copy
    d = os.path.join(out, "malformed")
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    qdq = onnx.load(os.path.join(out, "mobilenet_qdq_u8", "model.onnx"))
    qop = onnx.load(os.path.join(out, "mobilenet_qop_u8_pc", "model.onnx"))
    rows = ["file\texpected"]

    def save(name, m, expected):
        data = m if isinstance(m, bytes) else m.SerializeToString()
        with open(os.path.join(d, name + ".onnx"), "wb") as fh:
            fh.write(data)
        rows.append(f"{name}.onnx\t{expected}")

    def first(m, op, k=0):
        return [n for n in m.graph.node if n.op_type == op][k]

    m = copy.deepcopy(qdq)
    n = first(m, "Softmax")
    n.op_type = "Sin"
    save("unsupported_op", m, f"Sin '{n.name}'")
    rs = onnx.load(os.path.join(out, "resize_qop_s8_pc", "model.onnx"))
    for mode, value in (("nearest_mode", b"round_prefer_ceil"), ("mode", b"linear")):
        m = copy.deepcopy(rs)
        n = first(m, "Resize", 1)
        for a in n.attribute:
            if a.name == mode:
                a.s = value
        save(f"resize_{value.decode()}", m, f"Resize '{n.name}'")
    save("float_conv", om.build_float_model([("conv", 3, 1, 4, "relu"), ("gap",)], 3, 8, 8, seed=1),
         "a float Conv")
    m = copy.deepcopy(qdq)
    w = [i for i in m.graph.initializer if len(i.dims) == 4][0]
    w.dims[0] = 1 << 40
    save("absurd_dims", m, f"'{w.name}' has dimension {1 << 40}")
    m = copy.deepcopy(qop)
    n = first(m, "QLinearConv")
    n.input[0] = "dangling"
    save("dangling_input", m, f"QLinearConv '{n.name}': input 'dangling'")
    m = copy.deepcopy(qop)
    n = first(m, "QLinearConv", 1)
    for a in n.attribute:
        if a.name == "group":
            a.i = 0
    save("bad_group", m, f"QLinearConv '{n.name}'")
    m = copy.deepcopy(qop)
    n = first(m, "QLinearConv", 1)
    for a in n.attribute:
        if a.name == "strides":
            a.ints[:] = [0, 0]
    save("zero_stride", m, f"QLinearConv '{n.name}'")
    m = copy.deepcopy(qdq)
    nodes = list(m.graph.node)
    k = next(i for i, n in enumerate(nodes) if n.op_type == "Conv")
    later = nodes[k]
    del m.graph.node[k]
    m.graph.node.append(later)
    save("out_of_order", m, "written by a later node")
    m = copy.deepcopy(qdq)
    s_ = [i for i in m.graph.initializer if i.data_type == onnx.TensorProto.FLOAT and len(i.dims) == 0][0]
    s_.ClearField("float_data")
    s_.raw_data = b"\x00\x00"
    save("short_raw_data", m, f"'{s_.name}' has 2 bytes of raw data")
    m = copy.deepcopy(qdq)
    e = [i for i in m.graph.initializer if len(i.dims) == 4][0]
    e.data_location = onnx.TensorProto.EXTERNAL
    save("external_data", m, "external data")
    m = copy.deepcopy(qdq)
    m.graph.input[0].type.tensor_type.shape.dim[2].dim_param = "height"
    save("symbolic_dim", m, "symbolic dimension 2")
    b = bytearray(qdq.SerializeToString())
    b[b.index(0x3A)] = 0x38  # the graph field (7) as a varint
    save("wrong_wire_type", bytes(b), "graph has wire type")
    save("truncated", qdq.SerializeToString()[:1000], "ONNX")
    with open(os.path.join(d, "expected.tsv"), "w") as fh:
        fh.write("\n".join(rows) + "\n")
    print(f"malformed: {len(rows) - 1} models")


def check(root):
    bad = 0
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        if not os.path.isfile(os.path.join(d, "model.onnx")):
            continue
        model = onnx.load(os.path.join(d, "model.onnx"))
        for case in sorted(os.listdir(d)):
            cd = os.path.join(d, case)
            if not os.path.isfile(os.path.join(cd, "manifest.tsv")):
                continue
            shape = [int(v.dim_value) for v in model.graph.input[0].type.tensor_type.shape.dim]
            x = np.fromfile(os.path.join(cd, "input.bin"), dtype=np.float32).reshape(shape)
            rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(cd, "manifest.tsv"))][1:]
            names = [r[1] for r in rows if r[4] == "tensor"]
            m = om.with_outputs(model, names) if names else model
            got = dict(zip([o.name for o in m.graph.output], om.run_ort(m.SerializeToString(), x)))
            for f, tensor, dtype, _, _ in rows:
                want = np.fromfile(os.path.join(cd, f), dtype=dtype)
                if not np.array_equal(got[tensor].reshape(-1).view(np.uint8), want.view(np.uint8)):
                    print(f"MISMATCH {name}/{case}/{f} ({tensor})")
                    bad += 1
    bad += onnx_float_conv_goldens.check(root)
    bad += onnx_float_pool_goldens.check(root)
    bad += onnx_resize_goldens.check(root)
    print("check:", "all goldens reproduced" if bad == 0 else f"{bad} mismatches")
    return bad == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=ROOT)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--malformed", action="store_true")
    a = ap.parse_args()
    if a.check:
        sys.exit(0 if check(a.out) else 1)
    if not a.malformed:
        make(a.out)
        onnx_float_conv_goldens.write(a.out)
        onnx_float_pool_goldens.write(a.out)
        onnx_resize_goldens.write(a.out)
    malformed(a.out)


if __name__ == "__main__":
    main()
