"""Models: loading, and what they contain as Python objects."""
import ctypes
from dataclasses import dataclass

import numpy as np

from ._library import OpInfoStruct, TensorInfoStruct, lib
from .errors import check
from .handle import Handle

DTYPES = {1: np.int8, 2: np.uint8, 3: np.int16, 4: np.int32}

PRESERVE_ALL_TENSORS = 1
PROFILE = 2
SINGLE_ROUNDING = 4


@dataclass(frozen=True)
class TensorInfo:
    """A tensor: name, numpy dtype, shape (NHWC for activations), byte size and quantization
    (real = scale * (q - zero_point); scale 0 and scale_count 0 when not quantized)."""
    name: str
    dtype: type
    shape: tuple
    byte_size: int
    scale: float
    zero_point: int
    scale_count: int

    @staticmethod
    def _from(s):
        return TensorInfo(s.name.decode("utf-8", "replace"), DTYPES[s.type], tuple(s.shape[:s.rank]),
                          s.byte_size, float(s.scale), s.zero_point, s.scale_count)


@dataclass(frozen=True)
class OpInfo:
    """An operator: its name, what it computes (a TFLite builtin name), its MACs and output tensor."""
    index: int
    name: str
    kind: str
    macs: int
    output: TensorInfo


MAX_THREADS = 64


def session_flags(preserve_all_tensors=False, profile=False, single_rounding=False, threads=1):
    """The DSC_SESSION_* flags for these options (threads: 1 ... 64 per run, DSC_SESSION_THREADS)."""
    if not isinstance(threads, int) or not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be an int in 1...{MAX_THREADS}, not {threads!r}")
    return ((PRESERVE_ALL_TENSORS if preserve_all_tensors else 0) | (PROFILE if profile else 0)
            | (SINGLE_ROUNDING if single_rounding else 0) | ((threads & 0xFF) << 8))


class Model(Handle):
    """A loaded model (immutable; may be shared by sessions on several threads). close() releases this
    reference; sessions keep what they need."""

    _free = staticmethod(lib.dsc_model_free)

    def __init__(self, handle, keep_alive=None):
        self._handle = handle
        self._keep_alive = keep_alive  # the caller's bytes of an in-place model
        self.inputs = [self._tensor(lib.dsc_model_input, i) for i in range(self._count(lib.dsc_model_input_count))]
        self.outputs = [self._tensor(lib.dsc_model_output, i) for i in range(self._count(lib.dsc_model_output_count))]
        self.ops = [self._op(i) for i in range(self._count(lib.dsc_model_op_count))]
        self.macs = self._u64(lib.dsc_model_macs)
        self.parameter_count = self._u64(lib.dsc_model_parameter_count)

    @classmethod
    def load(cls, path):
        """Loads a model file."""
        handle = ctypes.c_void_p()
        check(lib.dsc_model_load_file(str(path).encode(), ctypes.byref(handle)))
        return cls(handle)

    @classmethod
    def from_bytes(cls, data):
        """Loads a model in place from a bytes-like object, without copying its weights; the Model
        keeps a reference to `data`, which must not change."""
        buffer = np.frombuffer(data, dtype=np.uint8)  # a view: no copy, works for read-only buffers
        handle = ctypes.c_void_p()
        check(lib.dsc_model_load_memory(ctypes.c_void_p(buffer.ctypes.data), buffer.nbytes, ctypes.byref(handle)))
        return cls(handle, keep_alive=buffer)

    def arena_size(self, **options):
        """Bytes an arena needs for a session with these options (see `session`)."""
        size = ctypes.c_size_t()
        check(lib.dsc_model_arena_size(self._handle, session_flags(**options), ctypes.byref(size)))
        return size.value

    def session(self, **options):
        """A new session: options preserve_all_tensors, profile, single_rounding (all False by default)
        and threads (1 by default: conv and depthwise split their output rows over this many threads)."""
        from .session import Session
        return Session(self, session_flags(**options))

    def _count(self, f):
        n = ctypes.c_size_t()
        check(f(self._handle, ctypes.byref(n)))
        return n.value

    def _u64(self, f):
        n = ctypes.c_uint64()
        check(f(self._handle, ctypes.byref(n)))
        return n.value

    def _tensor(self, f, i):
        s = TensorInfoStruct()
        check(f(self._handle, i, ctypes.byref(s)))
        return TensorInfo._from(s)

    def _op(self, i):
        s = OpInfoStruct()
        check(lib.dsc_model_op_info(self._handle, i, ctypes.byref(s)))
        return OpInfo(i, s.name.decode("utf-8", "replace"), s.kind.decode(), s.macs, TensorInfo._from(s.output))
