#!/usr/bin/env python3
"""Differential fuzzer: random depthwise-separable int8 .tflite models, DSCFlow's CLI vs TFLite Micro.

Usage:
    python tools/fuzz_tflite.py                                # 50 models, DSCFlow CLI found automatically
    python tools/fuzz_tflite.py --count 200 --seed 7 --dscflow .build/release/dscflow --keep /tmp/fuzz-fail
    python tools/fuzz_tflite.py --first 17 --count 1 --seed 7  # exactly model 17 of seed 7 again
    python tools/fuzz_tflite.py --against litert               # no DSCFlow: check LiteRT BUILTIN_REF instead
                                                               # (a self-test of the generator and harness)

Requirements: tools/requirements.txt. TensorFlow runs on one thread.

Each model i (seeded by --seed and i, so it can be rebuilt alone with --first i --count 1) is a random plan:
input H, W in 5..40 (odd and even), C in 1..16; 1 to 5 blocks drawn from
    conv      Conv2D, kernel 1..5 (sometimes non-square), stride 1/2, SAME/VALID
    dw        DepthwiseConv2D, kernel 1..5, stride 1/2, SAME/VALID, depth multiplier 1/2/4
    pw        1x1 Conv2D
    dsc       DW + BN + act, PW + BN + act
    pool      MaxPooling2D / AveragePooling2D, window 2..3, stride 1/2, SAME/VALID
    residual  DW 3x3 + BN + act, PW + BN, added to the block input (ADD), optional ReLU
    concat    a pointwise branch and a depthwise or 3x3 branch, concatenated on channels
    s2d       space_to_depth block 2 (even sizes only)
    pad       ZeroPadding2D with random amounts
with ReLU / ReLU6 / no activation, then a head: none, GAP, GAP + FC, GAP + FC + softmax, or Flatten + FC.
The Keras model gets random weights and is converted to fully-int8 .tflite (tflite_oracle.convert_int8).
Models the converter turns into ops DSCFlow does not import are replaced by the next plan (reported as skip).

For each model and each of --inputs random int8 inputs, TFLite Micro gives every op's output, and the
system under test runs:
    $DSCFLOW run MODEL --input IN.bin --output OUT.bin --dump-dir DIR
(DIR receives opNNN_<OPNAME>.bin for every op). Every op's bytes and the output bytes must equal TFLM's.
One line per model, then `N passed, M failed`; exit status 1 on any failure. A failing model is kept in
--keep DIR/<model>/: model.tflite, plan.txt (the plan and the converted ops), and per input case/
(input.bin, TFLM's opNNN files and manifest.tsv, the CLI's dump in case/dscflow/, and the CLI's stderr).

The DSCFlow binary: --dscflow, else $DSCFLOW, else .build/release/dscflow or .build/debug/dscflow in this
repository. With --against litert, LiteRT's BUILTIN_REF kernels take its place (a FULLY_CONNECTED difference
is tolerated there, like in make_fixtures.py: LiteRT requantizes FC in floating point).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_oracle as oracle  # noqa: E402

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACTS = ['relu', 'relu6', None]


# --------------------------------------------------------------------------------------------------
# Random plans (pure data, so a plan can be printed and rebuilt)

def out_size(n, k, s, padding):
    return -(-n // s) if padding == 'same' else (n - k) // s + 1


def random_plan(rng):
    h, w, c = int(rng.integers(5, 41)), int(rng.integers(5, 41)), int(rng.integers(1, 17))
    plan = {'shape': (1, h, w, c), 'input_range': [(-1.0, 1.0), (0.0, 1.0), (-2.0, 3.0)][int(rng.integers(3))],
            'blocks': [], 'head': None}
    act = lambda: ACTS[int(rng.integers(3))]  # noqa: E731

    def kernel(limit_h, limit_w):
        k = int(rng.integers(1, 6))
        kh, kw = k, k
        if rng.random() < 0.2:
            kw = int(rng.integers(1, 6))
        return min(kh, limit_h), min(kw, limit_w)

    def stride_pad(hh, ww, kh, kw):
        s = 2 if rng.random() < 0.35 and min(hh, ww) >= 4 else 1
        p = 'valid' if rng.random() < 0.4 else 'same'
        return s, p

    kinds = ['conv', 'dw', 'pw', 'dsc', 'pool', 'residual', 'concat', 's2d', 'pad']
    weights = np.array([3, 3, 2, 4, 2, 2, 2, 1, 1], float)
    for _ in range(int(rng.integers(1, 6))):
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        b = {'kind': kind}
        if kind == 's2d' and (h % 2 or w % 2 or c * 4 > 64):
            kind = b['kind'] = 'pw'
        if kind in ('conv', 'dw', 'dsc'):
            kh, kw = kernel(h, w) if kind != 'dsc' else (min(3, h), min(3, w))
            s, p = stride_pad(h, w, kh, kw)
            b.update(kernel=(kh, kw), stride=s, padding=p, act=act())
            if kind == 'dw':
                b['dm'] = [1, 1, 2, 4][int(rng.integers(4))] if c <= 16 else 1
            if kind in ('conv', 'dsc'):
                b['filters'] = int(rng.integers(1, 33))
            if kind == 'dsc':
                b['act2'] = act()
            h, w = out_size(h, kh, s, p), out_size(w, kw, s, p)
            c = b.get('filters', c * b.get('dm', 1))
        elif kind == 'pw':
            b.update(filters=int(rng.integers(1, 33)), act=act())
            c = b['filters']
        elif kind == 'pool':
            k = min(int(rng.integers(2, 4)), h, w)
            s, p = (2 if min(h, w) >= 4 and rng.random() < 0.6 else 1), ('valid' if rng.random() < 0.5 else 'same')
            b.update(op='max' if rng.random() < 0.5 else 'avg', window=k, stride=s, padding=p)
            h, w = out_size(h, k, s, p), out_size(w, k, s, p)
        elif kind == 'residual':
            b.update(act=act(), post_relu=bool(rng.random() < 0.5))
        elif kind == 'concat':
            b.update(filters=int(rng.integers(1, 17)), act=act(), act2=act(), other='dw' if rng.random() < 0.5 else 'conv3')
            c = b['filters'] + (c if b['other'] == 'dw' else b['filters'])
        elif kind == 's2d':
            h, w, c = h // 2, w // 2, c * 4
        elif kind == 'pad':
            b['pads'] = tuple(tuple(int(v) for v in rng.integers(0, 3, size=2)) for _ in range(2))
            h, w = h + sum(b['pads'][0]), w + sum(b['pads'][1])
        plan['blocks'].append(b)
    heads = ['none', 'gap', 'gap_fc', 'gap_fc_softmax'] + (['flatten_fc'] if h * w * c <= 512 else [])
    plan['head'] = {'kind': heads[int(rng.integers(len(heads)))], 'units': int(rng.integers(2, 13))}
    return plan


def plan_text(plan):
    lines = [f'input {plan["shape"]} range {plan["input_range"]}']
    lines += [' '.join(f'{k}={v}' for k, v in b.items()) for b in plan['blocks']]
    lines.append(f'head {plan["head"]["kind"]} units={plan["head"]["units"]}')
    return '\n'.join(lines)


def build_keras(plan):
    keras = oracle.keras()
    tf = oracle.tensorflow()
    L = keras.layers
    keras.backend.clear_session()

    def activation(x, a):
        return L.ReLU(6.0)(x) if a == 'relu6' else L.ReLU()(x) if a == 'relu' else x

    class SpaceToDepth(L.Layer):
        def call(self, x):
            return tf.nn.space_to_depth(x, 2)

    inp = keras.Input(shape=plan['shape'][1:], batch_size=1)
    x = inp
    for b in plan['blocks']:
        k = b['kind']
        if k == 'conv':
            x = L.Conv2D(b['filters'], b['kernel'], strides=b['stride'], padding=b['padding'], activation=b['act'])(x)
        elif k == 'dw':
            x = L.DepthwiseConv2D(b['kernel'], strides=b['stride'], padding=b['padding'], depth_multiplier=b['dm'],
                                  activation=b['act'])(x)
        elif k == 'pw':
            x = L.Conv2D(b['filters'], 1, activation=b['act'])(x)
        elif k == 'dsc':
            x = L.DepthwiseConv2D(b['kernel'], strides=b['stride'], padding=b['padding'], use_bias=False)(x)
            x = activation(L.BatchNormalization()(x), b['act'])
            x = L.Conv2D(b['filters'], 1, use_bias=False)(x)
            x = activation(L.BatchNormalization()(x), b['act2'])
        elif k == 'pool':
            P = L.MaxPooling2D if b['op'] == 'max' else L.AveragePooling2D
            x = P(b['window'], strides=b['stride'], padding=b['padding'])(x)
        elif k == 'residual':
            y = L.DepthwiseConv2D(3, padding='same', use_bias=False)(x)
            y = activation(L.BatchNormalization()(y), b['act'])
            y = L.BatchNormalization()(L.Conv2D(x.shape[-1], 1, use_bias=False)(y))
            x = L.Add()([x, y])
            if b['post_relu']:
                x = L.ReLU()(x)
        elif k == 'concat':
            a = L.Conv2D(b['filters'], 1, activation=b['act'])(x)
            if b['other'] == 'dw':
                o = L.DepthwiseConv2D(3, padding='same', activation=b['act2'])(x)
            else:
                o = L.Conv2D(b['filters'], 3, padding='same', activation=b['act2'])(x)
            x = L.Concatenate()([a, o])
        elif k == 's2d':
            x = SpaceToDepth()(x)
        elif k == 'pad':
            x = L.ZeroPadding2D(b['pads'])(x)
    head = plan['head']
    if head['kind'] != 'none':
        x = L.Flatten()(x) if head['kind'] == 'flatten_fc' else L.GlobalAveragePooling2D()(x)
        if head['kind'] != 'gap':
            x = L.Dense(head['units'])(x)
        if head['kind'] == 'gap_fc_softmax':
            x = L.Softmax()(x)
    return keras.Model(inp, x)


def make_model(seed, index, max_tries=8):
    """(TFLiteModel, plan, skipped reasons) for model `index`; replans when the converter output is unusable."""
    skipped = []
    for attempt in range(max_tries):
        rng = np.random.default_rng([seed, index, attempt])
        plan = random_plan(rng)
        km = build_keras(plan)
        oracle.randomize_weights(km, rng)
        model = oracle.TFLiteModel(oracle.convert_int8(km, plan['shape'], rng, plan['input_range']))
        problems = model.problems()
        if not problems:
            return model, plan, skipped
        skipped.append(f'attempt {attempt}: ' + '; '.join(problems))
    raise RuntimeError('no usable model: ' + ' | '.join(skipped))


# --------------------------------------------------------------------------------------------------
# Systems under test


def find_dscflow(explicit):
    for c in [explicit, os.environ.get('DSCFLOW'), os.path.join(REPO, '.build', 'release', 'dscflow'),
              os.path.join(REPO, '.build', 'debug', 'dscflow')]:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    return None


def run_dscflow(binary, model_path, x, workdir):
    """Run the CLI; returns ({op index: bytes}, output bytes, error text or None)."""
    inp, outp, dump = (os.path.join(workdir, n) for n in ('input.bin', 'output.bin', 'dscflow'))
    x.tofile(inp)
    os.makedirs(dump, exist_ok=True)
    try:
        r = subprocess.run([binary, 'run', model_path, '--input', inp, '--output', outp, '--dump-dir', dump],
                           capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return {}, None, 'timed out after 120 s'
    with open(os.path.join(workdir, 'dscflow.stderr'), 'w') as f:
        f.write(r.stdout + r.stderr)
    if r.returncode != 0:
        return {}, None, f'exit status {r.returncode}: ' + (r.stderr.strip().splitlines() or ['(no message)'])[-1]
    ops = {}
    for f in os.listdir(dump):
        if f.startswith('op') and f.endswith('.bin'):
            ops[f] = open(os.path.join(dump, f), 'rb').read()
    out = open(outp, 'rb').read() if os.path.exists(outp) else None
    return ops, out, None


def compare_to_tflm(model, vals, out, got_ops, got_out):
    """Problems (list of strings) between TFLM's values and the files the system under test wrote."""
    problems = []
    for k, op in enumerate(model.ops):
        name = oracle.op_file_name(k, op.name)
        want = vals[op.outputs[0]]
        if name not in got_ops:
            problems.append(f'{name} missing')
            continue
        got = np.frombuffer(got_ops[name], dtype=want.dtype)
        if got.size != want.size:
            problems.append(f'{name}: {got.size} values, want {want.size}')
            continue
        d = np.abs(got.astype(np.int64) - want.ravel().astype(np.int64))
        if d.any():
            first = int(np.argmax(d > 0))
            problems.append(f'{name} ({model.describe_op(k)}): {int((d > 0).sum())}/{d.size} differ, '
                            f'max |diff| {int(d.max())}, first at flat index {first} '
                            f'(got {int(got[first])}, TFLM {int(want.ravel()[first])})')
    extra = sorted(set(got_ops) - {oracle.op_file_name(k, op.name) for k, op in enumerate(model.ops)})
    if extra:
        problems.append(f'unexpected dump files {extra[:4]}')
    if got_out is None or got_out != out.tobytes():
        problems.append('output.bin missing' if got_out is None else 'output.bin differs')
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split('\n\n', 1)[1])
    ap.add_argument('--count', type=int, default=50, help='number of models (default %(default)s)')
    ap.add_argument('--seed', type=int, default=1, help='random seed (default %(default)s)')
    ap.add_argument('--first', type=int, default=0, help='index of the first model (default %(default)s)')
    ap.add_argument('--inputs', type=int, default=2, help='random inputs per model (default %(default)s)')
    ap.add_argument('--dscflow', metavar='PATH', help='the dscflow CLI (default: $DSCFLOW or .build/*/dscflow)')
    ap.add_argument('--against', choices=['dscflow', 'litert'], default='dscflow',
                    help='system under test (default %(default)s; litert = self-test without DSCFlow)')
    ap.add_argument('--keep', metavar='DIR', default='fuzz-failures',
                    help='where failing models are kept (default ./%(default)s)')
    args = ap.parse_args()

    binary = None
    if args.against == 'dscflow':
        binary = find_dscflow(args.dscflow)
        if binary is None:
            sys.exit('error: no dscflow CLI (give --dscflow PATH or set $DSCFLOW, or use --against litert)')
        print(f'system under test: {binary}')
    else:
        print('system under test: LiteRT BUILTIN_REF (self-test)')

    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix='fuzz_tflite_') as tmp:
        for index in range(args.first, args.first + args.count):
            name = f'fuzz_s{args.seed}_{index:04d}'
            try:
                model, plan, skipped = make_model(args.seed, index)
            except Exception as e:  # noqa: BLE001 - a generator problem is a failure too, but go on
                failed += 1
                print(f'FAIL  {name}: could not make a model: {e}', flush=True)
                continue
            for s in skipped:
                print(f'skip  {name} {s}')
            mdir = os.path.join(tmp, name)
            os.makedirs(mdir)
            model_path = os.path.join(mdir, 'model.tflite')
            with open(model_path, 'wb') as f:
                f.write(model.bytes)
            rng = np.random.default_rng([args.seed, index, 1000])
            problems = []
            for case in range(args.inputs):
                x = rng.integers(-128, 128, size=model.input.shape, dtype=np.int16).astype(np.int8)
                vals, out = oracle.run_tflm(model, x)
                cdir = os.path.join(mdir, f'case{case}')
                oracle.write_case(cdir, model, x, vals, out)
                if binary:
                    got_ops, got_out, err = run_dscflow(binary, model_path, x, cdir)
                    p = [f'case{case}: dscflow {err}'] if err else \
                        [f'case{case}: {q}' for q in compare_to_tflm(model, vals, out, got_ops, got_out)]
                else:
                    r_vals, _ = oracle.run_litert_ref(model, x)
                    ok, note, diffs = oracle.compare_runs(model, r_vals, vals)
                    p = [] if ok else [f'case{case}: {q}' for q in diffs]
                problems += p
            summary = f'{"x".join(map(str, model.input.shape))} {len(model.ops)} ops: {",".join(model.op_names())}'
            if problems:
                failed += 1
                keep = os.path.join(args.keep, name)
                shutil.rmtree(keep, ignore_errors=True)
                shutil.copytree(mdir, keep)
                with open(os.path.join(keep, 'plan.txt'), 'w') as f:
                    f.write(plan_text(plan) + '\n\nconverted:\n' +
                            '\n'.join(f'{k:03d} {model.describe_op(k)}' for k in range(len(model.ops))) +
                            '\n\nproblems:\n' + '\n'.join(problems) + '\n')
                print(f'FAIL  {name} {summary}', flush=True)
                for q in problems[:3]:
                    print(f'      {q}')
                print(f'      kept in {keep}')
            else:
                passed += 1
                print(f'ok    {name} {summary}', flush=True)
            shutil.rmtree(mdir, ignore_errors=True)
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
