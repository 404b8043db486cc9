# ---- Embedded Swift: the core on microcontrollers (docs/EMBEDDED.md) -----------------------------------
#
# One source, two modes. SwiftPM builds the hosted library as always; these rules compile the same files
# in Embedded Swift mode (-enable-experimental-feature Embedded -wmo -Osize): the core (Sources/DSCFlow),
# the C API without its image functions (Sources/DSCFlowCAPI minus ImageFunctions.swift, which needs
# DSCFlowVision), the portable C microkernels (no x86 builds, no pthread workers) and the C API's shims.
# What Embedded Swift lacks is guarded in the sources with `#if hasFeature(Embedded)` (untyped throws in
# the C API's Status.guarded) or `#if canImport(DSCFlowVision)` (labels). The OS services the hosted
# build gets from CDSCFlowSupport and threads.c come from Embedded/device/platform.c.
#
#   make embedded-lib                    the Cortex-M7 runtime: $(EMB)/armv7em/libdscflow.a
#   make embedded-x86_64                 the freestanding x86-64 runtime, and its size
#   make firmware-qemu MODEL=M INPUT=I OUTPUT=O [KERNELS=portable|reference]
#                                        a Cortex-M7 image of model M, run in qemu-system-arm -M mps2-an500
#   make test-embedded                   firmware-qemu on every shared golden and project fixture

EMB          := $(BUILD_DIR)/embedded
SWIFTC       := $(TOOLCHAIN_BIN)swiftc
EMB_CLANG    := $(TOOLCHAIN_BIN)clang
PICOLIBC_ARM ?= /usr/lib/picolibc/arm-none-eabi
ARM_GCC      ?= arm-none-eabi-gcc
ARM_SIZE     ?= arm-none-eabi-size
QEMU_ARM     ?= qemu-system-arm
KERNELS      ?= portable
QEMU_TIMEOUT ?= 600
EMB_UNICODE  := $(dir $(shell command -v $(SWIFT) 2>/dev/null))../lib/swift/embedded

# The sources of the two modules and the C files (portable kernels only: x86 ISA builds and the pthread
# workers stay out; Embedded/device/platform.c stands in for the workers and CDSCFlowSupport, whose aligned.c the firmware shares and
# whose sha256.c the runtime carries).
EMB_CORE_SOURCES := $(shell find Sources/DSCFlow -name '*.swift' | sort)
EMB_CAPI_SOURCES := $(filter-out %/ImageFunctions.swift,$(wildcard Sources/DSCFlowCAPI/*.swift))
EMB_C_SOURCES    := $(filter-out %-avx2.c %-avxvnni.c %-avx512vnni.c %-avx512vbmi.c %/threads.c, \
                      $(shell find Sources/CDSCFlowSIMD -name '*.c' | sort)) Sources/CDSCFlowCAPI/capi_shims.c \
                    Sources/CDSCFlowSupport/sha256.c

EMB_SWIFTFLAGS := -enable-experimental-feature Embedded -wmo -Osize -parse-as-library -package-name DSCFlow \
	-Xfrontend -function-sections -Xfrontend -disable-implicit-concurrency-module-import \
	-Xfrontend -disable-implicit-string-processing-module-import -I $(EMB)/modules
EMB_CFLAGS := -DDSCFLOW_DEVICE=1 -Os -fwrapv -ffunction-sections -fdata-sections -std=gnu11 -Wall -Wextra -Werror -Wno-psabi \
	-ISources/CDSCFlowSIMD/include -ISources/CDSCFlowSupport/include -ISources/CDSCFlowCAPI/include -Iinclude

# Per target: Swift and C flags. armv7em: Cortex-M7 with its double-precision FPU, softfp calling convention
# (the prebuilt libswiftUnicodeDataTables.a uses the base ABI), short enums as the GNU toolchain and picolibc.
EMB_SWIFT_armv7em := -target armv7em-none-none-eabi -Xcc -mcpu=cortex-m7 -Xcc -mfpu=fpv5-d16 -Xcc -mfloat-abi=softfp -Xcc -fshort-enums \
	-Xcc -isystem -Xcc $(PICOLIBC_ARM)/include
EMB_CC_armv7em    := --target=armv7em-none-eabi -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=softfp -mthumb -fshort-enums \
	-isystem $(PICOLIBC_ARM)/include -ftls-model=local-exec
# x86_64: freestanding (no OS); the C kernels are the portable build (SSE2), declarations from the host's libc.
EMB_SWIFT_x86_64  := -target x86_64-unknown-none-elf -Xcc -DDSCSIMD_PORTABLE_ONLY
EMB_CC_x86_64     := --target=x86_64-unknown-none-elf -DDSCSIMD_PORTABLE_ONLY -fno-pic -fno-stack-protector \
	-isystem /usr/include/x86_64-linux-gnu -isystem /usr/include

.PHONY: embedded-lib embedded-x86_64 firmware-qemu firmware-heap-trap firmware-calibrate test-embedded
# Pattern-rule intermediates kept between builds (the Swift compiles take minutes).
.PRECIOUS: $(EMB)/%/DSCFlow.o $(EMB)/%/DSCFlowCAPI.o $(EMB)/%/c.stamp

$(EMB)/modules/module.modulemap:
	@mkdir -p $(@D)
	printf 'module CDSCFlowSIMD {\n header "%s"\n export *\n}\nmodule CDSCFlowSupport {\n header "%s"\n export *\n}\n' \
		$(abspath Sources/CDSCFlowSIMD/include/CDSCFlowSIMD.h) $(abspath Sources/CDSCFlowSupport/include/CDSCFlowSupport.h) > $@

# The core as an Embedded Swift module (object + .swiftmodule for the C API module).
$(EMB)/%/DSCFlow.o: $(EMB_CORE_SOURCES) $(EMB)/modules/module.modulemap Sources/CDSCFlowSIMD/include/CDSCFlowSIMD.h \
		Sources/CDSCFlowSIMD/include/dscsimd_ort.h
	@mkdir -p $(@D)
	$(call no_warnings,embedded-$*-core,$(SWIFTC) $(EMB_SWIFTFLAGS) $(EMB_SWIFT_$*) -module-name DSCFlow \
		-emit-module -emit-module-path $(@D)/DSCFlow.swiftmodule $(EMB_CORE_SOURCES) -c -o $@)

# The C API (device subset) over the core.
$(EMB)/%/DSCFlowCAPI.o: $(EMB_CAPI_SOURCES) $(EMB)/%/DSCFlow.o include/dscflow.h
	$(call no_warnings,embedded-$*-capi,$(SWIFTC) $(EMB_SWIFTFLAGS) $(EMB_SWIFT_$*) -module-name DSCFlowCAPI \
		-I $(@D) -I Sources/CDSCFlowCAPI/include -Xcc -DDSCFLOW_SWIFT_IMPLEMENTATION $(EMB_CAPI_SOURCES) -c -o $@)

$(EMB)/%/c.stamp: $(EMB_C_SOURCES) $(shell find Sources/CDSCFlowSIMD -name '*.h')
	@mkdir -p $(@D)/c
	@set -e; for f in $(EMB_C_SOURCES); do \
		echo "$(EMB_CLANG) $(EMB_CC_$*) -c $$f"; \
		$(EMB_CLANG) $(EMB_CC_$*) $(EMB_CFLAGS) -c $$f -o $(@D)/c/$$(basename $$f .c).o; \
	done; touch $@

# The runtime: Swift core + C API + portable kernels + C API shims (no platform layer, no model).
$(EMB)/%/libdscflow.a: $(EMB)/%/DSCFlow.o $(EMB)/%/DSCFlowCAPI.o $(EMB)/%/c.stamp
	rm -f $@
	$(TOOLCHAIN_BIN)llvm-ar rcs $@ $(@D)/DSCFlow.o $(@D)/DSCFlowCAPI.o $(@D)/c/*.o

embedded-lib: $(EMB)/armv7em/libdscflow.a

# ---- the freestanding x86-64 runtime: the archive, and the part a program using the C API links ---------

# The device C API: what the firmware and the size figure below keep (a linker's --gc-sections closure).
EMB_DEVICE_API := dsc_version dsc_last_error dsc_status_name dsc_model_load_memory dsc_model_free \
	dsc_model_input_count dsc_model_output_count dsc_model_input dsc_model_output dsc_model_arena_size \
	dsc_session_create_in_arena dsc_session_free dsc_session_run dsc_session_input dsc_session_invoke \
	dsc_session_output dsc_session_kernels

embedded-x86_64: $(EMB)/x86_64/libdscflow.a
	@set -e; cd $(EMB)/x86_64; \
	$(TOOLCHAIN_BIN)ld.lld -r --gc-sections $(addprefix -u ,$(EMB_DEVICE_API)) libdscflow.a -o device-api.o; \
	echo "x86_64-unknown-none-elf runtime, whole archive (text+rodata+data, every public Swift function):"; \
	size -t libdscflow.a | tail -1; \
	echo "the device C API's closure (ld -r --gc-sections from $(words $(EMB_DEVICE_API)) dsc_* functions):"; \
	size device-api.o

# ---- the Cortex-M7 firmware on QEMU ---------------------------------------------------------------------

EMB_ARM_LDFLAGS := -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=softfp -mthumb --specs=picolibc.specs --oslib=semihost \
	-Wl,--gc-sections -Wl,--defsym=__flash=0 -Wl,--defsym=__flash_size=0x400000 -Wl,--defsym=__ram=0x20000000 \
	-Wl,--defsym=__ram_size=0x400000 -Wl,--defsym=__stack_size=0x10000 -Wl,-z,noexecstack -Wl,--no-enum-size-warning \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=posix_memalign,--wrap=aligned_alloc,--wrap=memalign
EMB_FW_SOURCES := Embedded/firmware/firmware.c Embedded/device/platform.c Embedded/device/heap_guard.c \
                  Sources/CDSCFlowSupport/aligned.c
EMB_KERNELS_FLAG_portable  := DSC_SESSION_KERNELS(DSC_KERNELS_PORTABLE)
EMB_KERNELS_FLAG_reference := DSC_SESSION_KERNELS(DSC_KERNELS_REFERENCE)
# $(call qemu_run,ELF,ARGS): runs ELF on the emulated Cortex-M7; ARGS (comma-separated, no spaces) reach the
# firmware as its semihosting command line. -icount shift=0: one instruction per nanosecond of guest time.
qemu_run = timeout $(QEMU_TIMEOUT) $(QEMU_ARM) -M mps2-an500 -nographic -monitor none -serial none -icount shift=0 -chardev stdio,id=con \
	-semihosting-config enable=on,target=native,chardev=con,arg=firmware$(if $(2),$(comma)$(2)) -kernel $(1)
comma := ,

# $(call firmware_link,DIR,ARENA): links DIR/firmware-ARENA.elf with a static arena of ARENA bytes.
define firmware_link
$(ARM_GCC) $(EMB_ARM_LDFLAGS) -Os -std=c99 -Wall -Wextra -Werror -Iinclude -IEmbedded/device -ISources/CDSCFlowSIMD/include \
	-ISources/CDSCFlowSupport/include -DFIRMWARE_ARENA_BYTES=$(2) '-DFIRMWARE_FLAGS=$(EMB_KERNELS_FLAG_$(KERNELS))' \
	$(EMB_FW_SOURCES) $(1)/model.o $(if $(filter reference,$(KERNELS)),$(1)/kernel-table.o) $(EMB)/armv7em/libdscflow.a $(EMB_UNICODE)/armv7em-none-none-eabi/libswiftUnicodeDataTables.a \
	-lm -Wl,-Map=$(1)/firmware-$(2).map -o $(1)/firmware-$(2).elf
endef

# A build per model file and kernel path: build/embedded/fw/<model path, / as _>-<kernels>/
FW_NAME = $(subst /,_,$(subst ../,,$(basename $(MODEL))))-$(KERNELS)
FW_DIR  = $(EMB)/fw/$(FW_NAME)

## The image of MODEL for the KERNELS path: linked once without an arena to run the planner on the device
## (it prints the arena size), then linked again with a static arena of exactly that size.
$(FW_DIR)/firmware.elf: $(MODEL) $(EMB)/armv7em/libdscflow.a $(EMB_FW_SOURCES) Embedded/firmware/model.S \
		Embedded/device/heap_guard.h Embedded/device/platform.h
	@test -n "$(MODEL)" || { echo "firmware: set MODEL"; exit 2; }
	@command -v $(ARM_GCC) >/dev/null && command -v $(QEMU_ARM) >/dev/null || { echo "firmware: needs \
	gcc-arm-none-eabi, picolibc-arm-none-eabi and qemu-system-arm (Debian)"; exit 2; }
	@mkdir -p $(@D)
	$(EMB_CLANG) $(EMB_CC_armv7em) -DDSC_MODEL_PATH='"$(abspath $(MODEL))"' -c Embedded/firmware/model.S -o $(@D)/model.o
	$(if $(filter reference,$(KERNELS)),$(EMB_CLANG) $(EMB_CC_armv7em) $(EMB_CFLAGS) -DDSCSIMD_REFERENCE_ONLY=1 \
		-c Sources/CDSCFlowSIMD/config/kernel-table.c -o $(@D)/kernel-table.o)
	$(call firmware_link,$(@D),0)
	@set -e; $(call qemu_run,$(@D)/firmware-0.elf) > $(@D)/plan.txt || { cat $(@D)/plan.txt; exit 1; }; \
	cat $(@D)/plan.txt; arena=$$(sed -n 's/^plan: arena \([0-9]*\) bytes.*/\1/p' $(@D)/plan.txt); test -n "$$arena"; \
	echo "link with a $$arena-byte arena"; $(call firmware_link,$(@D),$$arena); \
	cp $(@D)/firmware-$$arena.elf $@; $(ARM_SIZE) -A $@ > $(@D)/size.txt; \
	model=$$(wc -c < $(MODEL)); awk -v model=$$model '$$1 ~ /^\.(init|text|data|swift_modhash)$$/ { flash += $$2 } \
		END { printf "flash: %d bytes of runtime (.text+.rodata+.data of the image without the %d-byte model)\n", \
		flash - model, model }' $(@D)/size.txt > $(@D)/flash.txt

## make firmware-qemu MODEL=M INPUT=I OUTPUT=O [KERNELS=portable|reference] [RUNS=n]: runs the image of M on
## the emulated Cortex-M7 (qemu-system-arm -M mps2-an500, semihosting); O gets the output tensor's bytes.
firmware-qemu: $(FW_DIR)/firmware.elf
	@test -n "$(INPUT)" -a -n "$(OUTPUT)" || { echo "firmware-qemu: set MODEL, INPUT and OUTPUT"; exit 2; }
	@cat $(FW_DIR)/flash.txt
	$(call qemu_run,$<,arg=input=$(abspath $(INPUT))$(comma)arg=output=$(abspath $(OUTPUT))$(comma)arg=runs=$(or $(RUNS),1))

## The heap guard is live: the image of MODEL loads the model again after sealing the heap, and must be
## stopped by the guard (exit code 86) with its message.
firmware-heap-trap: $(FW_DIR)/firmware.elf
	@set +e; $(call qemu_run,$<,arg=input=$(abspath $(INPUT))$(comma)arg=heap-trap) > $(FW_DIR)/heap-trap.txt 2>&1; \
	status=$$?; cat $(FW_DIR)/heap-trap.txt; \
	if [ $$status -eq 86 ] && grep -q '^FAIL: heap call after start-up' $(FW_DIR)/heap-trap.txt; then \
		echo "ok: the heap guard stopped an allocation after start-up (exit 86)"; \
	else echo "FAIL: the heap guard did not stop the allocation (exit $$status)"; exit 1; fi

## The instruction counts are instructions: a loop of 2,000,003 instructions must measure within one timer
## tick (40 instructions) of that.
firmware-calibrate: $(FW_DIR)/firmware.elf
	@set -e; $(call qemu_run,$<,arg=calibrate) > $(FW_DIR)/calibrate.txt; cat $(FW_DIR)/calibrate.txt; \
	n=$$(sed -n 's/^calibrate: 2000003 instructions measured as \([0-9]*\).*/\1/p' $(FW_DIR)/calibrate.txt); \
	if [ -n "$$n" ] && [ $$n -ge 1999963 ] && [ $$n -le 2000043 ]; then echo "ok: one timer tick is 40 instructions"; \
	else echo "FAIL: the timer does not count instructions as expected"; exit 1; fi

## firmware-qemu on the shared models' goldens and every project fixture case, outputs compared byte for byte,
## on both device kernel paths (portable microkernels; reference kernels only, the smaller image); then the
## heap guard's and the instruction counter's own checks on the project's example fixture.
test-embedded: $(EMB)/armv7em/libdscflow.a
	sh Embedded/test_firmware.sh "$(MAKE)" $(EMB)/test $(SHARED) $(FIXTURES_DIR) portable
	sh Embedded/test_firmware.sh "$(MAKE)" $(EMB)/test-reference $(SHARED) $(FIXTURES_DIR) reference
	$(MAKE) --no-print-directory firmware-heap-trap MODEL=$(FIXTURE_EXAMPLE)/model.tflite INPUT=$(FIXTURE_CASE)/input.bin
	$(MAKE) --no-print-directory firmware-calibrate MODEL=$(FIXTURE_EXAMPLE)/model.tflite
