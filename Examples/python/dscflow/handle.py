"""The lifetime of a C handle (dsc_model *, dsc_session *): freed once, by close(), `with` or the GC.

Thread safety: every handle has a lock. close() takes it, so closing from several threads at once frees
the handle once, and closing while another thread uses the handle waits for that use to end; calls that
must not interleave (a session's run: set the inputs, invoke, read the outputs) hold it for their whole
duration (`_using`). Several Python threads calling run on one session therefore take turns (the C
library would refuse the second with DSC_ERR_WRONG_STATE); for parallel runs use a session per thread."""
from __future__ import annotations

import ctypes
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Optional, TypeVar

from .errors import WrongStateError

_Self = TypeVar("_Self", bound="Handle")


class Handle:
    """Owns `self._handle`, released once with `_release` (a dsc_*_free function)."""

    _handle: Optional[ctypes.c_void_p] = None
    _lock: threading.RLock

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        self = super().__new__(cls)
        self._lock = threading.RLock()
        return self

    def _release(self, handle: ctypes.c_void_p) -> None:
        raise NotImplementedError

    @contextmanager
    def _using(self) -> Iterator[ctypes.c_void_p]:
        """The handle, held against close() and other `_using` calls until the block ends; WrongStateError
        if it was closed."""
        with self._lock:
            if not self._handle:
                raise WrongStateError(f"this {type(self).__name__.lower()} is closed")
            yield self._handle

    def close(self) -> None:
        """Releases the handle; later calls do nothing. Thread-safe (waits for a call in progress)."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ never ran
            return
        with lock:
            handle, self._handle = self._handle, None
            if handle:
                self._release(handle)

    def __del__(self) -> None:
        self.close()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
