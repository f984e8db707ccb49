# Benchmarks (figures only; times are never a pass/fail criterion).
#   make bench                                  from the top level: both runners
#   make -f selftests/bench/bench.mk native     native runner only (no VM)
#   make -f selftests/bench/bench.mk vm         in-VM runner only (needs kbpf.ko)
#   KBPF_BENCH_FENCE=1 make -f selftests/bench/bench.mk native
#                                               the JIT with spec_fence (LFENCEs)
# The exit status is non-zero only if a program failed to load or run, or the
# runners disagree on a result (kbpf vs kernel vs the C reference).
BENCH_OUT	?= build/bench
BENCH_CC	?= gcc
VM_TIMEOUT	?= 300
V		?= 0
# BENCH=progs or BENCH=maps: only that table of the VM runner (default both).
BENCH		?=
# The portable core, built again for real time: -O2, no sanitizers.
BENCH_CFLAGS	:= -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
		   -Iinclude -Iuapi
CORE_SRCS	:= $(wildcard verifier/*.c) $(wildcard jit/*.c) helpers/protos.c
CORE_HDRS	:= $(wildcard include/*.h verifier/*.h jit/*.h)
CORE_OBJS	:= $(patsubst %.c,$(BENCH_OUT)/core/%.o,$(CORE_SRCS))
PROG_SRCS	:= selftests/bench/programs.c selftests/bench/kb_asm.c
PROG_HDRS	:= selftests/bench/programs.h selftests/bench/kb_asm.h include/kbpf_insn.h
MAP_SRCS	:= selftests/bench/map_programs.c
MAP_HDRS	:= selftests/bench/map_programs.h
NATIVE_BIN	:= $(BENCH_OUT)/bench_native
VM_BIN		:= $(BENCH_OUT)/bench_vm
VM_LOG		:= $(BENCH_OUT)/console.log

.PHONY: bench native vm bins
bins: $(NATIVE_BIN) $(VM_BIN)

$(BENCH_OUT)/core/%.o: %.c $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(BENCH_CC) $(BENCH_CFLAGS) -c $< -o $@

$(NATIVE_BIN): selftests/bench/bench_native.c $(PROG_SRCS) $(PROG_HDRS) $(CORE_OBJS)
	$(BENCH_CC) $(BENCH_CFLAGS) -Ijit -Iselftests/bench -o $@ \
		selftests/bench/bench_native.c $(PROG_SRCS) $(CORE_OBJS)

# Static, only libc and <linux/bpf.h>: it runs in the busybox guest.
$(VM_BIN): selftests/bench/bench_vm.c $(PROG_SRCS) $(PROG_HDRS) $(MAP_SRCS) $(MAP_HDRS) uapi/kbpf.h
	@mkdir -p $(@D)
	$(BENCH_CC) -static -O2 -g -Wall -Wextra -Werror -I. -Iinclude -Iselftests/bench \
		-o $@ selftests/bench/bench_vm.c $(PROG_SRCS) $(MAP_SRCS)

native: $(NATIVE_BIN)
	@$(NATIVE_BIN)

# The per-event overhead of attached programs (demos/bench_events.c, run by
# demos/vm-bench.sh): libbpf loaders, on the guest kernel and on kbpf.
EVENT_BINS	:= build/demos/demo-bench_events build/shim/libkbpf-preload.so
.PHONY: event-bins
event-bins:
	@$(MAKE) --no-print-directory -f demos/demos.mk bins
	@$(MAKE) --no-print-directory -f selftests/shim/shim.mk shim

# One boot; the guest's output is cut out of the console log afterwards.
vm: $(VM_BIN) event-bins
	@rc=0; selftests/qemu/run-vm.sh --quiet --timeout $(VM_TIMEOUT) --log $(VM_LOG) \
		$(if $(filter 1,$(V)),--verbose) --bin $(VM_BIN) --bin demos/vm-bench.sh \
		$(foreach b,$(EVENT_BINS),--dynbin $(b)) -- \
		'rc=0; /tests/bench_vm $(BENCH) || rc=1; /tests/vm-bench.sh || rc=1; exit $$rc' || rc=$$?; \
	sed -n '/^=== kbpf .*(VM/,/^=== end ===/p' $(VM_LOG); \
	[ $$rc -eq 0 ] || echo "bench: the VM run exited with status $$rc (console: $(VM_LOG))"; \
	exit $$rc

bench: bins
	@rc=0; $(NATIVE_BIN) || rc=1; echo; \
	$(MAKE) --no-print-directory -f selftests/bench/bench.mk vm || rc=1; \
	exit $$rc
