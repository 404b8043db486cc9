"""DSCFlow from Python: bit-exact int8 inference (a ctypes binding of libdscflow.so, dscflow.h) with numpy
arrays in and out.

    import dscflow
    print(dscflow.detect("models/dscflow_detector.tflite", "samples/00000.png"))
    for c in dscflow.classify("person_detect.tflite", "person.png", labels=["no person", "person"]):
        print(c)

    model = dscflow.Model.load("person_detect.tflite")
    print(model.inputs[0], model.macs, model.metadata)
    scores = model.session(threads=2).run(image_int8)          # exactly int8 [1, 96, 96, 1]
    scores = model.session().run(image_float, quantize=True)    # real values, quantized with the input's scale

Errors are raised as dscflow.DSCFlowError subclasses carrying the library's message.
"""
from __future__ import annotations

from ._library import lib
from .bench import BenchResult, bench
from .errors import (DSCFlowError, InvalidArgumentError, MalformedModelError, ModelIOError, OutOfMemoryError,
                     UnsupportedError, WrongStateError)
from .images import AssumptionWarning, Classification, Detection, classify, detect, preprocess, read_image
from .model import KERNELS, Model, OpInfo, Preprocessing, TensorInfo
from .session import Session

__all__ = ["DSCFlowError", "InvalidArgumentError", "MalformedModelError", "ModelIOError", "OutOfMemoryError",
           "UnsupportedError", "WrongStateError", "Model", "OpInfo", "TensorInfo", "Preprocessing", "Session",
           "KERNELS", "AssumptionWarning", "Classification", "Detection", "read_image", "preprocess", "classify",
           "detect", "BenchResult", "bench", "version"]


def version() -> str:
    """The library's version string."""
    v: bytes = lib.dsc_version()
    return v.decode()
