"""Images in, answers out: reading PNG and JPEG files, preprocessing, classification and single-object
detection, through the C API (dsc_image_read, dsc_preprocess, dsc_classify, dsc_detect)."""
from __future__ import annotations

import ctypes
import os
import warnings
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from ._library import BoxStruct, ClassStruct, lib
from .errors import InvalidArgumentError, check
from .model import Model, Options, PathLike, as_model, options_text

#: An image: a file path (PNG or JPEG) or a uint8 array of shape (H, W) or (H, W, C) with C 1, 3 or 4.
ImageLike = Union[PathLike, np.ndarray]


class AssumptionWarning(UserWarning):
    """The model says nothing about how to normalize its input, so the range its input quantization
    implies was used (e.g. int8 scale 1/128 zero point 0: range -1,1). Give `preprocess={"range": ...}`
    to choose it yourself."""


@dataclass(frozen=True)
class Classification:
    """One class of a classifier's answer: the output index, its label, the dequantized value (a
    probability for softmax outputs) and the stored integer."""
    index: int
    label: str
    probability: float
    raw: int

    def __str__(self) -> str:
        return f"{self.label} {self.probability:.6f}"


@dataclass(frozen=True)
class Detection:
    """A single-object detection in pixels of the original image: [xmin, xmax) x [ymin, ymax), the score
    (NaN when the head defines none), the winning anchor and grid cell, and head-specific integer words."""
    xmin: float
    xmax: float
    ymin: float
    ymax: float
    score: float
    anchor: int
    grid_x: int
    grid_y: int
    raw: Tuple[int, ...]

    def __str__(self) -> str:
        """The box as `dscflow detect` prints it."""
        def n(v: float) -> str:
            return str(int(v)) if v == int(v) else f"{v:.2f}"
        return (f"xmin {n(self.xmin)} xmax {n(self.xmax)} ymin {n(self.ymin)} ymax {n(self.ymax)} "
                f"score {self.score:.4f} (anchor {self.anchor}, cell x {self.grid_x} y {self.grid_y})")


def read_image(path: PathLike) -> np.ndarray:
    """Decodes a PNG or JPEG file (told apart by content) to a uint8 array of shape (H, W, C): C is 1
    (gray), 3 (RGB) or 4 (RGBA). JPEGs decode exactly as Pillow decodes them by default (EXIF orientation
    ignored, as Image.open ignores it). Corrupt or truncated files raise ModelIOError."""
    name = os.fsencode(path)
    w, h, c = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_size_t()
    check(lib.dsc_image_read(name, None, 0, ctypes.byref(w), ctypes.byref(h), ctypes.byref(c)))
    pixels = np.empty((h.value, w.value, c.value), np.uint8)
    check(lib.dsc_image_read(name, pixels.ctypes.data, pixels.nbytes, ctypes.byref(w), ctypes.byref(h),
                             ctypes.byref(c)))
    return pixels


def _pixels(image: ImageLike) -> np.ndarray:
    """`image` as a C-contiguous uint8 (H, W, C) array, read from a file if it is a path."""
    if not isinstance(image, np.ndarray):
        return read_image(image)
    if image.dtype != np.uint8:
        raise InvalidArgumentError(f"an image array must be uint8 pixels (0...255), not {image.dtype}")
    a = image[:, :, np.newaxis] if image.ndim == 2 else image
    if a.ndim != 3 or a.shape[2] not in (1, 3, 4) or a.shape[0] < 1 or a.shape[1] < 1:
        raise InvalidArgumentError(f"an image array must be (H, W) or (H, W, 1|3|4), not {image.shape}")
    return np.ascontiguousarray(a)


def _warn_assumption(model: Model, preprocess: Optional[Options]) -> None:
    assumed = model.preprocessing(preprocess).assumed
    if assumed:
        warnings.warn(AssumptionWarning(assumed), stacklevel=3)


def preprocess(model: Union[Model, PathLike], image: ImageLike, preprocess: Optional[Options] = None) -> np.ndarray:
    """The model's input 0 for `image`, as an array of the input's dtype and shape: the model's
    dscflow.preprocess metadata with `preprocess` overriding it (keys color, resize, fit, pad, range,
    mean, std; e.g. {"range": (-1, 1)}). Warns (AssumptionWarning) when the range was inferred."""
    m = as_model(model)
    px = _pixels(image)
    info = m.inputs[0]
    out = np.empty(info.shape, info.dtype)
    _warn_assumption(m, preprocess)
    check(lib.dsc_preprocess(m._handle, options_text(preprocess), px.ctypes.data, px.shape[1], px.shape[0],
                             px.shape[2], out.ctypes.data, out.nbytes))
    return out


def classify(model: Union[Model, PathLike], image: ImageLike, top: int = 5, labels: Optional[Sequence[str]] = None,
             preprocess: Optional[Options] = None) -> List[Classification]:
    """The `top` most probable classes of `image`, most probable first (as `dscflow classify`). Labels come
    from `labels` (one per output index), else the model's metadata, else "class i"."""
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive int, not {top!r}")
    m = as_model(model)
    px = _pixels(image)
    _warn_assumption(m, preprocess)
    classes = (ClassStruct * top)()
    count = ctypes.c_size_t()
    check(lib.dsc_classify(m._handle, options_text(preprocess), px.ctypes.data, px.shape[1], px.shape[0], px.shape[2],
                           classes, top, ctypes.byref(count)))
    result = []
    for c in classes[:min(top, count.value)]:
        label = labels[c.index] if labels is not None and c.index < len(labels) else c.label.decode("utf-8", "replace")
        result.append(Classification(c.index, label, c.probability, c.raw))
    return result


def detect(model: Union[Model, PathLike], image: ImageLike, min_score: Optional[float] = None,
           preprocess: Optional[Options] = None, detection: Optional[Options] = None) -> Optional[Detection]:
    """The single object in `image` (as `dscflow detect`), or None when its score is below `min_score`
    (default: the model's min-score= metadata, else 0 for the skrskr head and 0.5 for the others; give 0 to
    always get the best box). `detection` overrides the model's dscflow.detection metadata (head, anchors,
    grid, channels)."""
    m = as_model(model)
    px = _pixels(image)
    _warn_assumption(m, preprocess)
    box = BoxStruct()
    check(lib.dsc_detect(m._handle, options_text(preprocess), options_text(detection), px.ctypes.data, px.shape[1],
                         px.shape[0], px.shape[2], ctypes.byref(box)))
    threshold = m.min_score(detection) if min_score is None else float(min_score)
    if box.score < threshold:  # NaN (a head without a score) always counts
        return None
    return Detection(box.xmin, box.xmax, box.ymin, box.ymax, box.score, box.anchor, box.grid_x, box.grid_y,
                     tuple(box.raw[:box.raw_count]))


