"""pytest suite of the Python binding. Tests that need ../shared (models, images, per-op goldens made by
TFLite Micro) skip, saying so, when it is absent; set DSCFLOW_SHARED to point elsewhere."""
import glob
import os
import threading

import numpy as np
import pytest

import dscflow
from dscflow.bmp import read_bmp8

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.environ.get("DSCFLOW_SHARED", os.path.join(ROOT, "..", "shared"))
PERSON = os.path.join(SHARED, "models", "person_detect.tflite")
GOLDENS = os.path.join(SHARED, "goldens", "person_detect")
FIXTURES = sorted(glob.glob(os.path.join(ROOT, "Tests", "DSCFlowTests", "Fixtures", "tflite", "*", "model.tflite")))

needs_shared = pytest.mark.skipif(not os.path.exists(PERSON), reason=f"{PERSON} is absent (../shared not present)")


def golden_input(case):
    """The int8 input of a person_detect case, made from the BMP the way goldens/README.md says."""
    return read_bmp8(os.path.join(SHARED, "images", f"{case}.bmp")).view(np.int8).reshape(1, 96, 96, 1)


def test_version_is_the_headers():
    header = open(os.path.join(ROOT, "include", "dscflow.h")).read()
    assert f'#define DSCFLOW_VERSION_STRING "{dscflow.version()}"' in header


def test_the_python_package_has_the_library_version():
    pyproject = open(os.path.join(HERE, "..", "pyproject.toml")).read()
    assert f'version = "{dscflow.version()}"' in pyproject


def test_missing_file_raises_io_error_with_the_path():
    with pytest.raises(dscflow.ModelIOError) as e:
        dscflow.Model.load("/nonexistent/dscflow/model.tflite")
    assert "/nonexistent/dscflow/model.tflite" in str(e.value)
    assert e.value.status == -4 and e.value.status_name == "DSC_ERR_IO"
    assert isinstance(e.value, OSError)


def test_garbage_bytes_raise_malformed_model():
    with pytest.raises(dscflow.MalformedModelError) as e:
        dscflow.Model.from_bytes(bytes(range(256)) * 4)
    assert "malformed model" in str(e.value)
    with pytest.raises(dscflow.MalformedModelError):
        dscflow.Model.from_bytes(b"")


@needs_shared
def test_person_detect_info():
    m = dscflow.Model.load(PERSON)
    assert len(m.inputs) == 1 and len(m.outputs) == 1 and len(m.ops) == 31
    x, y = m.inputs[0], m.outputs[0]
    assert (x.dtype, x.shape, x.byte_size) == (np.int8, (1, 96, 96, 1), 9216)
    assert (y.dtype, y.shape) == (np.int8, (1, 2))
    assert y.scale == pytest.approx(1 / 256) and y.zero_point == -128 and y.scale_count == 1
    assert m.macs == sum(op.macs for op in m.ops) > 0
    assert m.parameter_count > 0
    assert m.arena_size(preserve_all_tensors=True) >= m.arena_size() > 0


@needs_shared
def test_a_session_outlives_its_closed_model():
    with dscflow.Model.load(PERSON) as m:
        s = m.session()
    assert m._handle is None
    assert s.run(golden_input("person")).ravel().tolist() == [-113, 113]
    s.close()
    s.close()  # a second close does nothing


@needs_shared
@pytest.mark.parametrize("case,expected", [("person", [-113, 113]), ("no_person", [57, -57])])
def test_person_detect_gives_the_golden_output(case, expected):
    m = dscflow.Model.load(PERSON)
    out = m.session().run(golden_input(case))
    assert out.dtype == np.int8 and out.shape == (1, 2)
    assert out.ravel().tolist() == expected
    golden = np.fromfile(os.path.join(GOLDENS, case, "output.bin"), np.int8)
    assert out.ravel().tolist() == golden.tolist()


@needs_shared
def test_every_operator_output_equals_the_tflite_micro_golden():
    m = dscflow.Model.load(PERSON)
    s = m.session(preserve_all_tensors=True)
    s.run(golden_input("person"))
    for op in m.ops:
        path = glob.glob(os.path.join(GOLDENS, "person", f"op{op.index:03d}_*.bin"))
        assert len(path) == 1, f"no golden for op {op.index}"
        assert path[0].endswith(f"_{op.kind}.bin"), f"op {op.index} is {op.kind}; the golden is {path[0]}"
        golden = np.fromfile(path[0], np.int8).reshape(op.output.shape)
        np.testing.assert_array_equal(s.op_output(op.index), golden, err_msg=f"op {op.index} {op.kind}")


@needs_shared
def test_in_place_model_and_raw_bytes_run_agree():
    data = open(PERSON, "rb").read()
    m = dscflow.Model.from_bytes(data)
    raw = golden_input("person").tobytes()
    assert np.frombuffer(m.session().run_bytes(raw), np.int8).tolist() == [-113, 113]


@needs_shared
def test_wrong_sizes_and_states_raise_with_the_library_message():
    m = dscflow.Model.load(PERSON)
    s = m.session()
    with pytest.raises(dscflow.InvalidArgumentError, match="needs 9216 bytes"):
        s.run_bytes(b"\0" * 9215)
    with pytest.raises(dscflow.InvalidArgumentError):
        s.run(np.zeros(10, np.int8))
    with pytest.raises(dscflow.WrongStateError, match="DSC_SESSION_PRESERVE_ALL_TENSORS"):
        s.op_output(0)
    with pytest.raises(dscflow.WrongStateError, match="DSC_SESSION_PROFILE"):
        s.op_nanoseconds()
    with pytest.raises(dscflow.InvalidArgumentError, match="out of range"):
        m.session(preserve_all_tensors=True).op_output(len(m.ops))


@needs_shared
def test_profile_has_a_time_per_operator():
    m = dscflow.Model.load(PERSON)
    s = m.session(profile=True)
    s.run(golden_input("person"))
    times = s.op_nanoseconds()
    assert len(times) == len(m.ops) and sum(times) > 0


@needs_shared
def test_intra_op_threads_give_the_same_bytes():
    m = dscflow.Model.load(PERSON)
    rng = np.random.default_rng(5)
    x = rng.integers(-128, 128, (1, 96, 96, 1), dtype=np.int8)
    expected = m.session().run(x)
    for t in (2, 3):
        assert np.array_equal(m.session(threads=t).run(x), expected)
    with pytest.raises(ValueError, match="threads"):
        m.session(threads=0)
    with pytest.raises(ValueError, match="threads"):
        m.session(threads=65)


@needs_shared
def test_threads_with_their_own_sessions_match_one_thread():
    m = dscflow.Model.load(PERSON)
    rng = np.random.default_rng(3)
    inputs = [rng.integers(-128, 128, (1, 96, 96, 1), dtype=np.int8) for _ in range(6)]
    expected = [m.session().run(x) for x in inputs]
    results = [None] * len(inputs)

    def work(indices):
        s = m.session()
        for i in indices:
            results[i] = s.run(inputs[i])

    threads = [threading.Thread(target=work, args=(range(k, len(inputs), 2),)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e, r in zip(expected, results):
        np.testing.assert_array_equal(e, r)


FIXTURE_CASES = sorted(glob.glob(os.path.join(ROOT, "Tests", "DSCFlowTests", "Fixtures", "tflite", "*", "*", "output.bin")))


def test_the_project_fixtures_are_here():
    assert FIXTURES and FIXTURE_CASES, "Tests/DSCFlowTests/Fixtures/tflite is missing"


@pytest.mark.parametrize("output", FIXTURE_CASES,
                         ids=lambda p: "/".join(p.split(os.sep)[-3:-1]))
def test_project_fixture_every_operator_equals_tflite_micro(output):
    """Each fixture case through the binding: the model output and every operator's output equal the
    TFLite Micro goldens stored with the fixture."""
    case = os.path.dirname(output)
    m = dscflow.Model.load(os.path.join(os.path.dirname(case), "model.tflite"))
    x = np.fromfile(os.path.join(case, "input.bin"), m.inputs[0].dtype).reshape(m.inputs[0].shape)
    s = m.session(preserve_all_tensors=True)
    y = s.run(x)
    np.testing.assert_array_equal(y.ravel(), np.fromfile(output, m.outputs[0].dtype))
    for op in m.ops:
        path = glob.glob(os.path.join(case, f"op{op.index:03d}_*.bin"))
        assert len(path) == 1, f"no golden for op {op.index}"
        golden = np.fromfile(path[0], op.output.dtype).reshape(op.output.shape)
        np.testing.assert_array_equal(s.op_output(op.index), golden, err_msg=f"op {op.index} {op.kind}")


ONNX_CASES = sorted(glob.glob(os.path.join(ROOT, "Tests", "DSCFlowTests", "Fixtures", "onnx", "*", "rand0", "manifest.tsv")))


def test_the_onnx_fixtures_are_here():
    assert len(ONNX_CASES) >= 12, "Tests/DSCFlowTests/Fixtures/onnx is missing"


@pytest.mark.parametrize("manifest", ONNX_CASES, ids=lambda p: p.split(os.sep)[-3])
def test_onnx_fixture_outputs_equal_onnx_runtime(manifest):
    """An 8-bit ONNX model through the binding: its own input (float32 NCHW for QDQ, 8-bit for QOperator)
    in, each graph output equal to ONNX Runtime's bytes stored with the fixture."""
    case = os.path.dirname(manifest)
    m = dscflow.Model.load(os.path.join(os.path.dirname(case), "model.onnx"))
    x = np.fromfile(os.path.join(case, "input.bin"), m.inputs[0].dtype).reshape(m.inputs[0].shape)
    y = m.session().run(x)
    ys = y if isinstance(y, list) else [y]
    rows = [line.rstrip("\n").split("\t") for line in open(manifest)][1:]
    outputs = [r for r in rows if r[4] == "output"]
    assert len(outputs) == len(ys) == len(m.outputs)
    for (f, _, dtype, _, _), got, info in zip(outputs, ys, m.outputs):
        assert np.dtype(info.dtype) == np.dtype(dtype)
        np.testing.assert_array_equal(got.ravel(), np.fromfile(os.path.join(case, f), dtype), err_msg=f)


# ---- Misuse and hostile sizes (issue 17) ----------------------------------------------------------

TINY = os.path.join(ROOT, "Tests", "DSCFlowTests", "Fixtures", "tflite", "mobilenet_tiny", "model.tflite")
ADD = os.path.join(ROOT, "Tests", "DSCFlowTests", "Fixtures", "tflite", "add_same_shape", "model.tflite")


def test_close_from_eight_threads_frees_once():
    for _ in range(50):
        m = dscflow.Model.load(TINY)
        s = m.session()
        start = threading.Barrier(8)

        def close_both():
            start.wait()
            s.close()
            m.close()

        threads = [threading.Thread(target=close_both) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with pytest.raises(dscflow.WrongStateError, match="closed"):
            s.run_bytes(b"\0")


def test_runs_from_several_threads_on_one_session_give_the_right_bytes():
    m = dscflow.Model.load(TINY)
    s = m.session()
    rng = np.random.default_rng(7)
    x = rng.integers(-128, 128, m.inputs[0].shape, dtype=np.int8)
    expected = s.run(x).copy()
    wrong = []

    def work():
        for _ in range(100):
            if not np.array_equal(s.run(x), expected):
                wrong.append(1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong


def test_a_session_above_the_memory_limit_raises_out_of_memory(tmp_path):
    data = bytearray(open(ADD, "rb").read())
    small = np.array([1, 8, 8, 4], "<i4").tobytes()
    large = np.array([1, 16384, 16384, 4], "<i4").tobytes()
    assert data.count(small) == 4
    path = tmp_path / "huge_add.tflite"
    path.write_bytes(bytes(data).replace(small, large))
    m = dscflow.Model.load(str(path))
    with pytest.raises(dscflow.OutOfMemoryError, match="memory limit"):
        m.session()


def test_a_model_file_above_the_size_limit_raises_io_error(tmp_path):
    path = tmp_path / "big.tflite"
    with open(path, "wb") as f:
        f.truncate(2 << 30)
    with pytest.raises(dscflow.ModelIOError, match="above the limit"):
        dscflow.Model.load(str(path))
