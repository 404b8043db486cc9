"""DSCFlow's status codes as Python exceptions carrying the library's message."""
from __future__ import annotations

from typing import Dict, Optional, Type

from ._library import lib

OK = 0


class DSCFlowError(Exception):
    """A failed DSCFlow call. `status` is the C status code, `status_name` its dscflow.h name, and the
    message is the library's (dsc_last_error)."""

    status: int = 0

    def __init__(self, message: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status

    @property
    def status_name(self) -> str:
        """The status code's name in dscflow.h, e.g. "DSC_ERR_IO"."""
        name: bytes = lib.dsc_status_name(self.status)
        return name.decode()


class InvalidArgumentError(DSCFlowError, ValueError):
    """DSC_ERR_INVALID_ARGUMENT: NULL, out of range, a buffer or array of the wrong size, type or shape."""
    status = -1


class MalformedModelError(DSCFlowError):
    """DSC_ERR_MALFORMED_MODEL: the bytes are not a well-formed model."""
    status = -2


class UnsupportedError(DSCFlowError):
    """DSC_ERR_UNSUPPORTED: the model uses something DSCFlow does not implement (or the CPU lacks a kernel path)."""
    status = -3


class ModelIOError(DSCFlowError, OSError):
    """DSC_ERR_IO: a file could not be read (missing, or a corrupt or truncated model or image)."""
    status = -4


class OutOfMemoryError(DSCFlowError, MemoryError):
    """DSC_ERR_OUT_OF_MEMORY: memory could not be allocated, or a size overflows."""
    status = -5


class WrongStateError(DSCFlowError):
    """DSC_ERR_WRONG_STATE: the call does not make sense in the object's current state."""
    status = -6


_BY_STATUS: Dict[int, Type[DSCFlowError]] = {
    cls.status: cls for cls in (InvalidArgumentError, MalformedModelError, UnsupportedError, ModelIOError,
                                OutOfMemoryError, WrongStateError)}


def check(status: int) -> None:
    """Raises the exception of `status` (with the thread's last error message) unless it is DSC_OK."""
    if status != OK:
        raw: bytes = lib.dsc_last_error()
        cls = _BY_STATUS.get(status, DSCFlowError)
        raise cls(raw.decode("utf-8", "replace"), status)
