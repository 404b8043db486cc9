# DSCFlow build entry points. `make test` is the project's test command (README, .ci/run).
SWIFT       ?= swift
CONFIG      ?= release
PREFIX      ?= /usr/local
BUILD_FLAGS ?=

PYTHON      ?= python3
FUZZ_COUNT  ?= 40
FUZZ_SEED   ?= 2026
ONNX_FUZZ_COUNT ?= 24

.PHONY: all build test check-docs test-swift test-fuzz test-fuzz-onnx cli-release clean lib cli install stage test-capi examples wheel test-wheel fuzz-deps \
        example-c example-cpp example-python example-firmware

all: build

# $(call no_warnings,NAME,COMMAND): runs a build COMMAND, shows its output and fails if a compiler (Swift
# or C) warned: zero warnings are allowed. CI builds from a fresh clone, so every file is compiled and
# every warning seen; an incremental build shows only the warnings of what it recompiles.
define no_warnings
	@mkdir -p $(BUILD_DIR); log=$(BUILD_DIR)/$(1).log; echo "$(2)"; \
	$(2) > $$log 2>&1; status=$$?; cat $$log; [ $$status -eq 0 ] || exit $$status; \
	if grep 'warning:' $$log | grep -v "$(NOT_A_WARNING)" | grep -q .; then \
		echo "FAIL: $(1): the build printed compiler warnings (zero are allowed):"; \
		grep 'warning:' $$log | grep -v "$(NOT_A_WARNING)" | sort -u; exit 1; \
	fi
endef
# Not a compiler warning: gold's note, in AddressSanitizer builds, that ASan's local check helpers
# cannot be exported under libdscflow.so's version script (they are not meant to be).
NOT_A_WARNING := Cannot export local symbol '__asan_

## Build the library and the dscflow CLI.
build:
	$(call no_warnings,build,$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS))

## Every test the project has.
test: check-docs cli-release test-swift test-fuzz test-fuzz-onnx test-capi examples test-wheel test-embedded

## Every public Swift declaration has a /// comment (tools/check_public_docs.py lists those that do not).
check-docs:
	$(PYTHON) tools/check_public_docs.py Sources

## The release CLI: the SkrSkr 50-image DAC-SDC evaluation test runs through it (about 1 s per image).
cli-release:
	$(call no_warnings,cli-release,$(SWIFT) build -c release --product dscflow $(BUILD_FLAGS))

## The Swift test suite (bit-exactness against the goldens and the project fixtures, kernels, malformed input).
test-swift:
	$(call no_warnings,test-build,$(SWIFT) build --build-tests $(BUILD_FLAGS))
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

## Random depthwise-separable models made by TensorFlow's converter, every operator compared with
## TFLite Micro (tools/fuzz_tflite.py). Needs tools/requirements.txt; skips with a reason without it.
test-fuzz:
	@if $(PYTHON) -c "import tensorflow, tflite_micro, ai_edge_litert" >/dev/null 2>&1; then \
		$(SWIFT) build -c release --product dscflow $(BUILD_FLAGS) && \
		$(PYTHON) tools/fuzz_tflite.py --count $(FUZZ_COUNT) --seed $(FUZZ_SEED) --dscflow .build/release/dscflow --keep .build/fuzz-failures; \
	else \
		echo "SKIP test-fuzz: python packages from tools/requirements.txt are not installed"; \
	fi

## Random depthwise-separable float models quantized by ONNX Runtime's own tool (QDQ/QOperator, u8/s8,
## per-tensor/per-channel), every graph output compared with ONNX Runtime on every kernel path
## (tools/fuzz_onnx.py; a new seed each run unless ONNX_FUZZ_SEED is given). Skips with a reason without
## onnx/onnxruntime.
test-fuzz-onnx:
	@if $(PYTHON) -c "import onnx, onnxruntime" >/dev/null 2>&1; then \
		$(SWIFT) build -c release --product dscflow $(BUILD_FLAGS) && \
		seed=$${ONNX_FUZZ_SEED:-$$(date +%s)}; echo "onnx fuzz seed $$seed"; \
		$(PYTHON) tools/fuzz_onnx.py --count $(ONNX_FUZZ_COUNT) --seed $$seed --dscflow .build/release/dscflow --keep .build/onnx-fuzz-failures; \
	else \
		echo "SKIP test-fuzz-onnx: onnx and onnxruntime from tools/requirements.txt are not installed"; \
	fi

clean:
	rm -rf .build $(BUILD_DIR)

# ---- C ABI: libdscflow.so, install, the C surface's tests, examples ---------------------------------

VERSION    := $(shell sed -n 's/^\#define DSCFLOW_VERSION_STRING "\(.*\)"/\1/p' include/dscflow.h)
BUILD_DIR  ?= build
# A prefix installed exactly as a user would (`make install PREFIX=...`); tests and examples build
# against it with pkg-config only.
STAGE      ?= $(CURDIR)/$(BUILD_DIR)/prefix
STAGE_ENV  := PKG_CONFIG_PATH=$(STAGE)/lib/pkgconfig
# cc/c++ if installed, else the clang of the Swift toolchain (a Swift-only machine has no gcc).
TOOLCHAIN_BIN := $(dir $(shell command -v $(SWIFT) 2>/dev/null))
ifeq ($(shell command -v $(CC) 2>/dev/null),)
CC         := $(TOOLCHAIN_BIN)clang
endif
ifeq ($(shell command -v $(CXX) 2>/dev/null),)
CXX        := $(TOOLCHAIN_BIN)clang++
endif
# Third-party models and goldens (absent on a fresh clone: what needs them skips, saying so).
SHARED     ?= ../shared
PERSON_MODEL  := $(SHARED)/models/person_detect.tflite
PERSON_BMP    := $(SHARED)/images/person.bmp
PERSON_GOLDEN := $(SHARED)/goldens/person_detect/person
# The project's own models (Tests/DSCFlowTests/Fixtures/tflite/<name>/model.tflite, with TFLite Micro
# goldens per case); the examples always run FIXTURE_EXAMPLE on its FIXTURE_CASE.
FIXTURES_DIR    := Tests/DSCFlowTests/Fixtures/tflite
FIXTURE_MODELS  := $(wildcard $(FIXTURES_DIR)/*/model.tflite)
FIXTURE_EXAMPLE := $(FIXTURES_DIR)/mobilenet_tiny
FIXTURE_CASE    := $(FIXTURE_EXAMPLE)/rand0
CAPI_MODELS     := $(wildcard $(SHARED)/models/*.tflite) $(FIXTURE_MODELS)
PKG        = $(STAGE_ENV) pkg-config
EXAMPLES   := $(BUILD_DIR)/examples

# $(call bundle_swift_runtime,ELF,DIR): copies into DIR the Swift runtime libraries ELF needs, directly
# or through one another, from the toolchain (the system libraries stay the system's).
define bundle_swift_runtime
runtime=$$($(SWIFT) -print-target-info | sed -n '/runtimeLibraryPaths/{n;s/.*"\(.*\)".*/\1/p;}'); \
	mkdir -p $(2); todo="$(1)"; \
	while [ -n "$$todo" ]; do next=""; \
		for f in $$todo; do for dep in $$(readelf -d $$f | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do \
			if [ -f "$$runtime/$$dep" ] && [ ! -f "$(2)/$$dep" ]; then cp "$$runtime/$$dep" $(2)/; next="$$next $(2)/$$dep"; fi; \
		done; done; todo="$$next"; \
	done
endef

# patchelf sets the RUNPATH of what is installed (Debian: apt-get install patchelf).
NEED_PATCHELF = @command -v patchelf >/dev/null || { echo "$@: patchelf is needed (Debian: apt-get install patchelf)"; exit 1; }

## Build libdscflow.so (SONAME libdscflow.so.0) and stage it in $(BUILD_DIR)/lib, the Swift runtime it
## needs in $(BUILD_DIR)/lib/dscflow. Its RUNPATH is exactly $$ORIGIN/dscflow (SwiftPM's own $$ORIGIN is
## removed): no Swift runtime lands in lib/ itself, where it could shadow another Swift or be shadowed.
lib:
	$(NEED_PATCHELF)
	$(call no_warnings,lib,$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS) --product DSCFlowC)
	@set -e; bin=$$($(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS) --show-bin-path); \
	rm -rf $(BUILD_DIR)/lib && mkdir -p $(BUILD_DIR)/lib; \
	cp "$$bin/libDSCFlowC.so" $(BUILD_DIR)/lib/libdscflow.so.$(VERSION); \
	ln -s libdscflow.so.$(VERSION) $(BUILD_DIR)/lib/libdscflow.so.0; \
	ln -s libdscflow.so.0 $(BUILD_DIR)/lib/libdscflow.so; \
	patchelf --set-rpath '$$ORIGIN/dscflow' $(BUILD_DIR)/lib/libdscflow.so.$(VERSION); \
	$(call bundle_swift_runtime,$(BUILD_DIR)/lib/libdscflow.so.$(VERSION),$(BUILD_DIR)/lib/dscflow); \
	echo "lib: $(BUILD_DIR)/lib/libdscflow.so.$(VERSION); Swift runtime in $(BUILD_DIR)/lib/dscflow: $$(ls $(BUILD_DIR)/lib/dscflow | xargs)"

## The dscflow CLI staged as $(BUILD_DIR)/cli/bin/dscflow, its RUNPATH set (patchelf) to $$ORIGIN/../lib/dscflow,
## where the Swift runtime and Foundation it needs are copied ($(BUILD_DIR)/cli/lib/dscflow; kept apart from
## $(BUILD_DIR)/lib so that the library and its wheel carry only what the library needs).
cli:
	$(NEED_PATCHELF)
	$(SWIFT) build -c release $(BUILD_FLAGS) --product dscflow
	@set -e; bin=$$($(SWIFT) build -c release $(BUILD_FLAGS) --show-bin-path); \
	rm -rf $(BUILD_DIR)/cli && mkdir -p $(BUILD_DIR)/cli/bin; \
	cp "$$bin/dscflow" $(BUILD_DIR)/cli/bin/dscflow; \
	patchelf --set-rpath '$$ORIGIN/../lib/dscflow' $(BUILD_DIR)/cli/bin/dscflow; \
	$(call bundle_swift_runtime,$(BUILD_DIR)/cli/bin/dscflow,$(BUILD_DIR)/cli/lib/dscflow)

## Install under PREFIX: lib/libdscflow.so*, lib/dscflow/ (the Swift runtime the library and the CLI need),
## bin/dscflow, include/dscflow.h and dscflow.hpp, lib/pkgconfig/dscflow.pc.
install: lib cli
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/lib/dscflow $(DESTDIR)$(PREFIX)/include \
		$(DESTDIR)$(PREFIX)/bin
	cp -P $(BUILD_DIR)/lib/libdscflow.so* $(DESTDIR)$(PREFIX)/lib/
	cp -P $(BUILD_DIR)/cli/lib/dscflow/* $(DESTDIR)$(PREFIX)/lib/dscflow/
	cp -P $(BUILD_DIR)/lib/dscflow/* $(DESTDIR)$(PREFIX)/lib/dscflow/
	install -m 755 $(BUILD_DIR)/cli/bin/dscflow $(DESTDIR)$(PREFIX)/bin/dscflow
	install -m 644 include/dscflow.h include/dscflow.hpp $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' pkgconfig/dscflow.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/dscflow.pc

## Install into $(STAGE) for the tests and examples.
stage:
	rm -rf $(STAGE)
	$(MAKE) --no-print-directory install PREFIX=$(STAGE) DESTDIR=

## The C surface: header vs compiler-generated header vs exports, C99/C++ compatibility, and the
## C test program (NULL arguments, sizes, status codes, threads) on every model available; the installed
## layout (check_install.sh).
test-capi: stage
	@mkdir -p $(BUILD_DIR)/tests
	sh Tests/CAPI/check_install.sh $(STAGE)
	sh Tests/CAPI/check_header.sh "$$($(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS) --show-bin-path)/DSCFlowCAPI.build/include" \
		$(STAGE)/lib/libdscflow.so
	$(CC) -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only $$($(PKG) --cflags dscflow) Tests/CAPI/header_c99.c
	$(CXX) -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only $$($(PKG) --cflags dscflow) Tests/CAPI/header_cxx.cpp
	$(CC) -std=c99 -Wall -Wextra -Werror -pthread Tests/CAPI/capi_test.c $$($(PKG) --cflags --libs dscflow) \
		-o $(BUILD_DIR)/tests/capi_test
	$(BUILD_DIR)/tests/capi_test $(CAPI_MODELS)
	$(CC) -std=c99 -Wall -Wextra -Werror Tests/CAPI/image_test.c $$($(PKG) --cflags --libs dscflow) -lm \
		-o $(BUILD_DIR)/tests/image_test
	$(BUILD_DIR)/tests/image_test models/dscflow_detector.tflite samples Tests/DSCFlowTests/Fixtures/jpeg
	$(CC) -std=c99 -Wall -Wextra -Werror -pthread Tests/CAPI/stack_test.c $$($(PKG) --cflags --libs dscflow) \
		-o $(BUILD_DIR)/tests/stack_test
	$(BUILD_DIR)/tests/stack_test $(CAPI_MODELS)
	$(CC) -std=c99 -Wall -Wextra -Werror -pthread Tests/CAPI/misuse_test.c $$($(PKG) --cflags --libs dscflow) \
		-o $(BUILD_DIR)/tests/misuse_test
	$(BUILD_DIR)/tests/misuse_test $(FIXTURES_DIR)/add_same_shape/model.tflite $(FIXTURE_EXAMPLE)/model.tflite \
		$(wildcard $(PERSON_MODEL))
	@if $(CC) -std=c99 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -pthread Tests/CAPI/capi_test.c \
		$$($(PKG) --cflags --libs dscflow) -o $(BUILD_DIR)/tests/capi_test_asan 2>/dev/null; then \
		echo "capi_test again under AddressSanitizer, LeakSanitizer and UBSan:"; \
		ASAN_OPTIONS=detect_leaks=1 $(BUILD_DIR)/tests/capi_test_asan $(CAPI_MODELS) > $(BUILD_DIR)/tests/capi_test_asan.log 2>&1; \
		status=$$?; tail -1 $(BUILD_DIR)/tests/capi_test_asan.log; \
		if [ $$status -ne 0 ]; then grep -v '^capi_test: ' $(BUILD_DIR)/tests/capi_test_asan.log | head -60; exit 1; fi; \
	else echo "skip: $(CC) cannot build with -fsanitize=address,undefined: capi_test ran without sanitizers"; fi

## Build and run every example against the staged install.
examples: example-c example-cpp example-python example-firmware

# Each example runs on the project fixture (always) and on person_detect + person.bmp (when ../shared is
# present), and must print the TFLite Micro golden output.
example-c: stage
	@mkdir -p $(EXAMPLES)
	$(CC) -std=c99 -Wall -Wextra -Werror Examples/c/dscflow_run.c $$($(PKG) --cflags --libs dscflow) -o $(EXAMPLES)/dscflow_run
	sh Examples/check_output.sh $(FIXTURE_CASE)/output.bin $(EXAMPLES)/dscflow_run $(FIXTURE_EXAMPLE)/model.tflite $(FIXTURE_CASE)/input.bin
	sh Examples/check_output.sh $(PERSON_GOLDEN)/output.bin $(EXAMPLES)/dscflow_run $(PERSON_MODEL) $(PERSON_BMP)

example-cpp: stage
	@mkdir -p $(EXAMPLES)
	$(CXX) -std=c++17 -Wall -Wextra -Werror Examples/cpp/dscflow_run.cpp $$($(PKG) --cflags --libs dscflow) -o $(EXAMPLES)/dscflow_run_cpp
	sh Examples/check_output.sh $(FIXTURE_CASE)/output.bin $(EXAMPLES)/dscflow_run_cpp $(FIXTURE_EXAMPLE)/model.tflite $(FIXTURE_CASE)/input.bin
	sh Examples/check_output.sh $(PERSON_GOLDEN)/output.bin $(EXAMPLES)/dscflow_run_cpp $(PERSON_MODEL) $(PERSON_BMP)

PYTHON_EXAMPLE = env $(STAGE_ENV) PYTHONPATH=Examples/python $(PYTHON) Examples/python/dscflow_run.py

# The package from the source tree, finding the staged install through pkg-config (the README's route
# for an installed prefix); its pytest suite runs on the installed wheel (test-wheel).
example-python: stage
	sh Examples/check_output.sh $(FIXTURE_CASE)/output.bin $(PYTHON_EXAMPLE) $(FIXTURE_EXAMPLE)/model.tflite $(FIXTURE_CASE)/input.bin
	sh Examples/check_output.sh $(PERSON_GOLDEN)/output.bin $(PYTHON_EXAMPLE) $(PERSON_MODEL) $(PERSON_BMP)

# ---- Python wheel ----------------------------------------------------------------------------------

WHEEL_DIR  := $(BUILD_DIR)/wheel
WHEEL_VENV := $(BUILD_DIR)/venv-wheel

## A wheel of Examples/python bundling libdscflow.so and the Swift runtime it needs ($(WHEEL_DIR)); the
## build must leave nothing (build/, *.egg-info) in the source tree.
wheel: lib
	rm -rf $(WHEEL_DIR)
	$(PYTHON) -m pip wheel -q --no-deps --no-build-isolation --config-settings lib-dir=$(abspath $(BUILD_DIR)/lib) \
		-w $(WHEEL_DIR) Examples/python
	@stray=$$(find Examples/python -name build -o -name '*.egg-info'); \
	if [ -n "$$stray" ]; then echo "wheel: building left $$stray in the source tree"; exit 1; fi
	@ls $(WHEEL_DIR)/dscflow-*-linux_*.whl

## The wheel in a fresh venv (numpy, pytest, Pillow from the base interpreter, nothing else), used with
## an empty environment: the default detector's box equals `dscflow detect`'s, person_detect says person;
## then the package's pytest suite on the installed copy, and mypy --strict when mypy is installed.
test-wheel: wheel cli
	rm -rf $(WHEEL_VENV)
	$(PYTHON) -m venv --system-site-packages $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install -q --no-index --no-deps $(WHEEL_DIR)/dscflow-*.whl
	@set -e; cd / && env -i $(abspath $(WHEEL_VENV))/bin/python $(abspath Examples/python/tests/smoke_installed.py) \
		$(CURDIR) $(abspath $(SHARED)) > $(abspath $(BUILD_DIR))/wheel-smoke.txt; cat $(abspath $(BUILD_DIR))/wheel-smoke.txt; \
	cli=$$(env -i $(abspath $(BUILD_DIR))/cli/bin/dscflow detect $(CURDIR)/models/dscflow_detector.tflite $(CURDIR)/samples/00000.png); \
	if [ "$$(head -1 $(abspath $(BUILD_DIR))/wheel-smoke.txt)" != "$${cli#*: }" ]; then echo "test-wheel: Python's box differs from the CLI's: $$cli"; exit 1; fi; \
	echo "test-wheel: the installed wheel's box equals dscflow detect's"
	cd $(BUILD_DIR) && env -i HOME="$$HOME" DSCFLOW_TEST_INSTALLED=1 DSCFLOW_SHARED=$(abspath $(SHARED)) \
		$(abspath $(WHEEL_VENV))/bin/python -m pytest -q -p no:cacheprovider $(abspath Examples/python/tests)
	@if $(PYTHON) -m mypy --version >/dev/null 2>&1; then \
		$(PYTHON) -m mypy --strict --cache-dir $(BUILD_DIR)/mypy-cache Examples/python/dscflow Examples/python/_backend; \
	else echo "SKIP: mypy --strict on Examples/python: mypy is not installed"; fi

FIRMWARE = $(MAKE) --no-print-directory -C Examples/firmware run STAGE=$(STAGE) CC=$(CC)

example-firmware: stage
	$(FIRMWARE) OUT=$(abspath $(EXAMPLES))/firmware-fixture MODEL=$(abspath $(FIXTURE_EXAMPLE))/model.tflite \
		INPUT=$(abspath $(FIXTURE_CASE))/input.bin EXPECTED=$(abspath $(FIXTURE_CASE))/output.bin
	$(if $(wildcard $(PERSON_MODEL)),$(FIRMWARE) OUT=$(abspath $(EXAMPLES))/firmware-person MODEL=$(abspath $(PERSON_MODEL)) \
		INPUT=$(abspath $(PERSON_GOLDEN))/input.bin EXPECTED=$(abspath $(PERSON_GOLDEN))/output.bin, \
		@echo "skip: firmware example on person_detect: $(PERSON_MODEL) is absent (../shared not present)")

include Embedded/embedded.mk

comma := ,

# ---- Sanitizers and libFuzzer (docs/HARDENING.md) -------------------------------------------------

# The toolchain's clang: its sanitizer runtimes are the ones the Swift code is linked with.
SAN_CC      := $(TOOLCHAIN_BIN)clang
ASAN_DIR    := .build/asan
TSAN_DIR    := .build/tsan
# swiftc has no UndefinedBehaviorSanitizer on Linux (`-sanitize=undefined` is refused), so SwiftPM's
# --sanitize=undefined cannot be used: the Swift code gets ASan (its own overflow and bounds checks trap
# anyway), the C targets ASan + UBSan through -Xcc (ASan's runtime has UBSan's handlers). UBSan's
# pointer-overflow check is left out: it took the AVX-512 conv tiles' compile from 9 s to minutes.
# -Wno-pass-failed: the unroller's notes on loops that ASan's checks made too large.
ASAN_SWIFT  := --sanitize=address --scratch-path $(ASAN_DIR) -Xcc -Wno-pass-failed \
	-Xcc -fsanitize=undefined -Xcc -fno-sanitize=pointer-overflow -Xcc -fno-sanitize-recover=undefined
TSAN_SWIFT  := --sanitize=thread --scratch-path $(TSAN_DIR)
# ASan's allocator returns NULL for an allocation it cannot serve, as malloc does (by default it aborts),
# so the library's own out-of-memory paths run as in production.
ASAN_RUN    := detect_leaks=0:allocator_may_return_null=1
# The static TSan runtime a C program links has libdispatch interceptors: it needs the toolchain's
# libdispatch and BlocksRuntime (a Swift program gets them from the Swift runtime).
SWIFT_RUNTIME_DIR := $(abspath $(TOOLCHAIN_BIN)/../lib/swift/linux)
TSAN_C_LIBS := -L$(SWIFT_RUNTIME_DIR) -ldispatch -lBlocksRuntime -Wl,-rpath,$(SWIFT_RUNTIME_DIR)
# The sanitized libDSCFlowC.so is a debug build: its Swift runtime (with libswiftSwiftOnoneSupport) is
# found in the toolchain, not beside it as `make lib` stages it.
SAN_C_ENV   := LD_LIBRARY_PATH=$(SWIFT_RUNTIME_DIR)
## XCTest filter of `make test-asan` (empty: every test) and of `make test-tsan` (the threaded tests).
ASAN_FILTER ?=
TSAN_FILTER ?= ThreadedSessionTests|FramePipelineTests|DetectorTests
# Models of the sanitized C test runs: the project fixtures and, when present, the shared models.
SAN_MODELS  := $(CAPI_MODELS)

# $(call sanitized_c_test,SCRATCH,SWIFTFLAGS,CFLAGS,NAME,ENV,LIBS): builds libDSCFlowC.so with SWIFTFLAGS
# and Tests/CAPI/capi_test.c with CFLAGS (and LIBS last) against it (the library itself instrumented, not
# only the test), then runs it on SAN_MODELS with ENV.
define sanitized_c_test
	$(call no_warnings,$(4)-lib,$(SWIFT) build $(2) --product DSCFlowC)
	@set -e; bin=$$($(SWIFT) build $(2) --show-bin-path); mkdir -p $(BUILD_DIR)/tests; \
	ln -sf libDSCFlowC.so $$bin/libdscflow.so.0; \
	$(SAN_CC) -std=c99 -g $(3) -pthread -Iinclude Tests/CAPI/capi_test.c -L$$bin -lDSCFlowC -Wl,-rpath,$$bin \
		$(6) -o $(BUILD_DIR)/tests/capi_test_$(4); \
	echo "capi_test against the $(4) build of the library:"; \
	$(5) $(BUILD_DIR)/tests/capi_test_$(4) $(SAN_MODELS) > $(BUILD_DIR)/tests/capi_test_$(4).log 2>&1 || status=$$?; \
	tail -1 $(BUILD_DIR)/tests/capi_test_$(4).log; \
	if [ "$${status:-0}" -ne 0 ]; then grep -v '^capi_test: ' $(BUILD_DIR)/tests/capi_test_$(4).log | head -80; exit 1; fi
endef

## The XCTests (ASAN_FILTER selects some) and the C API test (itself with UBSan too) against an
## AddressSanitizer build of the library. The allocation counter steps aside (the sanitizer's hook counts).
test-asan:
	$(call no_warnings,asan-build,$(SWIFT) build --build-tests $(ASAN_SWIFT))
	ASAN_OPTIONS=$(ASAN_RUN) \
		$(SWIFT) test --skip-build $(ASAN_SWIFT) $(if $(ASAN_FILTER),--filter '$(ASAN_FILTER)')
	$(call sanitized_c_test,$(ASAN_DIR),$(ASAN_SWIFT),-fsanitize=address$(comma)undefined -fno-sanitize-recover=undefined,asan,$(SAN_C_ENV) ASAN_OPTIONS=$(ASAN_RUN))

## The threaded tests (TSAN_FILTER) and the C API test (threads, two sessions per model, DSC_SESSION_THREADS)
## against a ThreadSanitizer build of the library.
test-tsan:
	$(call no_warnings,tsan-build,$(SWIFT) build --build-tests $(TSAN_SWIFT))
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build $(TSAN_SWIFT) --filter '$(TSAN_FILTER)'
	$(call sanitized_c_test,$(TSAN_DIR),$(TSAN_SWIFT),-fsanitize=thread,tsan,$(SAN_C_ENV) TSAN_OPTIONS=halt_on_error=1,$(TSAN_C_LIBS))

## Both sanitizer runs, the XCTests under ASan limited to SAN_CI_FILTER (what CI runs).
SAN_CI_FILTER ?= FileLimitTests|MemoryLimitTests|MalformedModelTests|DSCMFormatTests|RunAllocationTests|StartupAllocationTests|ProjectFixtureTests|ThreadedSessionTests|PNGCodecTests|JPEGCodecTests|KernelTests|KernelCoverageTests|ONNXFixtureTests|ONNXModelTests|SkrSkrImporterTests|ISmart3GoldenTests|CLITests|CLIHostileInputTests|StatusCodeTests
test-sanitizers:
	$(MAKE) --no-print-directory test-asan ASAN_FILTER='$(SAN_CI_FILTER)'
	$(MAKE) --no-print-directory test-tsan

FUZZ_DIR     := .build/fuzz
FUZZ_TARGETS := fuzz-tflite fuzz-dscm fuzz-skrskr fuzz-png fuzz-jpeg fuzz-capi
## Seconds each target runs in `make fuzz` (CI: 20, DSCFLOW_CI_FUZZ_SECONDS).
SECONDS      ?= 30

# SwiftPM hands swiftc one -sanitize= flag per sanitizer, and swiftc keeps only the last one: with
# `--sanitize=fuzzer --sanitize=address` alone the Swift code had ASan but no coverage counters (libFuzzer
# saw 12 edges on the PNG target). The -Xswiftc flag comes last and names both; clang combines its
# -fsanitize flags, so the C targets get both from SwiftPM's flags.
FUZZ_SWIFT   := --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xcc -Wno-pass-failed

# libpng and TurboJPEG with ASan and coverage (tools/build_fuzz_deps.sh: Debian's orig tarballs, pinned
# SHA-256; needs curl and cmake), linked into the fuzz targets in place of the system's copies.
FUZZ_DEPS    := .build/fuzz-deps

## Build instrumented libpng and TurboJPEG in $(FUZZ_DEPS) (once; remove the directory to rebuild).
fuzz-deps: $(FUZZ_DEPS)/lib/pkgconfig/libturbojpeg.pc
$(FUZZ_DEPS)/lib/pkgconfig/libturbojpeg.pc: tools/build_fuzz_deps.sh
	sh tools/build_fuzz_deps.sh $(FUZZ_DEPS) $(TOOLCHAIN_BIN)clang

## Build the libFuzzer targets of Tests/Fuzz (with ASan) in $(FUZZ_DIR), against the instrumented
## libpng and TurboJPEG of fuzz-deps; where those cannot be built (no network, no cmake) against the
## system's uninstrumented ones, and it says so. Compiler warnings fail it (NOT_A_WARNING is not one).
# SwiftPM rebuilds everything when its environment changes: make's own variables and `SECONDS=N` (a
# command-line variable, exported) stay out of it.
fuzz-build:
	@if $(MAKE) --no-print-directory fuzz-deps; then mode=instrumented; \
	else mode=system; echo "fuzz-build: NOTE: instrumented libpng/TurboJPEG could not be built (above);" \
		"the fuzz targets use the system's uninstrumented libraries"; fi; \
	if [ -d $(FUZZ_DIR) ] && [ "$$(cat $(FUZZ_DIR)/deps-mode 2>/dev/null || echo system)" != $$mode ]; then \
		echo "fuzz-build: $(FUZZ_DIR) was built against other libraries: removed"; rm -rf $(FUZZ_DIR); fi; \
	if [ $$mode = instrumented ]; then PKG_CONFIG_PATH=$(CURDIR)/$(FUZZ_DEPS)/lib/pkgconfig; export PKG_CONFIG_PATH; fi; \
	echo "fuzz-build: libpng and TurboJPEG: $$mode"; \
	mkdir -p $(BUILD_DIR) $(FUZZ_DIR); echo $$mode > $(FUZZ_DIR)/deps-mode; log=$(BUILD_DIR)/fuzz-build.log; \
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u SECONDS $(SWIFT) build -c release --package-path Tests/Fuzz --scratch-path $(CURDIR)/$(FUZZ_DIR) \
		$(FUZZ_SWIFT) > $$log 2>&1; status=$$?; tail -3 $$log; \
	if [ $$status -ne 0 ]; then cat $$log; exit $$status; fi; \
	if grep 'warning:' $$log | grep -v "$(NOT_A_WARNING)" | grep -q .; then \
		echo "FAIL: fuzz-build: compiler warnings:"; grep 'warning:' $$log | grep -v "$(NOT_A_WARNING)" | sort -u; exit 1; fi
	@ln -sf libDSCFlowC.so $(FUZZ_DIR)/release/libdscflow.so.0

## Run every fuzz target for SECONDS on a copy of its seed corpus (Tests/Fuzz/corpus/<target>, kept
## unchanged); a crash leaves its input in $(FUZZ_DIR)/findings/<target> and fails.
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		work=$(FUZZ_DIR)/work/$$t; found=$(FUZZ_DIR)/findings/$$t; rm -rf $$work; mkdir -p $$work $$found; \
		cp Tests/Fuzz/corpus/$${t#fuzz-}/* $$work/; \
		echo "fuzz: $$t for $(SECONDS) s"; \
		if ! ASAN_OPTIONS=detect_leaks=0 $(FUZZ_DIR)/release/$$t -max_total_time=$(SECONDS) -rss_limit_mb=2048 -timeout=10 \
			-artifact_prefix=$$found/ -print_final_stats=1 $$work > $(FUZZ_DIR)/$$t.log 2>&1; then \
			tail -40 $(FUZZ_DIR)/$$t.log; echo "FAIL: $$t: see $(FUZZ_DIR)/$$t.log and $$found"; exit 1; fi; \
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|cov:' $(FUZZ_DIR)/$$t.log | tail -3 | tr '\n' ' '; echo; \
	done
