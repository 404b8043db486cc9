"""smoke_installed.py ROOT [SHARED]: what a new user types after `pip install <the wheel>`, run by
`make test-wheel` with an empty environment. Prints the default detector's box for samples/00000.png (the
Makefile compares it with `dscflow detect`) and, when SHARED has person_detect, its answer for the person
photo (person.bmp's bytes + 128, written as a PNG with Pillow when it is installed)."""
import os
import sys
import tempfile
import warnings

import numpy as np

import dscflow
import dscflow.bmp


def main(root: str, shared: str) -> int:
    print(dscflow.detect(os.path.join(root, "models", "dscflow_detector.tflite"), os.path.join(root, "samples", "00000.png")))
    person = os.path.join(shared, "models", "person_detect.tflite")
    if not os.path.exists(person):
        print(f"skip: {person} is absent", file=sys.stderr)
        return 0
    photo = (dscflow.bmp.read_bmp8(os.path.join(shared, "images", "person.bmp")).astype(np.int16) + 128).astype(np.uint8)
    image: object = photo
    try:
        from PIL import Image
        image = os.path.join(tempfile.mkdtemp(), "person.png")
        Image.fromarray(photo).save(image)
    except ImportError:
        print("skip: Pillow is absent; classifying the pixels instead of a PNG file", file=sys.stderr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        top = dscflow.classify(person, image, labels=["no person", "person"], top=1)[0]
    print(f"person_detect: {top} ({'; '.join(str(w.message) for w in caught)})")
    return 0 if top.label == "person" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else os.path.join(sys.argv[1], "..", "shared")))
