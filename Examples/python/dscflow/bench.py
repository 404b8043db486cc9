"""Timing a model as `dscflow bench` does: the input in place before timing starts, one run per sample."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import List, Union

import numpy as np

from .model import Model, PathLike, as_model


@dataclass(frozen=True)
class BenchResult:
    """Latency of one inference in microseconds over `runs` timed runs (after `warmup` untimed ones),
    with the kernel path and thread count used."""
    median_us: float
    mean_us: float
    min_us: float
    max_us: float
    runs: int
    warmup: int
    kernels: str
    threads: int

    def __str__(self) -> str:
        return (f"median {self.median_us:.1f} us (min {self.min_us:.1f}, mean {self.mean_us:.1f}, max {self.max_us:.1f}) "
                f"over {self.runs} runs, kernels {self.kernels}, {self.threads} thread(s)")


def bench(model: Union[Model, PathLike], runs: int = 100, warmup: int = 10, threads: int = 1,
          kernels: str = "auto", seed: int = 0) -> BenchResult:
    """Times `runs` inferences of `model` on random input bytes (fixed `seed`) with the given threads and
    kernel path; each timed run is one dsc_session_invoke (the Python call overhead, about a microsecond,
    is included)."""
    if not isinstance(runs, int) or runs < 1 or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"runs must be >= 1 and warmup >= 0, not {runs!r} and {warmup!r}")
    m = as_model(model)
    session = m.session(threads=threads, kernels=kernels)
    rng = np.random.default_rng(seed)
    inputs = [rng.integers(np.iinfo(t.dtype).min, np.iinfo(t.dtype).max, t.shape, dtype=t.dtype, endpoint=True)
              for t in m.inputs]
    session.set_inputs(*inputs)
    for _ in range(warmup):
        session.invoke()
    times: List[float] = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        session.invoke()
        times.append((time.perf_counter_ns() - start) / 1000)
    return BenchResult(statistics.median(times), statistics.fmean(times), min(times), max(times), runs, warmup,
                       session.kernels, threads)
