"""DSCFlow from Python: a ctypes binding of libdscflow.so (dscflow.h) with numpy arrays in and out.

    import dscflow
    model = dscflow.Model.load("person_detect.tflite")
    print(model.inputs[0].shape, model.macs)
    scores = model.session().run(image_int8)

Errors are raised as dscflow.DSCFlowError subclasses carrying the library's message.
"""
from ._library import lib
from .errors import (DSCFlowError, InvalidArgumentError, MalformedModelError, ModelIOError, OutOfMemoryError,
                     UnsupportedError, WrongStateError)
from .model import Model, OpInfo, TensorInfo
from .session import Session

__all__ = ["DSCFlowError", "InvalidArgumentError", "MalformedModelError", "ModelIOError", "OutOfMemoryError",
           "UnsupportedError", "WrongStateError", "Model", "OpInfo", "TensorInfo", "Session", "version"]


def version():
    """The library's version string."""
    return lib.dsc_version().decode()
