# Native unit tests of the portable core (verifier/, jit/, helpers/protos.c),
# built with -Wall -Wextra -Werror and ASan + UBSan.
#   make -f selftests/unit/unit.mk unit      build and run; prints PASS:/FAIL: lines
#   make -f selftests/unit/unit.mk lib       build/unit/libkbpfcore.a only
UNIT_OUT	?= build/unit
UNIT_CC		?= gcc
FUZZ_RUNS	?= 20000
UNIT_CFLAGS	:= -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
		   -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer -Iinclude -Iuapi
CORE_SRCS	:= $(wildcard verifier/*.c) $(wildcard jit/*.c) helpers/protos.c
CORE_OBJS	:= $(patsubst %.c,$(UNIT_OUT)/core/%.o,$(CORE_SRCS))
UNIT_TESTS	:= $(patsubst selftests/unit/%.c,%,$(wildcard selftests/unit/test_*.c))
# Everything else in selftests/unit/ is shared by the test binaries.
UNIT_COMMON	:= $(filter-out selftests/unit/test_%.c selftests/unit/fuzz_%.c,$(wildcard selftests/unit/*.c))
UNIT_BINS	:= $(addprefix $(UNIT_OUT)/,$(UNIT_TESTS))

.PHONY: unit lib
lib: $(UNIT_OUT)/libkbpfcore.a

$(UNIT_OUT)/core/%.o: %.c $(wildcard include/*.h verifier/*.h jit/*.h)
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_OUT)/libkbpfcore.a: $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(UNIT_OUT)/%: selftests/unit/%.c $(UNIT_COMMON) $(wildcard selftests/unit/*.h) $(UNIT_OUT)/libkbpfcore.a
	$(UNIT_CC) $(UNIT_CFLAGS) -Iselftests/unit -Ijit -Iverifier $< $(UNIT_COMMON) $(UNIT_OUT)/libkbpfcore.a -o $@

# Each binary prints PASS:/FAIL: lines; a binary that crashes counts as a failure.
unit: $(UNIT_BINS)
	@$(MAKE) --no-print-directory -f selftests/unit/fuzz.mk fuzz-smoke FUZZ_RUNS=$(FUZZ_RUNS) \
		|| echo "FAIL: fuzz/build (the fuzz target did not build)"
	@for t in $(UNIT_BINS); do \
		echo "== $$t"; \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
			$$t $(if $(T),-t $(T)) || echo "FAIL: $$(basename $$t) (exited with status $$?)"; \
	done
