"""Sessions: running a model on numpy arrays, with their dtype and shape checked."""
from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any, List, Union

import numpy as np

from ._library import lib
from .errors import InvalidArgumentError, check
from .handle import Handle
from .model import KERNELS, TensorInfo

if TYPE_CHECKING:
    from .model import Model


def quantized(array: Any, info: TensorInfo, index: int) -> np.ndarray:
    """A float array quantized as TFLite's QUANTIZE does: q = round(x / scale) + zero_point, rounding half
    away from zero, clamped to the input type. Non-finite values are an error."""
    x = np.asarray(array)
    if not np.issubdtype(x.dtype, np.floating):
        raise InvalidArgumentError(f"input {index} ({info.name}): quantize=True takes a float array, not {x.dtype}")
    if info.scale_count != 1 or not info.scale > 0:
        raise InvalidArgumentError(f"input {index} ({info.name}) has no single positive scale to quantize with")
    if not np.all(np.isfinite(x)):
        raise InvalidArgumentError(f"input {index} ({info.name}): quantize=True got NaN or infinite values")
    v = x.astype(np.float64) / np.float64(np.float32(info.scale))
    q = np.sign(v) * np.floor(np.abs(v) + 0.5) + info.zero_point
    bounds = np.iinfo(info.dtype)
    result: np.ndarray = np.clip(q, bounds.min, bounds.max).astype(info.dtype)
    return result


def checked(array: Any, info: TensorInfo, index: int, quantize: bool) -> np.ndarray:
    """`array` as a C-contiguous array of exactly `info`'s dtype and shape, or InvalidArgumentError: never
    a silent cast (a float for an int8 input, an int64 that would wrap). With `quantize`, a float array is
    quantized with the input's scale and zero point first."""
    a = np.asarray(array)
    if quantize:
        a = quantized(a, info, index)
    elif a.dtype != np.dtype(info.dtype):
        hint = (f"; pass quantize=True to quantize it with the input's scale {info.scale:g} and zero point "
                f"{info.zero_point}" if np.issubdtype(a.dtype, np.floating) else
                f"; convert it yourself (e.g. .astype(np.{np.dtype(info.dtype).name}) after checking the values fit)")
        raise InvalidArgumentError(f"input {index} ({info.name}) is {np.dtype(info.dtype).name}{list(info.shape)}; "
                                   f"got a {a.dtype} array{hint}")
    if tuple(a.shape) != tuple(info.shape):
        raise InvalidArgumentError(f"input {index} ({info.name}) has shape {list(info.shape)}; got {list(a.shape)} "
                                   f"(reshape it: the element order is NHWC, C order)")
    return np.ascontiguousarray(a)


class Session(Handle):
    """A model prepared to run in its own arena. Thread-safe: calls from several threads take turns (a
    run holds the session from its inputs to its outputs), and close() waits for a run in progress; for
    runs in parallel use one session per thread."""

    def __init__(self, model: "Model", flags: int = 0) -> None:
        self.model = model  # keeps the model (and an in-place model's bytes) alive
        handle = ctypes.c_void_p()
        check(lib.dsc_session_create_ex(model._handle, flags, ctypes.byref(handle)))
        self._handle = handle

    def _release(self, handle: ctypes.c_void_p) -> None:
        lib.dsc_session_free(handle)

    @property
    def kernels(self) -> str:
        """The kernel path this session runs ("reference", "portable", "avx2", ...; never "auto")."""
        code = ctypes.c_int32()
        with self._using() as h:
            check(lib.dsc_session_kernels(h, ctypes.byref(code)))
        return KERNELS[code.value]

    def set_inputs(self, *inputs: Any, quantize: bool = False) -> None:
        """Copies one array per model input into the session (checked as `run` checks them)."""
        if len(inputs) != len(self.model.inputs):
            raise InvalidArgumentError(f"the model has {len(self.model.inputs)} inputs; {len(inputs)} given")
        arrays = [checked(array, info, i, quantize) for i, (array, info) in enumerate(zip(inputs, self.model.inputs))]
        with self._using() as h:
            for i, a in enumerate(arrays):
                data, size = ctypes.c_void_p(), ctypes.c_size_t()
                check(lib.dsc_session_input(h, i, ctypes.byref(data), ctypes.byref(size)))
                if a.nbytes != size.value:
                    raise InvalidArgumentError(f"input {i} has {a.nbytes} bytes; the session's buffer {size.value}")
                ctypes.memmove(data, a.ctypes.data, size.value)

    def invoke(self) -> None:
        """Runs the model on the inputs `set_inputs` copied in (no allocation in the library)."""
        with self._using() as h:
            check(lib.dsc_session_invoke(h))

    def run(self, *inputs: Any, quantize: bool = False) -> Union[np.ndarray, List[np.ndarray]]:
        """Runs the model on one numpy array per input and returns output 0 as a new array, or a list of
        all outputs when the model has several.

        Each array must have exactly the input's dtype (int8, uint8, int16) and shape: anything else raises
        InvalidArgumentError rather than being cast (a float array would silently become zeros, an int64
        200 would wrap). With quantize=True the arrays are real values (float) and are quantized with each
        input's scale and zero point (round half away from zero, clamped), as TFLite's QUANTIZE does."""
        with self._using():  # inputs, run and outputs of one call, not interleaved with another thread's
            self.set_inputs(*inputs, quantize=quantize)
            self.invoke()
            outputs = [self._output(i, info) for i, info in enumerate(self.model.outputs)]
        return outputs[0] if len(outputs) == 1 else outputs

    def run_bytes(self, input_bytes: bytes) -> bytes:
        """Runs a single-input, single-output model on raw bytes through dsc_session_run; returns bytes."""
        out = ctypes.create_string_buffer(self.model.outputs[0].byte_size)
        with self._using() as h:
            check(lib.dsc_session_run(h, input_bytes, len(input_bytes), out, len(out)))
        return out.raw

    def op_output(self, op: int) -> np.ndarray:
        """Operator `op`'s output from the last run, as a new array (needs preserve_all_tensors)."""
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        with self._using() as h:
            check(lib.dsc_session_op_output(h, op, ctypes.byref(data), ctypes.byref(size)))
            raw = ctypes.string_at(data, size.value)
        info = self.model.ops[op].output
        return np.frombuffer(raw, dtype=info.dtype).reshape(info.shape)

    def op_nanoseconds(self) -> List[int]:
        """Each operator's wall time in the last run, in nanoseconds (needs profile=True)."""
        times = []
        ns = ctypes.c_uint64()
        with self._using() as h:
            for i in range(len(self.model.ops)):
                check(lib.dsc_session_op_nanoseconds(h, i, ctypes.byref(ns)))
                times.append(ns.value)
        return times

    def _output(self, i: int, info: TensorInfo) -> np.ndarray:
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        with self._using() as h:
            check(lib.dsc_session_output(h, i, ctypes.byref(data), ctypes.byref(size)))
            raw = ctypes.string_at(data, size.value)
        return np.frombuffer(raw, dtype=info.dtype).reshape(info.shape)
