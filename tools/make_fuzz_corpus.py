#!/usr/bin/env python3
"""Writes the seed corpus of the libFuzzer targets (Tests/Fuzz/corpus/<target>/) from the project's own
fixtures and generators: nothing third-party.

    python3 tools/make_fuzz_corpus.py --dscflow .build/release/dscflow [--out Tests/Fuzz/corpus]

tflite: the project fixtures' models (Tests/DSCFlowTests/Fixtures/tflite/*/model.tflite).
dscm:   the same models converted by `dscflow convert`.
skrskr: SkyNet.bin-sized parameter files made here (sparse 6-bit weights, biases and multipliers from a
        fixed-seed generator; the first layer's padding lanes zero, so they import).
png:    the JPEG fixtures' Pillow decodes (Tests/DSCFlowTests/Fixtures/jpeg/*.png, the small ones) and
        small PNGs of every colour type and bit depth libpng's simplified API converts, made with Pillow.
jpeg:   the JPEG fixtures (baseline, progressive, 4:4:4 / 4:2:2 / 4:2:0, gray, restart markers, EXIF,
        CMYK), except the large one.
capi:   call-sequence programs for fuzz_capi.c (its `step` format) over a few fixture models: load in place,
        sessions of each kind, runs, queries, frees, use after free, double free, handles of the other
        kind and made-up ones, preprocessing, classification and detection.
The output is deterministic: running it again gives the same files.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests/DSCFlowTests/Fixtures"

# SkrSkr's parameter files (DSCFlow/Import/SkrSkrImporter.swift).
WEIGHT_BYTES = 441_344
BIAS_MULTIPLIER_BYTES = 13_696


def fixture_models() -> List[Path]:
    return sorted((FIXTURES / "tflite").glob("*/model.tflite"))


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def tflite(out: Path) -> None:
    for m in fixture_models():
        write(out / "tflite" / f"{m.parent.name}.tflite", m.read_bytes())


def dscm(out: Path, dscflow: str) -> None:
    (out / "dscm").mkdir(parents=True, exist_ok=True)
    for m in fixture_models():
        target = out / "dscm" / f"{m.parent.name}.dscm"
        subprocess.run([dscflow, "convert", str(m), "-o", str(target)], check=True, stdout=subprocess.DEVNULL)


def skrskr(out: Path) -> None:
    # Weights: 13792 words of 32 bytes; the first 9 words are conv1's (3 real lanes of 32). Sparse values
    # keep the files small in git; the lanes the importer checks (FACTS §3) stay consistent.
    for seed, density in ((1, 0.02), (2, 0.10), (3, 0.30)):
        rng = random.Random(seed)
        wt = bytearray(WEIGHT_BYTES)
        for i in range(WEIGHT_BYTES):
            lane = i % 32
            if i < 9 * 32 and lane >= 3:
                continue  # conv1 reads 3 input lanes: the rest stay 0
            if rng.random() < density:
                wt[i] = rng.randrange(-32, 32) & 0xFF
        bm = bytearray(BIAS_MULTIPLIER_BYTES)
        for w in range(0, BIAS_MULTIPLIER_BYTES, 2):
            if rng.random() < density * 4:
                bm[w:w + 2] = struct.pack("<h", rng.randrange(-2000, 2000) if (w // 32) % 2 == 0 else rng.randrange(0, 30000))
        for lane in range(3, 32):  # conv1's multipliers (words 2-3): 0 on the lanes without an input
            bm[2 * (16 * 2 + lane):2 * (16 * 2 + lane) + 2] = b"\0\0"
        write(out / "skrskr" / f"synthetic-{seed}.bin", bytes(wt) + bytes(bm))


def png(out: Path) -> None:
    from PIL import Image  # tools/requirements.txt
    for p in sorted((FIXTURES / "jpeg").glob("*.png")):
        if p.stat().st_size <= 16_000:
            write(out / "png" / p.name, p.read_bytes())
    rng = random.Random(5)

    def save(name: str, image: "Image.Image", **options: object) -> None:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", **options)
        write(out / "png" / name, buffer.getvalue())

    def pixels(n: int) -> bytes:
        return bytes(rng.randrange(256) for _ in range(n))

    save("gray-7x5.png", Image.frombytes("L", (7, 5), pixels(35)))
    save("gray-alpha-6x4.png", Image.frombytes("LA", (6, 4), pixels(48)))
    save("rgb-9x3.png", Image.frombytes("RGB", (9, 3), pixels(81)))
    save("rgba-4x4.png", Image.frombytes("RGBA", (4, 4), pixels(64)))
    save("palette-8x8.png", Image.frombytes("RGB", (8, 8), pixels(192)).convert("P", palette=Image.Palette.ADAPTIVE, colors=5))
    save("gray16-5x5.png", Image.frombytes("I;16", (5, 5), pixels(50)))
    save("bilevel-13x2.png", Image.frombytes("L", (13, 2), pixels(26)).convert("1"))
    save("rgb-1x1.png", Image.frombytes("RGB", (1, 1), b"\x10\x20\x30"))
    save("rgb-40x20-optimized.png", Image.frombytes("RGB", (40, 20), pixels(2400)), optimize=True)


def jpeg(out: Path) -> None:
    for p in sorted((FIXTURES / "jpeg").glob("*.jpg")):
        if "large" not in p.name:
            write(out / "jpeg" / p.name, p.read_bytes())


def capi(out: Path) -> None:
    def step(op: int, k: int = 0, j: int = 0, rest: bytes = b"") -> bytes:
        return bytes([op, k, j]) + rest

    def flags(value: int) -> bytes:
        return struct.pack("<I", value)

    def load(k: int, model: bytes) -> bytes:
        return step(0, k, 0, struct.pack("<H", len(model)) + model)

    picks = ["mobilenet_tiny", "add_broadcast", "concat_axes", "fc_flatten_softmax", "skynet_tiny", "mean_gap"]
    for name in picks:
        model = (FIXTURES / "tflite" / name / "model.tflite").read_bytes()
        programs = {
            "run": load(0, model) + step(2, 0, 0, flags(0)) + step(5, 0, 0, b"\x01\x00\x00\x00") + step(6, 0, 0, b"\x00\x00\x00")
            + step(7, 0, 0, b"\x00" + flags(0) + flags(0)),
            "misuse": load(1, model) + step(2, 1, 2, flags(3 << 16)) + step(4, 2) + step(5, 2) + step(4, 2) + step(1, 1)
            + step(7, 1, 0, b"\x00" + flags(0) + flags(0)) + step(8, 2, 1, b"\x01\x00\x00\x00\x00\x00\x00\x00"),
            "arena": load(2, model) + step(3, 2, 3, flags(1 | 2) + b"\x00\x00") + step(5, 3, 0, b"\x02\x00\x00\x00")
            + step(6, 3, 0, b"\x00\x01\x00") + step(1, 2) + step(5, 3, 0, b"\x00\x00\x00\x00"),
            "images": load(0, model) + step(9, 0, 0, b"\x0cresize=near" + b"\x04\x04\x03" + struct.pack("<H", 300))
            + step(10, 0, 0, b"\x05" * 8),
        }
        for what, program in programs.items():
            write(out / "capi" / f"{name}-{what}.bin", program)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dscflow", required=True, help="the dscflow CLI (for `convert`)")
    parser.add_argument("--out", default=str(ROOT / "Tests/Fuzz/corpus"))
    args = parser.parse_args()
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    tflite(out)
    dscm(out, args.dscflow)
    skrskr(out)
    png(out)
    jpeg(out)
    capi(out)
    for target in sorted(os.listdir(out)):
        files = list((out / target).iterdir())
        print(f"{target}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
