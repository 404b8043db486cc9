"""dscflow_run.py MODEL [INPUT]: the C example in Python. INPUT is the raw input tensor bytes or an
8-bit BMP whose pixel bytes are the input values. Prints the model's info and "output 0: v0 v1 ..."."""
import sys

import numpy as np

import dscflow
from dscflow.bmp import read_bmp8


def main(argv):
    if len(argv) not in (2, 3):
        print(f"usage: {argv[0]} MODEL [INPUT]", file=sys.stderr)
        return 2
    try:
        print(f"DSCFlow {dscflow.version()}")
        model = dscflow.Model.load(argv[1])
        for role, tensors in (("input", model.inputs), ("output", model.outputs)):
            for i, t in enumerate(tensors):
                print(f"{role} {i}: {t.name} {np.dtype(t.dtype).name}{list(t.shape)} {t.byte_size} bytes, "
                      f"scale {t.scale:g}, zero point {t.zero_point}")
        print(f"operators: {len(model.ops)}\nMACs: {model.macs}\nparameters: {model.parameter_count}\n"
              f"arena: {model.arena_size()} bytes")
        if len(argv) == 3:
            path = argv[2]
            if open(path, "rb").read(2) == b"BM":
                values = read_bmp8(path).view(model.inputs[0].dtype)
            else:
                values = np.fromfile(path, model.inputs[0].dtype)
            out = model.session().run(values.reshape(model.inputs[0].shape))
            print("output 0: " + " ".join(str(v) for v in out.ravel()))
    except dscflow.DSCFlowError as e:
        print(f"dscflow_run.py: {e} ({e.status_name})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
