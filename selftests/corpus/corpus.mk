# The verifier corpus: the kernel's test_verifier cases (linux-source-6.1,
# tools/testing/selftests/bpf/verifier/*.c, extracted at build time, never
# committed) run through kbpf's verifier natively.
#   make -f selftests/corpus/corpus.mk corpus   fetch, build, run: summary +
#                                               build/corpus/results.txt
#   make -f selftests/corpus/corpus.mk runner   fetch and build only
# The runner prints PASS:/FAIL: corpus/no_unsafe_accepts and corpus/parity, and
# for its unprivileged pass (-u) corpus/unpriv_no_unsafe_accepts and
# corpus/unpriv_parity (results-unpriv.txt). The privileged pass runs with -P:
# every case verified again without pruning (attr.no_prune), and
# corpus/pruning_same_verdicts fails if a verdict changes (other than the
# no-prune run reaching the budget). Both passes print a verification-time
# figure (results.txt has the microseconds per case).
# CORPUS_SAN=0 builds without ASan/UBSan (faster; the default keeps them, so
# the corpus also hunts memory errors in the verifier).
CORPUS_OUT	?= build/corpus
CORPUS_CC	?= gcc
CORPUS_SAN	?= 1
CORPUS_ARGS	?=
SAN_ON		:= -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_FLAGS	:= $(if $(filter 1,$(CORPUS_SAN)),$(SAN_ON))
CORPUS_CFLAGS	:= -std=gnu11 -O1 -g -fno-omit-frame-pointer $(SAN_FLAGS) \
		   -Iinclude -Iuapi -Ijit -Iselftests/unit -Iselftests/corpus
WARN		:= -Wall -Wextra -Werror -Wno-unused-parameter
CORE_SRCS	:= $(wildcard verifier/*.c) $(wildcard jit/*.c) helpers/protos.c
CORE_OBJS	:= $(patsubst %.c,$(CORPUS_OUT)/core/%.o,$(CORE_SRCS))
RUNNER		:= $(CORPUS_OUT)/corpus_runner
CORPUS_HDRS	:= $(wildcard selftests/corpus/*.h)

# corpus_vm: the same cases in the guest, through /dev/kbpf and bpf(2)
# (vm_runner.c), a static binary without sanitizers; check.sh runs it in the
# main VM boot.
VM_RUNNER	:= $(CORPUS_OUT)/corpus_vm
VM_CFLAGS	:= -static -O2 -g -I. -Iinclude -Iuapi -Iselftests/corpus

.PHONY: corpus runner fetch vm-runner
corpus: runner
	@ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(RUNNER) -o $(CORPUS_OUT)/results.txt \
		-P -a selftests/corpus/accepted_differences.txt $(CORPUS_ARGS)
	@ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(RUNNER) -u -o $(CORPUS_OUT)/results-unpriv.txt \
		-a selftests/corpus/accepted_differences_unpriv.txt $(CORPUS_ARGS)

runner: $(RUNNER)

# Extraction is idempotent (a stamp file); tests.h lists the case files.
$(CORPUS_OUT)/tests.h: selftests/corpus/fetch.sh
	@selftests/corpus/fetch.sh $(CORPUS_OUT)
fetch: $(CORPUS_OUT)/tests.h

$(CORPUS_OUT)/core/%.o: %.c $(wildcard include/*.h verifier/*.h jit/*.h)
	@mkdir -p $(dir $@)
	$(CORPUS_CC) $(CORPUS_CFLAGS) $(WARN) -c $< -o $@

# The case table: kernel files, so their warnings are not ours to fix.
$(CORPUS_OUT)/cases.o: selftests/corpus/cases.c $(CORPUS_HDRS) $(CORPUS_OUT)/tests.h
	$(CORPUS_CC) $(filter-out -fsanitize%,$(CORPUS_CFLAGS)) -O0 -w -I$(CORPUS_OUT) -c $< -o $@

$(CORPUS_OUT)/%.o: selftests/corpus/%.c $(CORPUS_HDRS) $(wildcard selftests/unit/*.h include/*.h uapi/*.h)
	@mkdir -p $(dir $@)
	$(CORPUS_CC) $(CORPUS_CFLAGS) $(WARN) -c $< -o $@

$(CORPUS_OUT)/unit_%.o: selftests/unit/%.c $(wildcard selftests/unit/*.h include/*.h uapi/*.h)
	@mkdir -p $(dir $@)
	$(CORPUS_CC) $(CORPUS_CFLAGS) $(WARN) -c $< -o $@

$(RUNNER): $(CORPUS_OUT)/runner.o $(CORPUS_OUT)/common.o $(CORPUS_OUT)/fill.o $(CORPUS_OUT)/cases.o \
	   $(CORPUS_OUT)/unit_harness.o $(CORPUS_OUT)/unit_jitrun.o $(CORE_OBJS)
	$(CORPUS_CC) $(CORPUS_CFLAGS) $^ -o $@

vm-runner: $(VM_RUNNER)

$(CORPUS_OUT)/vm/cases.o: selftests/corpus/cases.c $(CORPUS_HDRS) $(CORPUS_OUT)/tests.h
	@mkdir -p $(dir $@)
	$(CORPUS_CC) $(VM_CFLAGS) -O0 -w -I$(CORPUS_OUT) -c $< -o $@

$(VM_RUNNER): selftests/corpus/vm_runner.c selftests/corpus/common.c selftests/corpus/fill.c \
	      $(CORPUS_OUT)/vm/cases.o $(CORPUS_HDRS) uapi/kbpf.h
	$(CORPUS_CC) $(VM_CFLAGS) $(WARN) -o $@ selftests/corpus/vm_runner.c \
		selftests/corpus/common.c selftests/corpus/fill.c $(CORPUS_OUT)/vm/cases.o
