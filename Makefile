# SPDX-License-Identifier: GPL-2.0
#
# kbpf top-level Makefile: entry points for building the module, the demo and
# running the tests. The module itself is described by ./Kbuild.
#
#   make demo     build kbpf.ko, the demo loader and the demo programs, boot the VM, run them
#   make check    unit tests (native) + in-VM suite; last line "N passed, N failed"
#   make vm CMD='...' [SHARE=dir] [SMP=n]  run CMD in the VM (kbpf.ko loaded)
#   make vm-shell                   interactive shell in the VM
#   make module   build kbpf.ko only
#   make shim     build build/shim/libkbpf-preload.so (LD_PRELOAD shim)
#   make corpus   kernel test_verifier cases through kbpf's verifier (native)
#   make deps     install the Debian packages the above need (when missing)
#   make check-debug  suite + fuzzer on a KASAN/kmemleak/lockdep guest kernel
#   make fuzz-vm N=200000 [SEED=s]  the ioctl fuzzer alone on the debug kernel
#   make clean

ifneq ($(KERNELRELEASE),)
# Kbuild reads ./Kbuild first; this is only reached if that file is missing.
$(error ./Kbuild is missing: the module's build description lives there)
else

SHELL := /bin/bash

# Debian packages needed to build and test. Checked with dpkg, installed only
# when missing (apt-get update runs only if something must be installed).
DEPS_PKGS := linux-image-amd64 linux-headers-amd64 qemu-system-x86 \
	     busybox-static cpio gcc make libc6-dev linux-libc-dev kmod libbpf-dev \
	     clang libclang-rt-14-dev bpftool

# Kernel version: always from the newest installed linux-headers-*-amd64 (never
# `uname -r`: the host may run another kernel). Lazily evaluated (`=`) so that a
# fresh machine picks it up after `make deps` installed the headers.
KVER = $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1 | sed 's|.*/linux-headers-||')
KDIR = /usr/src/linux-headers-$(KVER)

BUILD       := build
VM_TIMEOUT  ?= 600
# Optional test-name filter for `make check T=name` (substring match).
T ?=
CMD ?=
SHARE ?=
DYNBIN ?=
V ?= 0
# NOMOD=1: boot the VM without kbpf.ko (harness work while the module is broken).
NOMOD ?= 0
# SMP=N: guest vCPUs for `make vm`/`vm-shell`/`demo` (run-vm.sh's default: 2).
SMP ?=

USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -I$(CURDIR)

VM_TEST_SRCS := $(wildcard selftests/vm/*.c)
VM_TEST_HDRS := $(wildcard selftests/vm/*.h) uapi/kbpf.h
# Program tables shared with the unit tests (ISA vectors, random generator).
VM_UNIT_SRCS := selftests/unit/isa_vectors.c selftests/unit/progen.c
VM_UNIT_HDRS := $(wildcard selftests/unit/*.h) $(wildcard include/*.h)
VM_TEST_BIN  := $(BUILD)/vm/kbpf_test
DEMO_BIN     := $(BUILD)/user/kbpf-demo
RUN_VM       := selftests/qemu/run-vm.sh
DEMOS_MK     := demos/demos.mk
UNIT_MK      := selftests/unit/unit.mk

.PHONY: all deps module demo check vm vm-shell clean help bins shim

all: module bins shim

help:
	@sed -n '3,17p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@missing=""; \
	for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq >/dev/null && \
		apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
			{ echo "deps: apt-get install failed" >&2; exit 1; }; \
	fi; \
	kver=$$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1 | sed 's|.*/linux-headers-||'); \
	[ -n "$$kver" ] || { echo "deps: no /usr/src/linux-headers-*-amd64" >&2; exit 1; }; \
	[ -r /boot/vmlinuz-$$kver ] || { echo "deps: /boot/vmlinuz-$$kver missing (headers and image disagree; install linux-image-$$kver)" >&2; exit 1; }; \
	[ -d /lib/modules/$$kver/kernel ] || { echo "deps: /lib/modules/$$kver missing" >&2; exit 1; }

module: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

bins: $(VM_TEST_BIN) $(DEMO_BIN)

$(VM_TEST_BIN): $(VM_TEST_SRCS) $(VM_TEST_HDRS) $(VM_UNIT_SRCS) $(VM_UNIT_HDRS) | deps
	@mkdir -p $(@D)
	gcc $(USER_CFLAGS) -Iinclude -Iuapi -Iselftests/unit -o $@ $(VM_TEST_SRCS) $(VM_UNIT_SRCS)

$(DEMO_BIN): user/kbpf-demo.c uapi/kbpf.h | deps
	@mkdir -p $(@D)
	gcc $(USER_CFLAGS) -o $@ user/kbpf-demo.c

VM_FLAGS = --timeout $(VM_TIMEOUT) --log $(BUILD)/vm/console.log $(if $(filter 1,$(V)),--verbose) \
	   $(if $(filter 1,$(NOMOD)),--no-module) $(if $(SMP),--smp $(SMP))
VM_MODULE = $(if $(filter 1,$(NOMOD)),,module)

# One boot: kbpf-demo, then the BPF demo programs (demos/, README "Demo
# programs"), each on the guest kernel's BPF and on kbpf through the shim.
demo: deps module shim demos $(DEMO_BIN)
	@echo "[demo] running /tests/kbpf-demo, then the demo programs (/tests/vm-demos.sh) in the VM"
	@$(MAKE) --no-print-directory -f $(DEMOS_MK) run VM_TIMEOUT=$(VM_TIMEOUT) V=$(V) \
		DEMO_LOG=$(BUILD)/vm/console.log RUN_BINS=$(DEMO_BIN) RUN_FIRST=/tests/kbpf-demo

check: deps
	@VM_TIMEOUT=$(VM_TIMEOUT) T='$(T)' V=$(V) selftests/check.sh

# The shim is in the guest's /tests/ too; DYNBIN='files' adds dynamically
# linked programs (with the libraries ldd names), e.g. DYNBIN=/usr/sbin/bpftool.
# The demo programs (demos/) are there too (/tests/demo-*, /tests/vm-demos.sh).
VM_DYN = --dynbin build/shim/libkbpf-preload.so $(foreach f,$(DYNBIN),--dynbin $(f)) \
	 --bin demos/vm-demos.sh --bin demos/vm-bench.sh $(foreach f,$(shell ls build/demos/demo-* 2>/dev/null),--dynbin $(f))

.PHONY: demos
demos: deps
	@$(MAKE) --no-print-directory -f $(DEMOS_MK) bins

vm: deps $(VM_MODULE) bins shim demos
	@$(RUN_VM) $(VM_FLAGS) --bin $(VM_TEST_BIN) --bin $(DEMO_BIN) $(VM_DYN) \
		$(if $(SHARE),--share $(SHARE)) \
		$(if $(CMD),-- '$(subst ','\'',$(CMD))',--interactive)

vm-shell: deps $(VM_MODULE) bins shim demos
	@$(RUN_VM) $(VM_FLAGS) --bin $(VM_TEST_BIN) --bin $(DEMO_BIN) $(VM_DYN) \
		$(if $(SHARE),--share $(SHARE)) --interactive

# The LD_PRELOAD shim (user/shim/): bpf(2) from unmodified programs to /dev/kbpf.
shim: deps
	@$(MAKE) --no-print-directory -f selftests/shim/shim.mk shim

# Verifier corpus (selftests/corpus/): the kernel's test_verifier cases through
# kbpf's verifier natively; summary + build/corpus/results.txt.
.PHONY: corpus
corpus:
	@$(MAKE) --no-print-directory -f selftests/corpus/corpus.mk corpus

# Native fuzzing (selftests/unit/fuzz.mk): the verifier on arbitrary bytes,
# accepted programs under a checked interpreter and against the JIT.
# FUZZ_TIME seconds (default 60); findings in build/fuzz/crashes/.
.PHONY: fuzz
fuzz: deps
	@$(MAKE) --no-print-directory -f selftests/unit/fuzz.mk fuzz FUZZ_TIME=$(or $(FUZZ_TIME),60)

# Benchmarks (selftests/bench/): native runner, then one VM boot; figures only.
.PHONY: bench
bench: deps module
	@$(MAKE) --no-print-directory -f selftests/bench/bench.mk bench VM_TIMEOUT=$(VM_TIMEOUT) V=$(V)

# The kernel's own test_verifier, unmodified (selftests/test_verifier/): one
# boot, against the guest kernel and through the shim against kbpf; both
# summaries side by side. A measurement, not part of `make check`.
# VM_TIMEOUT defaults to 1200 s here; TV_ARGS='from to' runs a range.
.PHONY: test-verifier
test-verifier: deps module shim
	@$(MAKE) --no-print-directory -f selftests/test_verifier/test_verifier.mk run \
		VM_TIMEOUT=$(if $(filter command line environment,$(origin VM_TIMEOUT)),$(VM_TIMEOUT),1200) \
		TV_ARGS='$(TV_ARGS)' V=$(V)

# Debug guest kernel and fuzzing (selftests/debug/, selftests/fuzz/; README
# "Debug kernel and fuzzing"). check-debug: KASAN/kmemleak/lockdep kernel
# (built once, cached), in-VM suite + ioctl fuzzer + kmemleak + rmmod.
FUZZ_BIN      := $(BUILD)/vm/ioctl_fuzz
FUZZ_N        ?= 20000
N             ?= 200000
SEED          ?=
# 3600 s unless VM_TIMEOUT was given on the command line or in the environment.
DEBUG_TIMEOUT  = $(if $(filter command line environment,$(origin VM_TIMEOUT)),$(VM_TIMEOUT),3600)

.PHONY: debug-kernel check-debug fuzz-vm
$(FUZZ_BIN): selftests/fuzz/ioctl_fuzz.c selftests/fuzz/kcov.c selftests/fuzz/kcov.h uapi/kbpf.h | deps
	@mkdir -p $(@D)
	gcc $(USER_CFLAGS) -o $@ selftests/fuzz/ioctl_fuzz.c selftests/fuzz/kcov.c

debug-kernel: deps
	@selftests/debug/build-kernel.sh

check-debug: deps
	@VM_TIMEOUT=$(DEBUG_TIMEOUT) T='$(T)' V=$(V) FUZZ_N=$(FUZZ_N) $(if $(SEED),FUZZ_SEED=$(SEED)) \
		selftests/debug/check-debug.sh

fuzz-vm: deps
	@VM_TIMEOUT=$(DEBUG_TIMEOUT) V=$(V) FUZZ_N=$(N) $(if $(SEED),FUZZ_SEED=$(SEED)) \
		selftests/debug/check-debug.sh --fuzz-only

clean:
	@if [ -d "$(KDIR)" ] && [ -f Kbuild ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	@if [ -f $(UNIT_MK) ]; then $(MAKE) -f $(UNIT_MK) clean || true; fi
	rm -rf $(BUILD)

endif
