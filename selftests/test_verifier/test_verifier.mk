# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own test_verifier (linux-source-6.1), unmodified, built with gcc
# against Debian's libbpf 1.1 and run in the VM against the guest kernel and,
# through the LD_PRELOAD shim, against kbpf. A measurement, not part of
# `make check`. From the top level:
#
#   make test-verifier                                   (the usual entry point)
#   make -f selftests/test_verifier/test_verifier.mk bin  extract + build only
#   make -f selftests/test_verifier/test_verifier.mk run  build + one VM boot
#
# Sources are extracted at build time into build/test-verifier/src/ (fetch.sh);
# nothing from the kernel tree is committed. Only test_verifier.c and
# cap_helpers.c are compiled (6.1's test_verifier calls nothing from
# testing_helpers.c); no header is patched or invented: verifier/tests.h is
# generated the way the selftests Makefile does it.
#
# TV_ARGS: arguments for test_verifier in the guest (e.g. '-v 0 99', or
# '100 199' for a range of cases). VM_TIMEOUT: QEMU limit (default 1200 s; each side gets half).

SHELL    := /bin/bash
TV_OUT   ?= build/test-verifier
TV_SRC   := $(TV_OUT)/src
TV_SEL   := $(TV_SRC)/tools/testing/selftests/bpf
TV_BIN   := $(TV_OUT)/test_verifier
TV_STAMP := $(TV_SRC)/.extracted
VM_TIMEOUT ?= 1200
TV_ARGS  ?=
V        ?= 0

# As the selftests Makefile (CFLAGS -g -O0 -rdynamic -Wall, -I. -Itools/include
# -Itools/include/uapi), but with the system's libbpf 1.1 (-lbpf) instead of
# tools/lib/bpf; -Werror dropped (not our code, not our compiler version).
TV_CFLAGS := -g -O0 -rdynamic -Wall -I$(TV_SEL) -I$(TV_SRC)/tools/include \
	     -I$(TV_SRC)/tools/include/uapi
TV_LIBS   := -lbpf -lelf -lz -lrt -lpthread

.PHONY: fetch bin run report
fetch: $(TV_STAMP)
bin: $(TV_BIN)

$(TV_STAMP): selftests/test_verifier/fetch.sh
	@selftests/test_verifier/fetch.sh $(TV_OUT)

$(TV_BIN): $(TV_STAMP) selftests/test_verifier/test_verifier.mk
	gcc $(TV_CFLAGS) $(TV_SEL)/test_verifier.c $(TV_SEL)/cap_helpers.c $(TV_LIBS) -o $@

# The case table (index, prog type, features, description) for report.sh,
# from the same test_verifier.c (casetable.c #includes it; host only).
$(TV_OUT)/casetable: selftests/test_verifier/casetable.c $(TV_STAMP)
	gcc -O0 -w $(TV_CFLAGS) $< $(TV_SEL)/cap_helpers.c $(TV_LIBS) -o $@

$(TV_OUT)/casetable.tsv: $(TV_OUT)/casetable
	$< > $@

run: $(TV_BIN) $(TV_OUT)/casetable.tsv
	@TV_OUT=$(TV_OUT) VM_TIMEOUT=$(VM_TIMEOUT) TV_ARGS='$(TV_ARGS)' V=$(V) \
		selftests/test_verifier/run.sh

# Re-summarise the last run's outputs (no VM).
report: $(TV_OUT)/casetable.tsv
	@selftests/test_verifier/report.sh $(TV_OUT)
