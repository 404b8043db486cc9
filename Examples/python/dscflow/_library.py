"""Finds libdscflow.so and declares the C functions of dscflow.h for ctypes."""
import ctypes
import ctypes.util
import os
import subprocess

MAX_RANK = 8


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


def _candidates():
    """Where libdscflow.so may be, in order: $DSCFLOW_LIBRARY, pkg-config's libdir, the loader's path."""
    explicit = os.environ.get("DSCFLOW_LIBRARY")
    if explicit:
        yield explicit
        return
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


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("cannot load libdscflow.so (set DSCFLOW_LIBRARY, or PKG_CONFIG_PATH to an install's "
                      "lib/pkgconfig): " + "; ".join(errors))


lib = _load()

_p = ctypes.c_void_p
_size = ctypes.c_size_t
_psize = ctypes.POINTER(ctypes.c_size_t)
_pu64 = ctypes.POINTER(ctypes.c_uint64)
_int = ctypes.c_int

# name: (restype, argtypes), exactly as declared in dscflow.h (handles as void *).
_SIGNATURES = {
    "dsc_version": (ctypes.c_char_p, []),
    "dsc_last_error": (ctypes.c_char_p, []),
    "dsc_status_name": (ctypes.c_char_p, [_int]),
    "dsc_type_name": (ctypes.c_char_p, [ctypes.c_int32]),
    "dsc_model_load_file": (_int, [ctypes.c_char_p, ctypes.POINTER(_p)]),
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
}

for _name, (_restype, _argtypes) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _restype
    _f.argtypes = _argtypes
