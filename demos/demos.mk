# SPDX-License-Identifier: GPL-2.0
#
# The demo programs (demos/): C BPF programs built with clang -target bpf,
# each embedded in a dynamically linked libbpf 1.1 loader. Run from the top:
#
#   make -f demos/demos.mk bins     build/demos/demo-* loaders
#   make -f demos/demos.mk check    one boot: every demo as asserted tests
#                                   (PASS:/FAIL: lines, outputs in build/demos/share)
#   make -f demos/demos.mk run      one boot: the demos, for people to watch
#
# kbpf.ko and the shim must be built (the top-level `make demo` and
# `make check` do that first).

SHELL      := /bin/bash
DEMO_OUT   := build/demos
VM_TIMEOUT ?= 600
V          ?= 0
# check: where the guest's outputs (results.txt, per-run .txt/.err) and the
# console log go.
DEMO_SHARE ?= $(DEMO_OUT)/share
# check: T=filter selects demos (see vm-demos.sh).
T          ?=
DEMO_LOG   ?= $(DEMO_OUT)/console.log
# run: static binaries to add to /tests/ and commands to run before the demos
# (the top-level `make demo` runs kbpf-demo first).
RUN_BINS   ?=
RUN_FIRST  ?=

DEMO_NAMES := syscount vfsread nf_firewall bench_events execsnoop
DEMO_BINS  := $(patsubst %,$(DEMO_OUT)/demo-%,$(DEMO_NAMES))
SHIM_LIB   := build/shim/libkbpf-preload.so

MULTIARCH  := $(shell gcc -print-multiarch)
BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -I/usr/include/$(MULTIARCH) -I. -Idemos
DEMO_CFLAGS := -O2 -g -Wall -Wextra -Werror -I. -Idemos

.PHONY: bins check run
.SECONDARY:

bins: $(DEMO_BINS)

$(DEMO_OUT)/%.bpf.o: demos/%.bpf.c demos/%.h demos/count.bpf.h uapi/kbpf.h
	@mkdir -p $(@D)
	clang $(BPF_CFLAGS) -c $< -o $@

# The object is embedded with .incbin (demo.h), so it is a prerequisite.
$(DEMO_BINS): $(DEMO_OUT)/demo-%: demos/%.c demos/%.h demos/demo.c demos/demo.h $(DEMO_OUT)/%.bpf.o
	gcc $(DEMO_CFLAGS) -DDEMO_OBJ_PATH='"$(CURDIR)/$(DEMO_OUT)/$*.bpf.o"' \
		-o $@ demos/$*.c demos/demo.c -lbpf

VM_DEMO_FLAGS = --timeout $(VM_TIMEOUT) $(if $(filter 1,$(V)),--verbose) \
		--bin demos/vm-demos.sh --dynbin $(SHIM_LIB) \
		$(foreach b,$(DEMO_BINS),--dynbin $(b))

check: bins
	@rm -rf $(DEMO_SHARE); mkdir -p $(DEMO_SHARE); chmod 777 $(DEMO_SHARE)
	@selftests/qemu/run-vm.sh --quiet --log $(DEMO_LOG) $(VM_DEMO_FLAGS) \
		--share $(DEMO_SHARE) -- \
		'/tests/vm-demos.sh /mnt/share '\''$(T)'\'' > /mnt/share/results.txt 2>&1'

# Every command runs even if one before it failed; the status says if any did.
run: bins
	@selftests/qemu/run-vm.sh --log $(DEMO_LOG) $(VM_DEMO_FLAGS) \
		$(foreach b,$(RUN_BINS),--bin $(b)) -- \
		'rc=0; for c in $(RUN_FIRST) /tests/vm-demos.sh; do $$c || rc=1; done; exit $$rc'
