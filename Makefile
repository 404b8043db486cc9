# DSCFlow build entry points. `make test` is the project's test command (README, .ci/run).
SWIFT       ?= swift
CONFIG      ?= release
PREFIX      ?= /usr/local
BUILD_FLAGS ?=

PYTHON      ?= python3
FUZZ_COUNT  ?= 40
FUZZ_SEED   ?= 2026

.PHONY: all build test test-swift test-fuzz cli-release clean

all: build

## Build the library and the dscflow CLI.
build:
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)

## Every test the project has.
test: cli-release test-swift test-fuzz

## The release CLI: the SkrSkr 50-image DAC-SDC evaluation test runs through it (about 1 s per image).
cli-release:
	$(SWIFT) build -c release --product dscflow $(BUILD_FLAGS)

## The Swift test suite (bit-exactness against the goldens and the project fixtures, kernels, malformed input).
test-swift:
	$(SWIFT) test $(BUILD_FLAGS)

## Random depthwise-separable models made by TensorFlow's converter, every operator compared with
## TFLite Micro (tools/fuzz_tflite.py). Needs tools/requirements.txt; skips with a reason without it.
test-fuzz:
	@if $(PYTHON) -c "import tensorflow, tflite_micro, ai_edge_litert" >/dev/null 2>&1; then \
		$(SWIFT) build -c release --product dscflow $(BUILD_FLAGS) && \
		$(PYTHON) tools/fuzz_tflite.py --count $(FUZZ_COUNT) --seed $(FUZZ_SEED) --dscflow .build/release/dscflow --keep .build/fuzz-failures; \
	else \
		echo "SKIP test-fuzz: python packages from tools/requirements.txt are not installed"; \
	fi

clean:
	rm -rf .build
