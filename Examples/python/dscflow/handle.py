"""The lifetime of a C handle (dsc_model *, dsc_session *): freed once, by close(), `with` or the GC."""
from __future__ import annotations

import ctypes
from typing import Optional, TypeVar

_Self = TypeVar("_Self", bound="Handle")


class Handle:
    """Owns `self._handle`, released once with `_release` (a dsc_*_free function)."""

    _handle: Optional[ctypes.c_void_p] = None

    def _release(self, handle: ctypes.c_void_p) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Releases the handle; later calls do nothing."""
        if self._handle:
            self._release(self._handle)
            self._handle = None

    def __del__(self) -> None:
        self.close()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
