"""Makes the project's JPEG fixtures and their oracle: each NAME.jpg is written by Pillow from a fixed
synthetic picture, and NAME.png holds the pixels Pillow decodes from that JPEG (Image.open(...) with
Pillow's defaults: islow IDCT, fancy upsampling, no EXIF orientation applied), saved losslessly.
JPEGCodecTests checks that DSCFlow decodes every NAME.jpg to exactly NAME.png's pixels.

    python3 Tests/DSCFlowTests/Fixtures/jpeg/make_fixtures.py    (Pillow 13.0.0, its libjpeg-turbo 3.2.0)

Deterministic: the same Pillow gives the same files.
"""
import io
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def picture(width, height, seed):
    """Smooth gradients, hard edges, saturated colours and a little noise: every chroma and IDCT path
    gets work. Odd sizes leave partial MCUs at the right and bottom edges."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = 127.5 + 127.5 * np.sin(x / 3.0) * np.cos(y / 5.0)
    rgb = np.stack([r, g, b], axis=-1)
    rgb[(x // 8 + y // 8) % 2 == 0] *= 0.6                       # checkerboard edges
    rgb[height // 3:height // 2, width // 4:width // 2] = (255, 0, 40)  # a saturated block
    rgb += rng.normal(0, 6, rgb.shape)
    return Image.fromarray(np.clip(rgb.round(), 0, 255).astype(np.uint8), "RGB")


def exif_with_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def main():
    color = picture(61, 47, 1)
    wide = picture(203, 117, 2)
    fixtures = {
        "baseline_444": (color, dict(quality=90, subsampling="4:4:4")),
        "baseline_422": (color, dict(quality=90, subsampling="4:2:2")),
        "baseline_420": (color, dict(quality=75, subsampling="4:2:0")),
        "baseline_420_large": (wide, dict(quality=95, subsampling="4:2:0")),
        "progressive_420": (color, dict(quality=80, subsampling="4:2:0", progressive=True)),
        "progressive_444": (wide, dict(quality=70, subsampling="4:4:4", progressive=True)),
        "optimized_422": (wide, dict(quality=60, subsampling="4:2:2", optimize=True)),
        "gray": (color.convert("L"), dict(quality=85)),
        "gray_progressive": (wide.convert("L"), dict(quality=90, progressive=True)),
        "restart_blocks_420": (wide, dict(quality=85, subsampling="4:2:0", restart_marker_blocks=3)),
        "restart_rows_444": (color, dict(quality=85, subsampling="4:4:4", restart_marker_rows=1)),
        # EXIF Orientation 6 (rotate 90° clockwise to display). Pillow's Image.open ignores it (only
        # ImageOps.exif_transpose applies it); DSCFlow does the same, so the oracle is the stored layout.
        "exif_orientation_6": (color, dict(quality=90, subsampling="4:2:0", exif=exif_with_orientation(6))),
    }
    for name, (image, options) in fixtures.items():
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", **options)
        data = buffer.getvalue()
        with open(os.path.join(HERE, name + ".jpg"), "wb") as f:
            f.write(data)
        decoded = Image.open(io.BytesIO(data))
        decoded.load()
        decoded.save(os.path.join(HERE, name + ".png"), optimize=True)
        print(f"{name}.jpg: {len(data)} bytes, {decoded.mode} {decoded.size}")
    # A CMYK JPEG (Adobe): DSCFlow rejects it with an error (Pillow would give CMYK pixels).
    cmyk = io.BytesIO()
    color.convert("CMYK").save(cmyk, "JPEG", quality=90)
    with open(os.path.join(HERE, "unsupported_cmyk.jpg"), "wb") as f:
        f.write(cmyk.getvalue())


if __name__ == "__main__":
    main()
