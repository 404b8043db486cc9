#!/usr/bin/env python3
"""Procedural single-object detection scenes (DAC-SDC style), for DSCFlow's default model.

Every scene is an RGB image (uint8, H x W x 3, default 160 x 320) with a textured
background and exactly one object, plus the object's bounding box.

Box convention
--------------
``(xmin, xmax, ymin, ymax)`` in integer pixel-edge coordinates, **max exclusive**: the
object's visible pixels occupy columns ``xmin .. xmax-1`` and rows ``ymin .. ymax-1``.
Width is ``xmax - xmin`` (the DAC-SDC IoU convention, no ``+1``). A pixel counts as object
when the object's anti-aliased coverage there, after occlusion, is at least 0.5; the box is
the tight box of those pixels, so it always matches what is visible.

Determinism
-----------
``make_scene(seed, index)`` depends only on ``(seed, index)`` (numpy's SeedSequence with
both as entropy), numpy and this file. Scenes are independent, so any subset can be made in
any order or in parallel and gives the same pixels.

CLI
---
    python tools/synthetic_scenes.py --out DIR --count N [--seed S] [--start I]
        [--width 320 --height 160]

writes ``DIR/00000.png ...`` and ``DIR/ground_truth.txt`` with one line per image in the
DAC-SDC format ``NAME.png [xmin, xmax, ymin, ymax]``.
"""
from __future__ import annotations

import argparse
import math
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

SHAPES = ("rectangle", "rounded_rectangle", "ellipse", "ring", "triangle", "cross",
          "diamond", "star", "hexagon", "crescent")

# Object width as a fraction of the image width (before rotation; log-uniform).
MIN_WIDTH_FRACTION = 0.06
MAX_WIDTH_FRACTION = 0.40
SUPERSAMPLE = 3  # per axis, for anti-aliased coverage


# --------------------------------------------------------------------------------------
# Small numpy helpers
# --------------------------------------------------------------------------------------

def _upsample_bilinear(small: np.ndarray, height: int, width: int) -> np.ndarray:
    """Bilinear upsampling of a (h, w[, c]) array to (height, width[, c]), align-corners."""
    h, w = small.shape[:2]
    ys = np.linspace(0.0, h - 1.0, height)
    xs = np.linspace(0.0, w - 1.0, width)
    y0 = np.clip(np.floor(ys).astype(np.int64), 0, max(h - 2, 0))
    x0 = np.clip(np.floor(xs).astype(np.int64), 0, max(w - 2, 0))
    y1 = np.minimum(y0 + 1, h - 1)
    x1 = np.minimum(x0 + 1, w - 1)
    fy = (ys - y0)[:, None]
    fx = (xs - x0)[None, :]
    if small.ndim == 3:
        fy = fy[..., None]
        fx = fx[..., None]
    top = small[y0][:, x0] * (1 - fx) + small[y0][:, x1] * fx
    bottom = small[y1][:, x0] * (1 - fx) + small[y1][:, x1] * fx
    return (top * (1 - fy) + bottom * fy).astype(np.float32)


def _box_blur(img: np.ndarray, radius: int) -> np.ndarray:
    """Separable box blur with edge replication (radius in pixels, >= 1)."""
    k = 2 * radius + 1
    out = img
    for axis in (0, 1):
        pad = [(0, 0)] * img.ndim
        pad[axis] = (radius + 1, radius)
        padded = np.pad(out, pad, mode="edge")
        c = np.cumsum(padded, axis=axis, dtype=np.float32)
        n = out.shape[axis]
        hi = np.take(c, np.arange(k, k + n), axis=axis)
        lo = np.take(c, np.arange(0, n), axis=axis)
        out = (hi - lo) / k
    return out.astype(np.float32)


def _random_color(rng: np.random.Generator) -> np.ndarray:
    kind = rng.random()
    if kind < 0.6:  # saturated-ish colour from HSV
        h = rng.random()
        s = rng.uniform(0.3, 1.0)
        v = rng.uniform(0.25, 1.0)
        i = int(h * 6) % 6
        f = h * 6 - math.floor(h * 6)
        p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
        rgb = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
        return np.array(rgb, np.float32)
    if kind < 0.8:  # grey
        g = rng.random()
        return np.array([g, g, g], np.float32)
    return rng.random(3).astype(np.float32)


def _coords(height: int, width: int):
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    return y, x


# --------------------------------------------------------------------------------------
# Backgrounds: each returns float32 (H, W, 3) in [0, 1]
# --------------------------------------------------------------------------------------

def _bg_solid(rng, h, w):
    return np.broadcast_to(_random_color(rng), (h, w, 3)).copy()


def _bg_linear_gradient(rng, h, w):
    y, x = _coords(h, w)
    a = rng.uniform(0, 2 * math.pi)
    t = x * math.cos(a) + y * math.sin(a)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    c0, c1 = _random_color(rng), _random_color(rng)
    return c0 + t[..., None] * (c1 - c0)


def _bg_radial_gradient(rng, h, w):
    y, x = _coords(h, w)
    cy, cx = rng.uniform(0, h), rng.uniform(0, w)
    t = np.sqrt((x - cx) ** 2 + (y - cy) ** 2)
    t = t / max(float(t.max()), 1e-6)
    c0, c1 = _random_color(rng), _random_color(rng)
    return c0 + t[..., None] * (c1 - c0)


def _bg_value_noise(rng, h, w):
    gh = int(rng.integers(2, 24))
    gw = int(rng.integers(2, 48))
    if rng.random() < 0.5:  # colour noise
        small = rng.random((gh, gw, 3)).astype(np.float32)
        return _upsample_bilinear(small, h, w)
    small = rng.random((gh, gw)).astype(np.float32)
    t = _upsample_bilinear(small, h, w)
    c0, c1 = _random_color(rng), _random_color(rng)
    return c0 + t[..., None] * (c1 - c0)


def _bg_stripes(rng, h, w):
    y, x = _coords(h, w)
    a = rng.uniform(0, math.pi)
    period = rng.uniform(4, 60)
    t = (x * math.cos(a) + y * math.sin(a)) * (2 * math.pi / period) + rng.uniform(0, 6.3)
    s = np.sin(t)
    if rng.random() < 0.5:
        s = (s > rng.uniform(-0.5, 0.5)).astype(np.float32)
    else:
        s = 0.5 + 0.5 * s
    c0, c1 = _random_color(rng), _random_color(rng)
    return c0 + s[..., None] * (c1 - c0)


def _bg_checkerboard(rng, h, w):
    y, x = _coords(h, w)
    a = rng.uniform(0, math.pi / 2) if rng.random() < 0.5 else 0.0
    cell = rng.uniform(6, 48)
    u = (x * math.cos(a) + y * math.sin(a)) / cell
    v = (-x * math.sin(a) + y * math.cos(a)) / cell
    s = ((np.floor(u) + np.floor(v)) % 2).astype(np.float32)
    c0, c1 = _random_color(rng), _random_color(rng)
    return c0 + s[..., None] * (c1 - c0)


def _bg_blotches(rng, h, w):
    img = _bg_solid(rng, h, w) if rng.random() < 0.5 else _bg_value_noise(rng, h, w)
    y, x = _coords(h, w)
    for _ in range(int(rng.integers(3, 14))):
        cy, cx = rng.uniform(-10, h + 10), rng.uniform(-10, w + 10)
        ry, rx = rng.uniform(5, 60), rng.uniform(5, 90)
        d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
        soft = rng.uniform(0.3, 0.8)
        alpha = np.clip((1 - d) / soft, 0, 1) * rng.uniform(0.3, 0.8)
        img = img + alpha[..., None] * (_random_color(rng) - img)
    return img


def _bg_lines(rng, h, w):
    """Thin random line segments (clutter with edges, but no closed blob)."""
    img = _bg_linear_gradient(rng, h, w) if rng.random() < 0.5 else _bg_solid(rng, h, w)
    y, x = _coords(h, w)
    for _ in range(int(rng.integers(3, 12))):
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        a = rng.uniform(0, math.pi)
        length = rng.uniform(20, 200)
        width = rng.uniform(0.8, 3.0)
        dx, dy = math.cos(a), math.sin(a)
        t = (x - x0) * dx + (y - y0) * dy
        d = np.abs(-(x - x0) * dy + (y - y0) * dx)
        m = np.clip(width - d, 0, 1) * ((t > 0) & (t < length))
        img = img + m[..., None] * (_random_color(rng) - img)
    return img


BACKGROUNDS = (_bg_solid, _bg_linear_gradient, _bg_radial_gradient, _bg_value_noise,
               _bg_stripes, _bg_checkerboard, _bg_blotches, _bg_lines)
BACKGROUND_WEIGHTS = np.array([0.5, 1.2, 0.8, 1.5, 1.0, 1.0, 1.5, 1.0])
BACKGROUND_WEIGHTS = BACKGROUND_WEIGHTS / BACKGROUND_WEIGHTS.sum()


def make_background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    img = BACKGROUNDS[rng.choice(len(BACKGROUNDS), p=BACKGROUND_WEIGHTS)](rng, h, w)
    if rng.random() < 0.5:  # blend a second texture
        other = BACKGROUNDS[rng.choice(len(BACKGROUNDS), p=BACKGROUND_WEIGHTS)](rng, h, w)
        alpha = rng.uniform(0.2, 0.6)
        img = (1 - alpha) * img + alpha * other
    if rng.random() < 0.4:  # fine grain
        img = img + rng.normal(0, rng.uniform(0.01, 0.06), (h, w, 1 if rng.random() < 0.5 else 3))
    return np.clip(img, 0, 1).astype(np.float32)


# --------------------------------------------------------------------------------------
# Shapes: predicates on normalised coordinates (u, v), the nominal shape filling [-1, 1]^2
# --------------------------------------------------------------------------------------

def _inside_polygon(u: np.ndarray, v: np.ndarray, poly) -> np.ndarray:
    """Even-odd point-in-polygon test, vectorised over points."""
    inside = np.zeros(u.shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        if y0 == y1:
            continue
        crosses = (v >= min(y0, y1)) & (v < max(y0, y1))
        xi = x0 + (v - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (u < xi)
    return inside


def _shape_predicate(rng: np.random.Generator, shape: str):
    if shape == "rectangle":
        return lambda u, v: (np.abs(u) <= 1) & (np.abs(v) <= 1)
    if shape == "rounded_rectangle":
        r = rng.uniform(0.2, 0.6)
        def f(u, v):
            qu = np.maximum(np.abs(u) - (1 - r), 0)
            qv = np.maximum(np.abs(v) - (1 - r), 0)
            return (np.abs(u) <= 1) & (np.abs(v) <= 1) & (qu * qu + qv * qv <= r * r)
        return f
    if shape == "ellipse":
        return lambda u, v: u * u + v * v <= 1
    if shape == "ring":
        ri = rng.uniform(0.35, 0.75)
        return lambda u, v: (u * u + v * v <= 1) & (u * u + v * v >= ri * ri)
    if shape == "triangle":
        apex = rng.uniform(-1, 1)
        poly = [(-1.0, 1.0), (1.0, 1.0), (apex, -1.0)]
        return lambda u, v: _inside_polygon(u, v, poly)
    if shape == "cross":
        t = rng.uniform(0.2, 0.45)
        if rng.random() < 0.5:  # plus
            return lambda u, v: (((np.abs(u) <= t) & (np.abs(v) <= 1)) |
                                 ((np.abs(v) <= t) & (np.abs(u) <= 1)))
        def x_cross(u, v):  # saltire "x", arms along the diagonals
            a, b = (u + v) / math.sqrt(2), (u - v) / math.sqrt(2)
            box = (np.abs(u) <= 1) & (np.abs(v) <= 1)
            return box & ((np.abs(a) <= t) | (np.abs(b) <= t))
        return x_cross
    if shape == "diamond":
        return lambda u, v: np.abs(u) + np.abs(v) <= 1
    if shape == "star":
        k = int(rng.integers(4, 8))
        r_in = rng.uniform(0.35, 0.6)
        poly = []
        for i in range(2 * k):
            a = -math.pi / 2 + i * math.pi / k
            r = 1.0 if i % 2 == 0 else r_in
            poly.append((r * math.cos(a), r * math.sin(a)))
        return lambda u, v: _inside_polygon(u, v, poly)
    if shape == "hexagon":
        poly = [(math.cos(a), math.sin(a)) for a in np.arange(6) * math.pi / 3]
        return lambda u, v: _inside_polygon(u, v, poly)
    if shape == "crescent":
        off = rng.uniform(0.35, 0.7)
        return lambda u, v: (u * u + v * v <= 1) & ((u - off) ** 2 + v * v >= 0.8 ** 2)
    raise ValueError(f"unknown shape {shape!r}")


def render_shape(rng: np.random.Generator, shape: str, half_w: float, half_h: float,
                 angle: float) -> np.ndarray:
    """Anti-aliased coverage (float32, in [0, 1]) of the shape on a local canvas.

    The canvas is square, large enough for any rotation; the caller crops it.
    """
    pred = _shape_predicate(rng, shape)
    radius = int(math.ceil(math.hypot(half_w, half_h))) + 2
    size = 2 * radius
    s = SUPERSAMPLE
    offs = (np.arange(size * s, dtype=np.float32) + 0.5) / s - radius
    py, px = np.meshgrid(offs, offs, indexing="ij")
    ca, sa = math.cos(angle), math.sin(angle)
    u = (px * ca + py * sa) / half_w
    v = (-px * sa + py * ca) / half_h
    inside = pred(u, v).astype(np.float32)
    return inside.reshape(size, s, size, s).mean(axis=(1, 3))


# --------------------------------------------------------------------------------------
# Scene
# --------------------------------------------------------------------------------------

def _object_texture(rng, h, w, base_color):
    """Fill colour field (h, w, 3) for the object's bounding canvas."""
    kind = rng.random()
    y, x = _coords(h, w)
    if kind < 0.5:
        return np.broadcast_to(base_color, (h, w, 3))
    if kind < 0.75:  # shading
        a = rng.uniform(0, 2 * math.pi)
        t = x * math.cos(a) + y * math.sin(a)
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
        shade = rng.uniform(0.4, 1.0)
        return base_color * (shade + (1 - shade) * t)[..., None]
    if kind < 0.9:  # two-colour stripes/spots on the object
        period = rng.uniform(3, 14)
        a = rng.uniform(0, math.pi)
        s = (np.sin((x * math.cos(a) + y * math.sin(a)) * 2 * math.pi / period) > 0)
        other = np.clip(base_color * rng.uniform(0.3, 0.7), 0, 1)
        return np.where(s[..., None], base_color, other)
    noise = rng.normal(0, 0.08, (h, w, 1)).astype(np.float32)  # grainy surface
    return base_color + noise


def _pick_object_color(rng, bg_mean):
    best, best_d = None, -1.0
    for _ in range(12):
        c = _random_color(rng)
        d = float(np.linalg.norm(c - bg_mean))
        if d > 0.35:
            return c
        if d > best_d:
            best, best_d = c, d
    return best


def make_scene(seed: int, index: int, height: int = 160, width: int = 320):
    """Return ``(image, box)``: uint8 (height, width, 3) RGB, box = (xmin, xmax, ymin, ymax).

    ``xmax``/``ymax`` are exclusive (see the module docstring).
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFF, int(index)]))
    img = make_background(rng, height, width)

    # Object geometry.
    shape = SHAPES[int(rng.integers(len(SHAPES)))]
    obj_w = width * math.exp(rng.uniform(math.log(MIN_WIDTH_FRACTION),
                                         math.log(MAX_WIDTH_FRACTION)))
    aspect = math.exp(rng.uniform(math.log(0.5), math.log(2.0)))  # h / w
    obj_h = min(max(obj_w * aspect, 8.0), 0.9 * height)
    if shape in ("ellipse", "ring", "hexagon", "star", "diamond") and rng.random() < 0.4:
        obj_h = min(obj_w, 0.9 * height)  # circles, regular polygons
    angle = 0.0
    if shape in ("rectangle", "rounded_rectangle", "triangle", "cross", "star", "crescent",
                 "ellipse", "diamond", "hexagon") and rng.random() < 0.5:
        angle = rng.uniform(-math.pi, math.pi)
    cover = render_shape(rng, shape, obj_w / 2, obj_h / 2, angle)

    # Crop the canvas to the shape's support, shrink if it cannot fit.
    ys, xs = np.nonzero(cover > 0)
    cover = cover[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    ch, cw = cover.shape
    if ch > height - 2 or cw > width - 2:  # rotated shape too large: subsample
        step = int(math.ceil(max(ch / (height - 2), cw / (width - 2))))
        cover = cover[::step, ::step]
        ch, cw = cover.shape

    # Position: whole object inside the image.
    top = int(rng.integers(0, height - ch + 1))
    left = int(rng.integers(0, width - cw + 1))
    region = img[top:top + ch, left:left + cw]

    # Appearance.
    color = _pick_object_color(rng, region.reshape(-1, 3).mean(axis=0))
    fill = _object_texture(rng, ch, cw, color)
    if rng.random() < 0.25:  # outline in another colour
        # Approximate an inner border by eroding the coverage with a 3x3 min filter.
        thick = int(rng.integers(1, 4))
        inner = cover.copy()
        for _ in range(thick):
            p = np.pad(inner, 1)
            inner = np.minimum.reduce([p[1 + dy:1 + dy + ch, 1 + dx:1 + dx + cw]
                                       for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
        border = np.clip(cover - inner, 0, 1)[..., None]
        fill = fill * (1 - border) + _random_color(rng) * border
    alpha = cover.copy()

    # Mild occlusion: a bar or blob in a background-ish colour over part of the object.
    if rng.random() < 0.2:
        oy, ox = _coords(ch, cw)
        if rng.random() < 0.5:
            a = rng.uniform(0, math.pi)
            c0 = rng.uniform(0.2, 0.8) * cw, rng.uniform(0.2, 0.8) * ch
            d = np.abs(-(ox - c0[0]) * math.sin(a) + (oy - c0[1]) * math.cos(a))
            occ = np.clip(rng.uniform(1.5, max(2.0, 0.12 * min(ch, cw))) - d, 0, 1)
        else:
            cy0, cx0 = rng.uniform(0, ch), rng.uniform(0, cw)
            r = rng.uniform(0.15, 0.3) * max(ch, cw)
            occ = (((oy - cy0) ** 2 + (ox - cx0) ** 2) <= r * r).astype(np.float32)
        visible = alpha * (1 - occ)
        if visible.sum() >= 0.7 * alpha.sum() and (visible >= 0.5).any():
            alpha = visible

    region = region * (1 - alpha[..., None]) + fill * alpha[..., None]
    img[top:top + ch, left:left + cw] = region

    # Global photometric changes.
    if rng.random() < 0.3:
        img = _box_blur(img, 1)
    if rng.random() < 0.5:
        img = img + rng.normal(0, rng.uniform(0.005, 0.05), img.shape)
    if rng.random() < 0.5:
        img = (img - 0.5) * rng.uniform(0.7, 1.2) + 0.5 + rng.uniform(-0.1, 0.1)
    image = np.clip(np.rint(img * 255.0), 0, 255).astype(np.uint8)

    rows = np.nonzero((alpha >= 0.5).any(axis=1))[0]
    cols = np.nonzero((alpha >= 0.5).any(axis=0))[0]
    box = (left + int(cols[0]), left + int(cols[-1]) + 1, top + int(rows[0]), top + int(rows[-1]) + 1)
    return image, box


def _make_range(args):
    seed, start, count, height, width = args
    images = np.empty((count, height, width, 3), np.uint8)
    boxes = np.empty((count, 4), np.int32)
    for i in range(count):
        images[i], boxes[i] = make_scene(seed, start + i, height, width)
    return images, boxes


def make_scenes(seed: int, start: int, count: int, height: int = 160, width: int = 320,
                workers: int = 1, chunk: int = 500):
    """Scenes ``start .. start+count-1`` as (uint8 N×H×W×3, int32 N×4 [xmin, xmax, ymin, ymax])."""
    jobs = [(seed, s, min(chunk, start + count - s), height, width)
            for s in range(start, start + count, chunk)]
    if workers <= 1:
        parts = [_make_range(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            parts = list(ex.map(_make_range, jobs))
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))


def write_scenes(out_dir: str, seed: int, count: int, start: int = 0, height: int = 160,
                 width: int = 320) -> None:
    from PIL import Image
    os.makedirs(out_dir, exist_ok=True)
    lines = []
    for i in range(start, start + count):
        image, (x0, x1, y0, y1) = make_scene(seed, i, height, width)
        name = f"{i:05d}.png"
        Image.fromarray(image, "RGB").save(os.path.join(out_dir, name))
        lines.append(f"{name} [{x0}, {x1}, {y0}, {y1}]\n")
    with open(os.path.join(out_dir, "ground_truth.txt"), "w") as f:
        f.writelines(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.add_argument("--count", type=int, required=True, help="number of images")
    p.add_argument("--seed", type=int, default=0, help="dataset seed")
    p.add_argument("--start", type=int, default=0, help="index of the first scene")
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--height", type=int, default=160)
    a = p.parse_args()
    write_scenes(a.out, a.seed, a.count, a.start, a.height, a.width)


if __name__ == "__main__":
    main()
