# DSCFlow build entry points. `make test` is the project's test command (README, .ci/run).
SWIFT       ?= swift
CONFIG      ?= release
PREFIX      ?= /usr/local
BUILD_FLAGS ?=

.PHONY: all build test test-swift cli-release clean

all: build

## Build the library and the dscflow CLI.
build:
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)

## Every test the project has.
test: cli-release test-swift

## The release CLI: the SkrSkr 50-image DAC-SDC evaluation test runs through it (about 1 s per image).
cli-release:
	$(SWIFT) build -c release --product dscflow $(BUILD_FLAGS)

## The Swift test suite (bit-exactness against the goldens and the project fixtures, kernels, malformed input).
test-swift:
	$(SWIFT) test $(BUILD_FLAGS)

clean:
	rm -rf .build
