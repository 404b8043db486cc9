"""Shared code for DSCFlow's fixture tools: build int8 .tflite models, run the reference interpreters.

Used by `make_fixtures.py` and `fuzz_tflite.py` (both in this folder); not a program on its own.

What is here:
  * `convert_int8(keras_model, ...)`: Keras model -> fully-int8 .tflite bytes (TFLiteConverter, a random
    representative dataset, int8 input and output).
  * `randomize_weights(keras_model, rng)`: fills every weight with seeded random values (fresh Keras layers
    have zero biases and identity batch norms, which the converter folds away or makes trivial).
  * `TFLiteModel`: the operators (with their options, for descriptions) and tensors of subgraph 0.
  * `run_tflm` / `run_litert_ref`: every operator's output tensors from TensorFlow Lite Micro
    (kPreserveAllTensors) and from LiteRT's reference kernels (OpResolverType.BUILTIN_REF).
  * `compare_runs`: the bit-exact comparison of the two, with the one known, accepted difference
    (LiteRT's reference FULLY_CONNECTED requantizes in floating point; TFLM is the authority).
  * `write_case` / `read_manifest`: the fixture case layout (input.bin, opNNN_<OPNAME>.bin, output.bin,
    manifest.tsv), the same layout and manifest columns as the shared goldens.

TensorFlow is imported lazily (only the model builders need it) and limited to one thread.
"""
import os
import re

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')
for _var in ('OMP_NUM_THREADS', 'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS'):
    os.environ.setdefault(_var, '1')

import numpy as np  # noqa: E402
from ai_edge_litert import schema_py_generated as schema  # noqa: E402

OP_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith('_')}
TYPE_NAMES = {v: k for k, v in vars(schema.TensorType).items() if not k.startswith('_')}
ACTIVATION_NAMES = {v: k for k, v in vars(schema.ActivationFunctionType).items() if not k.startswith('_')}
PADDING_NAMES = {v: k for k, v in vars(schema.Padding).items() if not k.startswith('_')}
NP_DTYPES = {'INT8': np.int8, 'UINT8': np.uint8, 'INT16': np.int16, 'INT32': np.int32, 'INT64': np.int64,
             'FLOAT32': np.float32, 'FLOAT16': np.float16, 'BOOL': np.bool_}

# The TFLite builtins DSCFlow imports (see Sources/DSCFlow/Graph/Operation.swift).
SUPPORTED_OPS = frozenset({
    'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'MEAN', 'ADD',
    'CONCATENATION', 'PAD', 'RESHAPE', 'SPACE_TO_DEPTH', 'SOFTMAX'})

_tf = None


def tensorflow():
    """Import TensorFlow once, on one thread (the build machine is shared)."""
    global _tf
    if _tf is None:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.get_logger().setLevel('ERROR')
        _tf = tf
    return _tf


def keras():
    """Import Keras (after TensorFlow's thread settings, which must come before any TF op runs)."""
    tensorflow()
    import keras as k
    return k


# --------------------------------------------------------------------------------------------------
# Building models


def randomize_weights(model, rng):
    """Give every weight of a Keras model a seeded random value.

    Kernels get He-normal values (so activations keep a similar range through a stack); biases, batch-norm
    shifts and means are small and nonzero; batch-norm scales and variances are spread around 1, so folding
    them changes every output channel's scale differently (per-channel quantization matters).
    """
    for layer in model.layers:
        ws = layer.get_weights()
        if not ws:
            continue
        names = [w.name.split('/')[-1].split(':')[0] for w in layer.weights]
        new = []
        for name, w in zip(names, ws):
            if name in ('kernel', 'depthwise_kernel'):
                if w.ndim == 4 and name == 'depthwise_kernel':
                    fan_in = w.shape[0] * w.shape[1]
                elif w.ndim == 4:
                    fan_in = w.shape[0] * w.shape[1] * w.shape[2]
                else:
                    fan_in = w.shape[0]
                v = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=w.shape)
            elif name == 'bias':
                v = rng.normal(0.0, 0.3, size=w.shape)
            elif name == 'gamma':
                v = rng.uniform(0.4, 1.6, size=w.shape)
            elif name in ('beta', 'moving_mean'):
                v = rng.normal(0.0, 0.3, size=w.shape)
            elif name == 'moving_variance':
                v = rng.uniform(0.3, 2.0, size=w.shape)
            else:
                raise ValueError(f'randomize_weights: unknown weight {name!r} in layer {layer.name}')
            new.append(v.astype(w.dtype))
        layer.set_weights(new)


def convert_int8(model, input_shape, rng, input_range=(-1.0, 1.0), samples=16, options=None):
    """Convert a Keras model to a fully-int8 .tflite flatbuffer (int8 input and output tensors).

    The representative dataset is `samples` arrays uniform in `input_range`, so the input tensor's
    quantization covers that range (e.g. (0, 1) gives zero point -128).
    """
    tf = tensorflow()
    lo, hi = input_range
    data = [rng.uniform(lo, hi, size=input_shape).astype(np.float32) for _ in range(samples)]
    # A handful of samples at the ends of the range, so the calibrated input range is exactly [lo, hi].
    data += [np.full(input_shape, lo, np.float32), np.full(input_shape, hi, np.float32)]

    def representative():
        for d in data:
            yield [d]

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    for k, v in (options or {}).items():
        if not hasattr(conv, k):
            raise ValueError(f'TFLiteConverter has no attribute {k!r}')
        setattr(conv, k, v)
    with quiet() as log:
        try:
            return conv.convert()
        except Exception:
            log.dump()
            raise


class quiet:
    """Silence stdout and stderr, also of C++ code (the converter prints its SavedModel signature, warnings
    and 'fully_quantize: ...' lines); dump() replays what was said, for error reports."""

    def __enter__(self):
        import sys
        import tempfile
        import warnings
        sys.stdout.flush()
        sys.stderr.flush()
        self._file = tempfile.TemporaryFile(mode='w+b')
        self._saved = [os.dup(1), os.dup(2)]
        os.dup2(self._file.fileno(), 1)
        os.dup2(self._file.fileno(), 2)
        self._warn = warnings.catch_warnings()
        self._warn.__enter__()
        warnings.simplefilter('ignore')
        return self

    def text(self):
        """What was printed so far."""
        import sys
        sys.stdout.flush()
        sys.stderr.flush()
        self._file.seek(0)
        return self._file.read().decode('utf-8', 'replace')

    def dump(self):
        import sys
        said = self.text()
        self.__exit__(None, None, None)
        sys.stderr.write(said)

    def __exit__(self, *exc):
        import sys
        if self._saved is None:
            return False
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(self._saved[0], 1)
        os.dup2(self._saved[1], 2)
        for fd in self._saved:
            os.close(fd)
        self._saved = None
        self._warn.__exit__(None, None, None)
        return False


# --------------------------------------------------------------------------------------------------
# Reading a .tflite file


class TensorInfo:
    def __init__(self, model, sg, index):
        t = sg.Tensors(index)
        self.index = index
        self.name = t.Name().decode('utf-8', 'replace')
        self.type_name = TYPE_NAMES.get(t.Type(), str(t.Type()))
        self.dtype = NP_DTYPES.get(self.type_name)
        self.shape = [int(d) for d in t.ShapeAsNumpy()] if t.ShapeLength() else []
        q = t.Quantization()
        self.scales = [float(s) for s in q.ScaleAsNumpy()] if q is not None and q.ScaleLength() else []
        self.zero_points = [int(z) for z in q.ZeroPointAsNumpy()] if q is not None and q.ZeroPointLength() else []
        buf = model.Buffers(t.Buffer()) if t.Buffer() > 0 else None
        self.data = None
        if buf is not None and buf.DataLength() and self.dtype is not None:
            self.data = np.frombuffer(buf.DataAsNumpy().tobytes(), dtype=np.dtype(self.dtype).newbyteorder('<'))
            self.data = self.data.reshape(self.shape) if self.shape else self.data.reshape(())

    @property
    def size(self):
        return int(np.prod(self.shape)) if self.shape else 1


class OpInfo:
    def __init__(self, name, inputs, outputs, options):
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.options = options        # dict of the builtin options we describe, e.g. {'stride': (2, 2)}


_OPTION_CLASSES = {
    'CONV_2D': schema.Conv2DOptions, 'DEPTHWISE_CONV_2D': schema.DepthwiseConv2DOptions,
    'AVERAGE_POOL_2D': schema.Pool2DOptions, 'MAX_POOL_2D': schema.Pool2DOptions,
    'FULLY_CONNECTED': schema.FullyConnectedOptions, 'MEAN': schema.ReducerOptions,
    'ADD': schema.AddOptions, 'CONCATENATION': schema.ConcatenationOptions,
    'SPACE_TO_DEPTH': schema.SpaceToDepthOptions, 'SOFTMAX': schema.SoftmaxOptions,
}


def _read_options(name, op):
    cls = _OPTION_CLASSES.get(name)
    table = op.BuiltinOptions()
    if cls is None or table is None:
        return {}
    o = cls()
    o.Init(table.Bytes, table.Pos)
    d = {}
    if hasattr(o, 'Padding'):
        d['padding'] = PADDING_NAMES.get(o.Padding(), o.Padding())
    if hasattr(o, 'StrideH'):
        d['stride'] = (o.StrideH(), o.StrideW())
    if hasattr(o, 'DilationHFactor'):
        d['dilation'] = (o.DilationHFactor(), o.DilationWFactor())
    if hasattr(o, 'FilterHeight'):
        d['filter'] = (o.FilterHeight(), o.FilterWidth())
    if hasattr(o, 'DepthMultiplier'):
        d['depth_multiplier'] = o.DepthMultiplier()
    if hasattr(o, 'FusedActivationFunction'):
        d['activation'] = ACTIVATION_NAMES.get(o.FusedActivationFunction(), o.FusedActivationFunction())
    if hasattr(o, 'KeepNumDims'):
        d['keep_num_dims'] = bool(o.KeepNumDims())
    if hasattr(o, 'KeepDims'):
        d['keep_dims'] = bool(o.KeepDims())
    if name == 'CONCATENATION':
        d['axis'] = o.Axis()
    if hasattr(o, 'BlockSize'):
        d['block_size'] = o.BlockSize()
    if hasattr(o, 'Beta'):
        d['beta'] = o.Beta()
    return d


class TFLiteModel:
    """Operators and tensors of subgraph 0 of a .tflite flatbuffer."""

    def __init__(self, model_bytes):
        self.bytes = bytes(model_bytes)
        m = schema.Model.GetRootAs(self.bytes, 0)
        if m.SubgraphsLength() != 1:
            raise ValueError(f'the model has {m.SubgraphsLength()} subgraphs; only 1 is supported')
        sg = m.Subgraphs(0)
        self.tensors = [TensorInfo(m, sg, i) for i in range(sg.TensorsLength())]
        self.ops = []
        for i in range(sg.OperatorsLength()):
            op = sg.Operators(i)
            oc = m.OperatorCodes(op.OpcodeIndex())
            code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
            name = OP_NAMES.get(code, f'OP{code}')
            if name == 'CUSTOM':
                name = 'CUSTOM_' + re.sub(r'[^A-Za-z0-9]+', '_', (oc.CustomCode() or b'').decode())
            ins = [int(x) for x in op.InputsAsNumpy()] if op.InputsLength() else []
            outs = [int(x) for x in op.OutputsAsNumpy()] if op.OutputsLength() else []
            self.ops.append(OpInfo(name, ins, outs, _read_options(name, op)))
        self.inputs = [int(x) for x in sg.InputsAsNumpy()]
        self.outputs = [int(x) for x in sg.OutputsAsNumpy()]

    @property
    def input(self):
        return self.tensors[self.inputs[0]]

    def op_names(self):
        """Distinct operator names, in order of first use."""
        return list(dict.fromkeys(op.name for op in self.ops))

    def problems(self, allowed=SUPPORTED_OPS):
        """Why DSCFlow's fixtures cannot use this model (empty list: it is fine)."""
        out = []
        if len(self.inputs) != 1 or len(self.outputs) != 1:
            out.append(f'{len(self.inputs)} inputs and {len(self.outputs)} outputs (want 1 and 1)')
        for k, op in enumerate(self.ops):
            if op.name not in allowed:
                out.append(f'op {k} is {op.name}')
            for t in op.outputs:
                if self.tensors[t].type_name != 'INT8':
                    out.append(f'op {k} {op.name} writes a {self.tensors[t].type_name} tensor')
        for t in self.inputs:
            if self.tensors[t].type_name != 'INT8':
                out.append(f'the input is {self.tensors[t].type_name}')
        return out

    def describe_op(self, k):
        """One line about operator k: name, shapes and the options that matter, e.g.
        'CONV_2D 1x9x9x3 -> 1x9x9x8 k3x3 s1,1 SAME RELU6'."""
        op = self.ops[k]
        o = op.options
        shp = lambda t: 'x'.join(map(str, self.tensors[t].shape)) or 'scalar'  # noqa: E731
        words = [op.name, ' + '.join(shp(t) for t in op.inputs[:1] + (op.inputs[1:] if op.name in (
            'ADD', 'CONCATENATION') else []) if t >= 0), '->', shp(op.outputs[0])]
        if op.name in ('CONV_2D', 'DEPTHWISE_CONV_2D'):
            w = self.tensors[op.inputs[1]].shape
            words.append(f'k{w[1]}x{w[2]}')
            if op.name == 'CONV_2D' and w[3] != self.tensors[op.inputs[0]].shape[3]:
                words.append(f'groups={self.tensors[op.inputs[0]].shape[3] // w[3]}')
            if op.name == 'DEPTHWISE_CONV_2D':
                words.append(f'dm={o["depth_multiplier"]}')
        if 'filter' in o:
            words.append(f'f{o["filter"][0]}x{o["filter"][1]}')
        if 'stride' in o:
            words.append(f's{o["stride"][0]},{o["stride"][1]}')
        if o.get('dilation', (1, 1)) != (1, 1):
            words.append(f'dil{o["dilation"][0]},{o["dilation"][1]}')
        if 'padding' in o:
            words.append(o['padding'])
        if op.name in ('FULLY_CONNECTED', 'CONV_2D', 'DEPTHWISE_CONV_2D'):
            has_bias = len(op.inputs) > 2 and op.inputs[2] >= 0
            words.append('bias' if has_bias else 'no-bias')
            wq = self.tensors[op.inputs[1]].scales
            words.append('per-channel' if len(wq) > 1 else 'per-tensor')
        if o.get('keep_num_dims'):
            words.append('keep_num_dims')
        if op.name == 'MEAN':
            axes = self.tensors[op.inputs[1]].data
            words.append(f'axes={list(map(int, np.ravel(axes))) if axes is not None else "?"}')
            words.append(f'keep_dims={o.get("keep_dims")}')
        if op.name in ('PAD', 'PADV2'):
            p = self.tensors[op.inputs[1]].data
            words.append(f'paddings={p.tolist() if p is not None else "?"}')
            if op.name == 'PADV2':
                v = self.tensors[op.inputs[2]].data
                words.append(f'value={v.ravel().tolist() if v is not None else "?"}')
        if 'axis' in o:
            words.append(f'axis={o["axis"]}')
        if 'block_size' in o:
            words.append(f'block={o["block_size"]}')
        if 'beta' in o:
            words.append(f'beta={o["beta"]:g}')
        act = o.get('activation')
        if act not in (None, 'NONE'):
            words.append(act)
        return ' '.join(words)


# --------------------------------------------------------------------------------------------------
# Running the two reference interpreters


def op_output_ids(model):
    return sorted({t for op in model.ops for t in op.outputs})


def run_tflm(model, x):
    """TFLite Micro (kPreserveAllTensors): {tensor index: array} for every op output, and the model output."""
    from tflite_micro import runtime as tflm
    act_bytes = sum(t.size * np.dtype(t.dtype or np.int32).itemsize for t in model.tensors)
    arena = max(10 * len(model.bytes), 4 * act_bytes + (1 << 20))
    for _ in range(4):
        try:
            it = tflm.Interpreter.from_bytes(model.bytes, arena_size=arena,
                                             intrepreter_config=tflm.InterpreterConfig.kPreserveAllTensors)
            break
        except RuntimeError:
            arena *= 4
    else:
        raise RuntimeError('TFLM could not allocate the model')
    it.set_input(x, 0)
    it.invoke()
    vals = {}
    for t in op_output_ids(model):
        a = np.asarray(it.GetTensor(t, 0)['tensor_data']).copy()
        vals[t] = a.reshape(model.tensors[t].shape)
    out = np.asarray(it.get_output(0)).copy().reshape(model.tensors[model.outputs[0]].shape)
    return vals, out


def run_litert_ref(model, x):
    """LiteRT with the reference kernels (BUILTIN_REF), all tensors preserved, one thread."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    it = Interpreter(model_content=model.bytes, num_threads=1,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                     experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]['index'], x)
    it.invoke()
    vals = {t: it.get_tensor(t).copy().reshape(model.tensors[t].shape) for t in op_output_ids(model)}
    out = it.get_tensor(it.get_output_details()[0]['index']).copy()
    return vals, out


def compare_runs(model, a_vals, b_vals, fc_tolerant=True):
    """Compare two runs op by op, bit for bit.

    Returns (ok, note, problems). If the first op that differs is a FULLY_CONNECTED and fc_tolerant is set,
    the runs are accepted (ok=True) and `note` says where they differ: LiteRT's BUILTIN_REF requantizes
    FULLY_CONNECTED in double precision where TFLM uses MultiplyByQuantizedMultiplier.
    """
    problems = []
    first_bad = None
    for k, op in enumerate(model.ops):
        for t in op.outputs:
            a, b = a_vals[t], b_vals[t]
            if a.dtype != b.dtype or a.shape != b.shape or not np.array_equal(a, b):
                if a.shape == b.shape and a.dtype == b.dtype:
                    d = np.abs(a.astype(np.int64) - b.astype(np.int64))
                    why = f'{int((d > 0).sum())}/{d.size} differ, max |diff| {int(d.max())}'
                else:
                    why = f'{a.dtype}{list(a.shape)} vs {b.dtype}{list(b.shape)}'
                problems.append(f'op {k:03d} {op.name}: {why}')
                if first_bad is None:
                    first_bad = k
    if not problems:
        return True, '', []
    if fc_tolerant and model.ops[first_bad].name == 'FULLY_CONNECTED':
        return True, f'LiteRT BUILTIN_REF differs from TFLM from FULLY_CONNECTED op {first_bad} on ' \
                     f'({problems[0].split(": ", 1)[1]})', problems
    return False, '', problems


# --------------------------------------------------------------------------------------------------
# The fixture case layout

MANIFEST_COLUMNS = ['file', 'op_index', 'op_name', 'tensor_name', 'dtype', 'shape', 'scale', 'zero_point']


def op_file_name(k, name):
    return f'op{k:03d}_{name}.bin'


def _fmt(values, conv):
    return ','.join(conv(v) for v in values) if values else '-'


def write_case(outdir, model, x, vals, out):
    """Write input.bin, opNNN_<OPNAME>.bin (first output of each op), output.bin and manifest.tsv."""
    os.makedirs(outdir, exist_ok=True)
    stale = re.compile(r'^(input\.bin|op\d{3,}_.*\.bin|output\d*\.bin|manifest\.tsv)$')
    for f in os.listdir(outdir):
        if stale.match(f):
            os.remove(os.path.join(outdir, f))
    rows = []
    producer = {t: k for k, op in enumerate(model.ops) for t in op.outputs}

    def write(fname, arr, tinfo, op_index, op_name):
        arr = np.ascontiguousarray(arr).astype(np.dtype(arr.dtype).newbyteorder('<'), copy=False)
        with open(os.path.join(outdir, fname), 'wb') as f:
            f.write(arr.tobytes())
        rows.append([fname, str(op_index), op_name, tinfo.name, np.dtype(arr.dtype).name,
                     ','.join(str(d) for d in arr.shape), _fmt(tinfo.scales, repr), _fmt(tinfo.zero_points, str)])

    write('input.bin', x, model.input, -1, 'INPUT')
    for k, op in enumerate(model.ops):
        write(op_file_name(k, op.name), vals[op.outputs[0]], model.tensors[op.outputs[0]], k, op.name)
    k = producer.get(model.outputs[0], -1)
    write('output.bin', out, model.tensors[model.outputs[0]], k, model.ops[k].name if k >= 0 else 'INPUT')
    with open(os.path.join(outdir, 'manifest.tsv'), 'w') as f:
        f.write('\t'.join(MANIFEST_COLUMNS) + '\n')
        for r in rows:
            f.write('\t'.join(r) + '\n')
    return len(rows)


def read_manifest(path):
    """manifest.tsv -> list of dicts (column name -> text)."""
    with open(path) as f:
        lines = f.read().splitlines()
    head = lines[0].split('\t')
    if head != MANIFEST_COLUMNS:
        raise ValueError(f'{path}: unexpected header {head}')
    return [dict(zip(head, line.split('\t'))) for line in lines[1:] if line]
