"""Reads the pixel bytes of an uncompressed 8-bit BMP (the person-detection test images), top row first."""
from __future__ import annotations

import struct

import numpy as np

from .model import PathLike


def read_bmp8(path: PathLike) -> np.ndarray:
    """The pixels as a (height, width) uint8 array, rows top-down (BMPs with a positive height store
    them bottom-up)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 54 or data[:2] != b"BM":
        raise ValueError(f"{path}: not a BMP")
    offset, = struct.unpack_from("<I", data, 10)
    width, height, _, bits, compression = struct.unpack_from("<iiHHI", data, 18)
    if bits != 8 or compression != 0 or width <= 0 or height == 0:
        raise ValueError(f"{path}: need an uncompressed 8-bit BMP")
    rows, stride = abs(height), (width + 3) // 4 * 4
    if offset + rows * stride > len(data):
        raise ValueError(f"{path}: truncated")
    pixels = np.frombuffer(data, np.uint8, rows * stride, offset).reshape(rows, stride)[:, :width]
    return pixels[::-1].copy() if height > 0 else pixels.copy()
