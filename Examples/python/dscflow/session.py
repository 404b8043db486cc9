"""Sessions: running a model on numpy arrays."""
import ctypes

import numpy as np

from ._library import lib
from .errors import InvalidArgumentError, check
from .handle import Handle


class Session(Handle):
    """A model prepared to run in its own arena. Use one session per thread."""

    _free = staticmethod(lib.dsc_session_free)

    def __init__(self, model, flags=0):
        self.model = model  # keeps the model (and an in-place model's bytes) alive
        self._handle = ctypes.c_void_p()
        check(lib.dsc_session_create_ex(model._handle, flags, ctypes.byref(self._handle)))

    def run(self, *inputs):
        """Runs the model on one numpy array per input (each converted to the input's dtype and
        reshaped to its shape; the element count must match) and returns output 0 as a new array,
        or a list of all outputs when the model has several."""
        if len(inputs) != len(self.model.inputs):
            raise InvalidArgumentError(f"the model has {len(self.model.inputs)} inputs; {len(inputs)} given")
        for i, (array, info) in enumerate(zip(inputs, self.model.inputs)):
            a = np.ascontiguousarray(array, dtype=info.dtype)
            if a.nbytes != info.byte_size:
                raise InvalidArgumentError(f"input {i} has {a.nbytes} bytes; {info.name} {info.shape} needs "
                                           f"{info.byte_size}")
            data, size = ctypes.c_void_p(), ctypes.c_size_t()
            check(lib.dsc_session_input(self._handle, i, ctypes.byref(data), ctypes.byref(size)))
            ctypes.memmove(data, a.ctypes.data, size.value)
        check(lib.dsc_session_invoke(self._handle))
        outputs = [self._output(i, info) for i, info in enumerate(self.model.outputs)]
        return outputs[0] if len(outputs) == 1 else outputs

    def run_bytes(self, input_bytes):
        """Runs a single-input, single-output model on raw bytes through dsc_session_run; returns bytes."""
        out = ctypes.create_string_buffer(self.model.outputs[0].byte_size)
        check(lib.dsc_session_run(self._handle, input_bytes, len(input_bytes), out, len(out)))
        return out.raw

    def op_output(self, op):
        """Operator `op`'s output from the last run, as a new array (needs preserve_all_tensors)."""
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.dsc_session_op_output(self._handle, op, ctypes.byref(data), ctypes.byref(size)))
        info = self.model.ops[op].output
        return np.frombuffer(ctypes.string_at(data, size.value), dtype=info.dtype).reshape(info.shape)

    def op_nanoseconds(self):
        """Each operator's wall time in the last run, in nanoseconds (needs profile=True)."""
        times = []
        ns = ctypes.c_uint64()
        for i in range(len(self.model.ops)):
            check(lib.dsc_session_op_nanoseconds(self._handle, i, ctypes.byref(ns)))
            times.append(ns.value)
        return times

    def _output(self, i, info):
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.dsc_session_output(self._handle, i, ctypes.byref(data), ctypes.byref(size)))
        return np.frombuffer(ctypes.string_at(data, size.value), dtype=info.dtype).reshape(info.shape)
