"""The lifetime of a C handle (dsc_model *, dsc_session *): freed once, by close(), `with` or the GC."""


class Handle:
    """Owns `self._handle`, released with `self._free` (a dsc_*_free function accepting NULL)."""

    _free = None
    _handle = None

    def close(self):
        """Releases the handle; later calls do nothing."""
        if self._handle:
            type(self)._free(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
