"""pytest suite of the Python package's checked inputs, image helpers, metadata, options and bench:
what the C API offers, on par. Tests that need ../shared skip, saying so, when it is absent."""
import dataclasses
import glob
import os
import sys
import warnings

import numpy as np
import pytest

import dscflow
import dscflow._library
import dscflow.bmp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.environ.get("DSCFLOW_SHARED", os.path.join(ROOT, "..", "shared"))
DETECTOR = os.path.join(ROOT, "models", "dscflow_detector.tflite")
SAMPLES = os.path.join(ROOT, "samples")
JPEGS = os.path.join(ROOT, "Tests", "DSCFlowTests", "Fixtures", "jpeg")
FIXTURE = os.path.join(ROOT, "Tests", "DSCFlowTests", "Fixtures", "tflite", "mobilenet_tiny", "model.tflite")
PERSON = os.path.join(SHARED, "models", "person_detect.tflite")
PERSON_BMP = os.path.join(SHARED, "images", "person.bmp")

needs_shared = pytest.mark.skipif(not os.path.exists(PERSON), reason=f"{PERSON} is absent (../shared not present)")


def expected_boxes():
    """samples/expected_boxes.txt: NAME [xmin, xmax, ymin, ymax] per sample."""
    with open(os.path.join(SAMPLES, "expected_boxes.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, box = line.split(" ", 1)
                yield name, [float(v) for v in box.strip().strip("[]").split(",")]


# ---- run: dtype and shape checked, never a silent cast --------------------------------------------

def fixture_session():
    model = dscflow.Model.load(FIXTURE)
    return model, model.session()


def test_a_float_array_for_an_int8_input_is_an_error_naming_quantize():
    model, s = fixture_session()
    info = model.inputs[0]
    assert info.dtype == np.int8
    with pytest.raises(dscflow.InvalidArgumentError, match="quantize=True"):
        s.run(np.full(info.shape, 0.7, np.float32))


def test_a_wider_integer_array_is_an_error_not_a_wrap():
    model, s = fixture_session()
    with pytest.raises(dscflow.InvalidArgumentError, match="int64"):
        s.run(np.full(model.inputs[0].shape, 200, np.int64))
    with pytest.raises(dscflow.InvalidArgumentError, match="uint8"):
        s.run(np.zeros(model.inputs[0].shape, np.uint8))


def test_the_shape_must_be_the_inputs():
    model, s = fixture_session()
    shape = model.inputs[0].shape
    with pytest.raises(dscflow.InvalidArgumentError, match="shape"):
        s.run(np.zeros((int(np.prod(shape)),), np.int8))
    with pytest.raises(dscflow.InvalidArgumentError, match="shape"):
        s.run(np.zeros(shape[1:], np.int8))
    with pytest.raises(dscflow.InvalidArgumentError, match="inputs"):
        s.run()


def test_quantize_uses_the_inputs_scale_and_zero_point():
    model, s = fixture_session()
    info = model.inputs[0]
    rng = np.random.default_rng(1)
    real = rng.normal(0, 1, info.shape).astype(np.float32)
    v = real.astype(np.float64) / info.scale
    manual = np.clip(np.sign(v) * np.floor(np.abs(v) + 0.5) + info.zero_point, -128, 127).astype(np.int8)
    assert np.array_equal(s.run(real, quantize=True), s.run(manual))
    # Half away from zero, then clamped: 0.5 and -0.5 steps, and values far outside the range.
    halves = np.zeros(info.shape, np.float32)
    halves.flat[0], halves.flat[1] = 0.5 * info.scale, -0.5 * info.scale
    halves.flat[2], halves.flat[3] = 1e9, -1e9
    q = dscflow.session.quantized(halves, dataclasses.replace(info, zero_point=0), 0)
    assert (q.flat[0], q.flat[1], q.flat[2], q.flat[3]) == (1, -1, 127, -128)
    with pytest.raises(dscflow.InvalidArgumentError, match="NaN"):
        s.run(np.full(info.shape, np.nan, np.float32), quantize=True)
    with pytest.raises(dscflow.InvalidArgumentError, match="float"):
        s.run(np.zeros(info.shape, np.int8), quantize=True)


# ---- images ---------------------------------------------------------------------------------------

def jpeg_fixtures():
    return sorted(p for p in glob.glob(os.path.join(JPEGS, "*.jpg")) if os.path.exists(p[:-4] + ".png"))


def test_read_image_decodes_jpeg_as_pillow_does():
    paths = jpeg_fixtures()
    assert len(paths) >= 12
    for jpg in paths:
        a, b = dscflow.read_image(jpg), dscflow.read_image(jpg[:-4] + ".png")
        assert a.dtype == np.uint8 and a.ndim == 3 and np.array_equal(a, b), jpg
    try:
        from PIL import Image
    except ImportError:
        pytest.skip("Pillow is not installed: compared with the stored Pillow decodes only")
    for jpg in paths:  # and with the Pillow at hand, when there is one
        pillow = np.asarray(Image.open(jpg))
        assert np.array_equal(dscflow.read_image(jpg).reshape(pillow.shape), pillow), jpg


def test_bad_images_raise_io_errors(tmp_path):
    jpg = os.path.join(JPEGS, "baseline_420_large.jpg")
    with open(jpg, "rb") as f:
        data = f.read()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(dscflow.ModelIOError, match="truncated|corrupt"):
        dscflow.read_image(cut)
    with pytest.raises(dscflow.ModelIOError, match="CMYK"):
        dscflow.read_image(os.path.join(JPEGS, "unsupported_cmyk.jpg"))
    with pytest.raises(dscflow.ModelIOError, match="no such file|nonexistent"):
        dscflow.read_image(tmp_path / "nonexistent.png")


def test_detect_gives_the_clis_boxes_and_none_below_the_minimum_score():
    model = dscflow.Model.load(DETECTOR)
    assert model.min_score() == 0.5
    for name, box in expected_boxes():
        d = dscflow.detect(model, os.path.join(SAMPLES, name), min_score=0)
        assert [d.xmin, d.xmax, d.ymin, d.ymax] == box, name
        default = dscflow.detect(model, os.path.join(SAMPLES, name))
        assert (default is None) == (d.score < 0.5), name
    first = dscflow.detect(DETECTOR, os.path.join(SAMPLES, "00000.png"))
    assert str(first) == "xmin 180 xmax 256 ymin 1 ymax 92 score 0.7771 (anchor 1, cell x 27 y 5)"
    assert dscflow.detect(DETECTOR, os.path.join(SAMPLES, "00002.png")) is None  # score 0.0331
    image = dscflow.read_image(os.path.join(SAMPLES, "00000.png"))
    assert dscflow.detect(model, image) == first  # arrays work as well as paths
    with pytest.raises(dscflow.InvalidArgumentError, match="head"):
        dscflow.detect(model, image, detection={"head": "nonsense"})


def test_preprocess_and_its_description():
    model = dscflow.Model.load(DETECTOR)
    p = model.preprocessing()
    assert p.options["range"] == "0,1" and p.options["resize"] == "bilinear" and p.assumed is None
    assert model.preprocessing({"range": (-1, 1)}).options["range"] == "-1,1"
    x = dscflow.preprocess(model, os.path.join(SAMPLES, "00000.png"))
    assert x.dtype == model.inputs[0].dtype and x.shape == model.inputs[0].shape
    y = dscflow.preprocess(model, os.path.join(SAMPLES, "00000.png"), preprocess={"range": "-1,1"})
    assert not np.array_equal(x, y)
    assert np.array_equal(model.session().run(x).ravel()[:10], model.session().run(x).ravel()[:10])


def test_model_metadata_options_and_bench():
    model = dscflow.Model.load(DETECTOR)
    assert "head=skynet" in model.metadata["dscflow.detection"]
    assert "dscflow.preprocess" in model.metadata
    x = dscflow.preprocess(model, os.path.join(SAMPLES, "00001.png"))
    expected = model.session(kernels="reference").run(x)
    for kernels in dscflow.KERNELS[1:]:
        try:
            s = model.session(kernels=kernels, threads=2)
        except dscflow.UnsupportedError:
            continue  # this CPU lacks the ISA
        assert s.kernels == kernels
        assert np.array_equal(s.run(x), expected), kernels
    assert model.session().kernels in dscflow.KERNELS[1:]
    with pytest.raises(ValueError, match="kernels"):
        model.session(kernels="fastest")
    result = dscflow.bench(model, runs=3, warmup=1, kernels="auto")
    assert result.runs == 3 and result.median_us > 0 and result.kernels in dscflow.KERNELS[1:]


def person_photo():
    """person.bmp's bytes are pixel - 128 (../shared/models/SOURCES.md): adding 128 gives the photo."""
    return (dscflow.bmp.read_bmp8(PERSON_BMP).astype(np.int16) + 128).astype(np.uint8)


@needs_shared
def test_classify_person_detect_says_person_and_warns_what_it_assumed(tmp_path):
    photo = person_photo()
    with pytest.warns(dscflow.AssumptionWarning, match="range=-1,1"):
        top = dscflow.classify(PERSON, photo, labels=["no person", "person"])
    assert top[0].label == "person" and top[0].index == 1 and top[0].probability > 0.9
    assert str(top[0]).startswith("person 0.9")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an explicit range assumes nothing
        explicit = dscflow.classify(PERSON, photo, preprocess={"range": "-1,1"}, top=1)
    assert explicit[0].index == 1
    try:
        from PIL import Image
    except ImportError:
        return
    png = tmp_path / "person.png"
    Image.fromarray(photo).save(png)
    with pytest.warns(dscflow.AssumptionWarning):
        assert dscflow.classify(PERSON, str(png), top=1)[0].label == "class 1"


def test_the_package_is_typed():
    assert os.path.exists(os.path.join(os.path.dirname(dscflow.__file__), "py.typed"))


@pytest.mark.skipif(os.environ.get("DSCFLOW_TEST_INSTALLED") != "1", reason="checks an installed wheel (make test-wheel)")
def test_the_installed_wheel_uses_its_own_library_and_swift_runtime():
    package = os.path.dirname(dscflow.__file__)
    assert package.startswith(sys.prefix), f"{package} is not in the venv {sys.prefix}"
    assert dscflow._library.path == os.path.join(package, "_lib", "libdscflow.so.0")
    with open("/proc/self/maps") as f:
        swift = {line.split()[-1] for line in f if "libswiftCore" in line}
    assert swift == {os.path.join(package, "_lib", "dscflow", "libswiftCore.so")}, swift
