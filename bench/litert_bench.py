#!/usr/bin/env python3
"""Times LiteRT (ai-edge-litert) single-threaded with its default XNNPACK delegate.

Prints one JSON object per model: median/p10/p90 of one `invoke()` in microseconds. The input is
set once (random int8, fixed seed) before timing; the loop calls invoke() and reads a monotonic clock
around each call, so the Python overhead per call is one method call and two clock reads.
"""
import argparse
import json
import sys
import time

import numpy as np


def deny_amx():
    """Makes this process's request for AMX tile state (arch_prctl ARCH_REQ_XCOMP_PERM) fail with
    EPERM, through a seccomp filter, so XNNPACK falls back to its AVX-512 VNNI kernels. XNNPACK
    asks for the permission when it first reads the CPU's features and uses its AMX kernels only if
    it is granted. Must run before ai_edge_litert is imported. Returns False where seccomp filters
    cannot be installed (not Linux x86-64)."""
    import ctypes
    import platform
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        return False

    class SockFilter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    LD_ABS, JEQ, RET = 0x20, 0x15, 0x06          # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
    AUDIT_ARCH_X86_64, SYS_arch_prctl, ARCH_REQ_XCOMP_PERM = 0xC000003E, 158, 0x1023
    ALLOW, DENY = 0x7FFF0000, 0x00050000 | 1    # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    prog = [
        (LD_ABS, 0, 0, 4), (JEQ, 0, 5, AUDIT_ARCH_X86_64),      # seccomp_data.arch
        (LD_ABS, 0, 0, 0), (JEQ, 0, 3, SYS_arch_prctl),         # seccomp_data.nr
        (LD_ABS, 0, 0, 16), (JEQ, 0, 1, ARCH_REQ_XCOMP_PERM),   # low word of args[0]
        (RET, 0, 0, DENY), (RET, 0, 0, ALLOW),
    ]
    arr = (SockFilter * len(prog))(*[SockFilter(*i) for i in prog])
    fprog = SockFprog(len(prog), arr)
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


def load(path, oracle_dir):
    from ai_edge_litert.interpreter import Interpreter

    """The interpreter for `path`; TOCO-era models with quantized_dimension=3 on 1-D bias tensors
    (person_detect) are patched in memory with the shared oracle's fix, as the goldens were."""
    data = open(path, "rb").read()
    try:
        return Interpreter(model_content=data, num_threads=1)
    except ValueError as e:
        if "quantized_dimension" not in str(e):
            raise
    sys.path.insert(0, oracle_dir)
    from make_goldens import fix_quantized_dimension
    fixed, _ = fix_quantized_dimension(data)
    return Interpreter(model_content=bytes(fixed), num_threads=1)


def bench(path, runs, warmup, oracle_dir):
    interp = load(path, oracle_dir)
    interp.allocate_tensors()
    rng = np.random.default_rng(0x5EED)
    for d in interp.get_input_details():
        info = np.iinfo(d["dtype"])
        interp.set_tensor(d["index"], rng.integers(info.min, info.max + 1, size=d["shape"], dtype=d["dtype"]))
    invoke = interp.invoke
    clock = time.perf_counter_ns
    for _ in range(warmup):
        invoke()
    times = np.empty(runs)
    for i in range(runs):
        t0 = clock()
        invoke()
        times[i] = clock() - t0
    # The same loop around a no-op call: the per-call overhead of the timing loop itself.
    noop = lambda: None
    empty = np.empty(runs)
    for i in range(runs):
        t0 = clock()
        noop()
        empty[i] = clock() - t0
    us = times / 1000.0
    return {
        "model": path,
        "runtime": "litert-xnnpack",
        "runs": runs,
        "median_us": float(np.median(us)),
        "p10_us": float(np.percentile(us, 10)),
        "p90_us": float(np.percentile(us, 90)),
        "min_us": float(us.min()),
        "loop_overhead_us": float(np.median(empty) / 1000.0),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("models", nargs="+")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--oracle", default="../shared/oracle", help="directory of make_goldens.py (model patching)")
    ap.add_argument("--no-amx", action="store_true",
                    help="deny the process AMX tile state so XNNPACK uses its AVX-512 VNNI kernels "
                         "(on CPUs with AMX, XNNPACK's default choice)")
    a = ap.parse_args()
    runtime = "litert-xnnpack"
    if a.no_amx:
        if not deny_amx():
            sys.exit("litert_bench.py: --no-amx: cannot install the seccomp filter here")
        runtime = "litert-xnnpack-noamx"
    for m in a.models:
        r = bench(m, a.runs, a.warmup, a.oracle)
        r["runtime"] = runtime
        print(json.dumps(r))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
