#!/usr/bin/env python3
"""Prints TFLite Micro's tensor arena use for .tflite models (docs/EMBEDDED.md's RAM comparison).

TFLM's own recording allocator measures it: the head is the activation plan (tensors that live during
Invoke), the tail the persistent part (tensor structs, quantization, the kernels' per-op buffers). The
pip package `tflite-micro` is TFLM built for the host (x86-64, reference kernels), so the tail holds
64-bit pointers where a Cortex-M has 32-bit ones; the head is the same on both.

    python3 tools/tflm_arena.py ../shared/models/person_detect.tflite ...
"""
import io
import os
import re
import sys
import tempfile


def arena(path):
    """Returns (total, head, tail) bytes from TFLM's print_allocations for the model at path."""
    from tflite_micro.python.tflite_micro import runtime
    interpreter = runtime.Interpreter.from_file(path)
    # print_allocations writes to the C runtime's stderr: capture file descriptor 2.
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            interpreter.print_allocations()
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        text = capture.read().decode()
    figures = {}
    for name in ("total", "head", "tail"):
        match = re.search(r"Arena allocation %s (\d+) bytes" % name, text)
        if match is None:
            raise SystemExit("tflm_arena: no '%s' figure from TFLM for %s:\n%s" % (name, path, text))
        figures[name] = int(match.group(1))
    return figures["total"], figures["head"], figures["tail"]


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    print("model\ttflm_arena_total\thead_activations\ttail_persistent")
    for path in sys.argv[1:]:
        total, head, tail = arena(path)
        print("%s\t%d\t%d\t%d" % (os.path.basename(path), total, head, tail))


if __name__ == "__main__":
    main()
