"""Finds libdscflow.so and declares the C functions of dscflow.h for ctypes."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
from typing import Any, Dict, Iterator, List, Optional, Tuple

MAX_RANK = 8
BOX_MAX_RAW = 16

#: Where a wheel built by the project keeps the library (and, in ``_lib/dscflow/``, the Swift runtime
#: it needs: its RUNPATH is ``$ORIGIN/dscflow``).
BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_lib", "libdscflow.so.0")


class TensorInfoStruct(ctypes.Structure):
    """`dsc_tensor_info` of dscflow.h."""
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("type", ctypes.c_int32),
        ("rank", ctypes.c_int32),
        ("shape", ctypes.c_int64 * MAX_RANK),
        ("byte_size", ctypes.c_size_t),
        ("scale", ctypes.c_float),
        ("zero_point", ctypes.c_int32),
        ("scale_count", ctypes.c_int32),
    ]


class OpInfoStruct(ctypes.Structure):
    """`dsc_op_info` of dscflow.h."""
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("kind", ctypes.c_char_p),
        ("macs", ctypes.c_uint64),
        ("output", TensorInfoStruct),
    ]


class BoxStruct(ctypes.Structure):
    """`dsc_box` of dscflow.h."""
    _fields_ = [
        ("xmin", ctypes.c_double),
        ("xmax", ctypes.c_double),
        ("ymin", ctypes.c_double),
        ("ymax", ctypes.c_double),
        ("score", ctypes.c_double),
        ("anchor", ctypes.c_int32),
        ("grid_x", ctypes.c_int32),
        ("grid_y", ctypes.c_int32),
        ("raw_count", ctypes.c_int32),
        ("raw", ctypes.c_int32 * BOX_MAX_RAW),
    ]


class ClassStruct(ctypes.Structure):
    """`dsc_class` of dscflow.h."""
    _fields_ = [
        ("index", ctypes.c_int32),
        ("raw", ctypes.c_int32),
        ("probability", ctypes.c_double),
        ("label", ctypes.c_char_p),
    ]


def _candidates() -> Iterator[str]:
    """Where libdscflow.so may be, in order: $DSCFLOW_LIBRARY, the copy bundled in a wheel, pkg-config's
    libdir, the loader's path."""
    explicit = os.environ.get("DSCFLOW_LIBRARY")
    if explicit:
        yield explicit
        return
    if os.path.exists(BUNDLED):
        yield BUNDLED
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "dscflow"], capture_output=True, text=True,
                                check=True).stdout.strip()
        if libdir:
            yield os.path.join(libdir, "libdscflow.so.0")
    except (OSError, subprocess.CalledProcessError):
        pass
    found = ctypes.util.find_library("dscflow")
    if found:
        yield found
    yield "libdscflow.so.0"


def _load() -> Tuple[ctypes.CDLL, str]:
    errors: List[str] = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("cannot load libdscflow.so: install the wheel `make wheel` builds (it bundles the library), "
                      "or `make install` and make pkg-config find dscflow.pc (or set DSCFLOW_LIBRARY): "
                      + "; ".join(errors))


lib, path = _load()
"""The loaded library and the path it was loaded from."""

_p = ctypes.c_void_p
_size = ctypes.c_size_t
_psize = ctypes.POINTER(ctypes.c_size_t)
_pu64 = ctypes.POINTER(ctypes.c_uint64)
_int = ctypes.c_int
_str = ctypes.c_char_p
_pixels = ctypes.c_void_p

# name: (restype, argtypes), exactly as declared in dscflow.h (handles as void *).
_SIGNATURES: Dict[str, Tuple[Optional[Any], List[Any]]] = {
    "dsc_version": (_str, []),
    "dsc_last_error": (_str, []),
    "dsc_status_name": (_str, [_int]),
    "dsc_type_name": (_str, [ctypes.c_int32]),
    "dsc_model_load_file": (_int, [_str, ctypes.POINTER(_p)]),
    "dsc_model_load_file_ex": (_int, [_str, ctypes.c_uint64, ctypes.POINTER(_p)]),
    "dsc_model_load_memory": (_int, [_p, _size, ctypes.POINTER(_p)]),
    "dsc_model_free": (None, [_p]),
    "dsc_model_input_count": (_int, [_p, _psize]),
    "dsc_model_output_count": (_int, [_p, _psize]),
    "dsc_model_input": (_int, [_p, _size, ctypes.POINTER(TensorInfoStruct)]),
    "dsc_model_output": (_int, [_p, _size, ctypes.POINTER(TensorInfoStruct)]),
    "dsc_model_op_count": (_int, [_p, _psize]),
    "dsc_model_op_info": (_int, [_p, _size, ctypes.POINTER(OpInfoStruct)]),
    "dsc_model_macs": (_int, [_p, _pu64]),
    "dsc_model_parameter_count": (_int, [_p, _pu64]),
    "dsc_model_arena_size": (_int, [_p, ctypes.c_uint32, _psize]),
    "dsc_model_session_memory": (_int, [_p, ctypes.c_uint32, _psize]),
    "dsc_model_metadata_count": (_int, [_p, _psize]),
    "dsc_model_metadata": (_int, [_p, _size, ctypes.POINTER(_str), ctypes.POINTER(_str)]),
    "dsc_session_create": (_int, [_p, ctypes.POINTER(_p)]),
    "dsc_session_create_ex": (_int, [_p, ctypes.c_uint32, ctypes.POINTER(_p)]),
    "dsc_session_create_in_arena": (_int, [_p, ctypes.c_uint32, _p, _size, ctypes.POINTER(_p)]),
    "dsc_session_free": (None, [_p]),
    "dsc_session_run": (_int, [_p, _p, _size, _p, _size]),
    "dsc_session_input": (_int, [_p, _size, ctypes.POINTER(_p), _psize]),
    "dsc_session_invoke": (_int, [_p]),
    "dsc_session_output": (_int, [_p, _size, ctypes.POINTER(_p), _psize]),
    "dsc_session_op_output": (_int, [_p, _size, ctypes.POINTER(_p), _psize]),
    "dsc_session_op_nanoseconds": (_int, [_p, _size, _pu64]),
    "dsc_session_kernels": (_int, [_p, ctypes.POINTER(ctypes.c_int32)]),
    "dsc_png_read": (_int, [_str, _pixels, _size, _psize, _psize, _psize]),
    "dsc_image_read": (_int, [_str, _pixels, _size, _psize, _psize, _psize]),
    "dsc_preprocess": (_int, [_p, _str, _pixels, _size, _size, _size, _p, _size]),
    "dsc_preprocess_describe": (_int, [_p, _str, ctypes.c_char_p, _size, _psize]),
    "dsc_classify": (_int, [_p, _str, _pixels, _size, _size, _size, ctypes.POINTER(ClassStruct), _size, _psize]),
    "dsc_detect_min_score": (_int, [_p, _str, ctypes.POINTER(ctypes.c_double)]),
    "dsc_detect": (_int, [_p, _str, _str, _pixels, _size, _size, _size, ctypes.POINTER(BoxStruct)]),
}

for _name, (_restype, _argtypes) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _restype
    _f.argtypes = _argtypes
