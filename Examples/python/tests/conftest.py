import os
import sys

# Import the package from this example's directory, unless the tests are to check an installed copy
# (DSCFLOW_TEST_INSTALLED=1: `make test-wheel` runs them in a fresh venv holding only the wheel).
if os.environ.get("DSCFLOW_TEST_INSTALLED") != "1":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
