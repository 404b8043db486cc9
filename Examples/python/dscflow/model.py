"""Models: loading, and what they contain as Python objects (tensors, operators, metadata)."""
from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np

from ._library import OpInfoStruct, TensorInfoStruct, lib
from .errors import check
from .handle import Handle

if TYPE_CHECKING:
    from .session import Session

# 5 (int4) and 6 (uint4) hold one 4-bit value per byte, so their arrays are int8 / uint8; 16 (float32) is
# the inputs and outputs of an ONNX QDQ model.
DTYPES: Dict[int, Any] = {1: np.int8, 2: np.uint8, 3: np.int16, 4: np.int32, 5: np.int8, 6: np.uint8, 16: np.float32}

PRESERVE_ALL_TENSORS = 1
PROFILE = 2
SINGLE_ROUNDING = 4
NO_MEMORY_LIMIT = 8
#: A session's default memory limit (DSC_DEFAULT_MEMORY_LIMIT_MIB).
DEFAULT_MEMORY_LIMIT_MIB = 256

#: Kernel paths (DSC_KERNELS_* of dscflow.h, in code order). Every path gives the same bytes; "auto" is
#: $DSCFLOW_KERNELS if set, else the fastest path the CPU supports.
KERNELS: Tuple[str, ...] = ("auto", "reference", "portable", "avx2", "avxvnni", "avx512vnni")

MAX_THREADS = 64

#: A file path (str or os.PathLike).
PathLike = Union[str, "os.PathLike[str]"]

#: Preprocessing or detection options: option name to value. Values may be strings ("-1,1") or numbers
#: and sequences of numbers ((-1, 1) becomes "-1,1").
Options = Mapping[str, Any]


def options_text(options: Optional[Options]) -> Optional[bytes]:
    """`options` as the "key=value" lines the C API takes (None for no options)."""
    if not options:
        return None
    lines = []
    for key, value in options.items():
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        text = str(value)
        if "\n" in text or "\n" in key or "=" in key:
            raise ValueError(f"option {key!r}={text!r}: keys may not hold '=' and values no line breaks")
        lines.append(f"{key}={text}")
    return "\n".join(lines).encode()


@dataclass(frozen=True)
class TensorInfo:
    """A tensor: name, numpy dtype, shape (NHWC for activations), byte size and quantization
    (real = scale * (q - zero_point); scale 0 and scale_count 0 when not quantized)."""
    name: str
    dtype: Any
    shape: Tuple[int, ...]
    byte_size: int
    scale: float
    zero_point: int
    scale_count: int

    @staticmethod
    def _from(s: TensorInfoStruct) -> "TensorInfo":
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


@dataclass(frozen=True)
class Preprocessing:
    """How an image becomes a model's input (dsc_preprocess_describe): the options in effect, and
    `assumed`, a sentence saying what was inferred from the input's quantization when neither the
    model's metadata nor the overrides gave a range, mean or std (None otherwise)."""
    options: Dict[str, str]
    assumed: Optional[str]

    def __str__(self) -> str:
        text = ", ".join(f"{k}={v}" for k, v in sorted(self.options.items()))
        return text + (f" (assumed: {self.assumed})" if self.assumed else "")


def session_flags(preserve_all_tensors: bool = False, profile: bool = False, single_rounding: bool = False,
                  threads: int = 1, kernels: str = "auto", memory_limit_mib: Optional[int] = None) -> int:
    """The DSC_SESSION_* flags for these options (threads: 1 ... 64 per run, DSC_SESSION_THREADS; kernels:
    one of KERNELS, DSC_SESSION_KERNELS; memory_limit_mib: None for the default limit
    (DEFAULT_MEMORY_LIMIT_MIB), 1 ... 4095 MiB (DSC_SESSION_MEMORY_LIMIT_MIB), or 0 for none
    (DSC_SESSION_NO_MEMORY_LIMIT))."""
    if not isinstance(threads, int) or isinstance(threads, bool) or not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be an int in 1...{MAX_THREADS}, not {threads!r}")
    if kernels not in KERNELS:
        raise ValueError(f"kernels must be one of {', '.join(KERNELS)}, not {kernels!r}")
    memory = 0
    if memory_limit_mib is not None:
        if not isinstance(memory_limit_mib, int) or isinstance(memory_limit_mib, bool) or not 0 <= memory_limit_mib <= 4095:
            raise ValueError(f"memory_limit_mib must be None, 0 (no limit) or 1...4095, not {memory_limit_mib!r}")
        memory = NO_MEMORY_LIMIT if memory_limit_mib == 0 else memory_limit_mib << 20
    return ((PRESERVE_ALL_TENSORS if preserve_all_tensors else 0) | (PROFILE if profile else 0)
            | (SINGLE_ROUNDING if single_rounding else 0) | ((threads & 0xFF) << 8)
            | (KERNELS.index(kernels) << 16) | memory)


class Model(Handle):
    """A loaded model (immutable; may be shared by sessions on several threads). close() releases this
    reference; sessions keep what they need."""

    def __init__(self, handle: ctypes.c_void_p, keep_alive: Any = None) -> None:
        self._handle = handle
        self._keep_alive = keep_alive  # the caller's bytes of an in-place model
        self.inputs: List[TensorInfo] = [self._tensor(lib.dsc_model_input, i)
                                         for i in range(self._count(lib.dsc_model_input_count))]
        self.outputs: List[TensorInfo] = [self._tensor(lib.dsc_model_output, i)
                                          for i in range(self._count(lib.dsc_model_output_count))]
        self.ops: List[OpInfo] = [self._op(i) for i in range(self._count(lib.dsc_model_op_count))]
        self.macs: int = self._u64(lib.dsc_model_macs)
        self.parameter_count: int = self._u64(lib.dsc_model_parameter_count)
        self.metadata: Dict[str, str] = self._metadata()
        """The model's metadata (dscflow.preprocess, dscflow.detection, dscflow.labels, dscflow.source, ...)."""

    def _release(self, handle: ctypes.c_void_p) -> None:
        lib.dsc_model_free(handle)

    @classmethod
    def load(cls, path: PathLike, max_bytes: int = 0) -> "Model":
        """Loads a model file (.tflite or .dscm) of at most `max_bytes` (0: the default, 1 GiB; a larger file
        raises ModelIOError before it is read)."""
        handle = ctypes.c_void_p()
        check(lib.dsc_model_load_file_ex(os.fsencode(path), max_bytes, ctypes.byref(handle)))
        return cls(handle)

    @classmethod
    def from_bytes(cls, data: Any) -> "Model":
        """Loads a model in place from a bytes-like object, without copying its weights; the Model
        keeps a reference to `data`, which must not change."""
        buffer = np.frombuffer(data, dtype=np.uint8)  # a view: no copy, works for read-only buffers
        handle = ctypes.c_void_p()
        check(lib.dsc_model_load_memory(ctypes.c_void_p(buffer.ctypes.data), buffer.nbytes, ctypes.byref(handle)))
        return cls(handle, keep_alive=buffer)

    def arena_size(self, **options: Any) -> int:
        """Bytes an arena needs for a session with these options (see `session`)."""
        size = ctypes.c_size_t()
        check(lib.dsc_model_arena_size(self._handle, session_flags(**options), ctypes.byref(size)))
        return size.value

    def session_memory(self, **options: Any) -> int:
        """Bytes a session with these options takes in all (arena, packed constants, tables): what its
        memory limit is compared with (see `session`)."""
        size = ctypes.c_size_t()
        check(lib.dsc_model_session_memory(self._handle, session_flags(**options), ctypes.byref(size)))
        return size.value

    def session(self, preserve_all_tensors: bool = False, profile: bool = False, single_rounding: bool = False,
                threads: int = 1, kernels: str = "auto", memory_limit_mib: Optional[int] = None) -> "Session":
        """A new session. threads: conv and depthwise split their output rows over this many threads (1 ... 64);
        kernels: one of KERNELS (every path gives the same bytes; a path the CPU lacks raises
        UnsupportedError); preserve_all_tensors keeps every operator's output for op_output(); profile
        times each operator; single_rounding requantizes with TFLITE_SINGLE_ROUNDING; memory_limit_mib:
        the most memory the session may take (None: 256 MiB, 0: no limit; a model needing more raises
        OutOfMemoryError before anything is allocated)."""
        from .session import Session
        return Session(self, session_flags(preserve_all_tensors, profile, single_rounding, threads, kernels,
                                           memory_limit_mib))

    def preprocessing(self, options: Optional[Options] = None) -> Preprocessing:
        """The preprocessing an image gets for this model with `options` overriding its metadata."""
        text = options_text(options)
        length = ctypes.c_size_t()
        check(lib.dsc_preprocess_describe(self._handle, text, None, 0, ctypes.byref(length)))
        buffer = ctypes.create_string_buffer(length.value + 1)
        check(lib.dsc_preprocess_describe(self._handle, text, buffer, len(buffer), ctypes.byref(length)))
        values: Dict[str, str] = {}
        for line in buffer.value.decode("utf-8", "replace").split("\n"):
            key, _, value = line.partition("=")
            values[key] = value
        assumed = values.pop("assumed", None)
        return Preprocessing(values, assumed)

    def min_score(self, detection: Optional[Options] = None) -> float:
        """The score below which this detector's box means "no object" (min-score= of `detection` or
        the metadata, else 0 for the skrskr head and 0.5 for the others)."""
        score = ctypes.c_double()
        check(lib.dsc_detect_min_score(self._handle, options_text(detection), ctypes.byref(score)))
        return score.value

    def _count(self, f: Callable[..., int]) -> int:
        n = ctypes.c_size_t()
        check(f(self._handle, ctypes.byref(n)))
        return n.value

    def _u64(self, f: Callable[..., int]) -> int:
        n = ctypes.c_uint64()
        check(f(self._handle, ctypes.byref(n)))
        return n.value

    def _tensor(self, f: Callable[..., int], i: int) -> TensorInfo:
        s = TensorInfoStruct()
        check(f(self._handle, i, ctypes.byref(s)))
        return TensorInfo._from(s)

    def _op(self, i: int) -> OpInfo:
        s = OpInfoStruct()
        check(lib.dsc_model_op_info(self._handle, i, ctypes.byref(s)))
        return OpInfo(i, s.name.decode("utf-8", "replace"), s.kind.decode(), s.macs, TensorInfo._from(s.output))

    def _metadata(self) -> Dict[str, str]:
        entries: Dict[str, str] = {}
        key, value = ctypes.c_char_p(), ctypes.c_char_p()
        for i in range(self._count(lib.dsc_model_metadata_count)):
            check(lib.dsc_model_metadata(self._handle, i, ctypes.byref(key), ctypes.byref(value)))
            entries[(key.value or b"").decode("utf-8", "replace")] = (value.value or b"").decode("utf-8", "replace")
        return entries


def as_model(model: Union[Model, PathLike]) -> Model:
    """`model` itself, or the model file it names loaded."""
    return model if isinstance(model, Model) else Model.load(model)
