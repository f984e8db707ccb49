# libFuzzer targets on the portable core (clang, ASan + UBSan + LSan).
#   make -f selftests/unit/fuzz.mk fuzz-smoke         fixed run count (make check)
#   make -f selftests/unit/fuzz.mk fuzz FUZZ_TIME=600  run for that many seconds
# Seeds are generated (build/fuzz/seeds), never committed; findings land in
# build/fuzz/crashes.
FUZZ_OUT	?= build/fuzz
FUZZ_TIME	?= 60
FUZZ_RUNS	?= 20000
FUZZ_CC		?= clang
FUZZ_FLAGS	:= -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
		   -Iinclude -Iuapi -Ijit -Iverifier -Iselftests/unit -Wall -Wno-unused-parameter
CORE_SRCS	:= $(wildcard verifier/*.c) $(wildcard jit/*.c) helpers/protos.c
HARNESS		:= selftests/unit/harness.c selftests/unit/jitrun.c
.PHONY: fuzz fuzz-smoke

$(FUZZ_OUT)/fuzz_verifier: selftests/unit/fuzz_verifier.c $(CORE_SRCS) $(HARNESS) $(wildcard include/*.h verifier/*.h jit/*.h selftests/unit/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -DKBPF_INTERP_CHECKED -c jit/interp.c -o $(FUZZ_OUT)/interp_checked.o
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $< $(CORE_SRCS) $(HARNESS) \
		$(FUZZ_OUT)/interp_checked.o -o $@

$(FUZZ_OUT)/fuzz_seedgen: selftests/unit/fuzz_seedgen.c selftests/unit/progen.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -Iinclude -Iuapi -Iselftests/unit $^ -o $@

$(FUZZ_OUT)/seeds/.done: $(FUZZ_OUT)/fuzz_seedgen
	@mkdir -p $(FUZZ_OUT)/seeds
	$(FUZZ_OUT)/fuzz_seedgen $(FUZZ_OUT)/seeds 64
	@touch $@

# One PASS:/FAIL: line; the fuzzer's own output goes to a log.
fuzz-smoke: $(FUZZ_OUT)/fuzz_verifier $(FUZZ_OUT)/seeds/.done
	@mkdir -p $(FUZZ_OUT)/crashes
	@if $(FUZZ_OUT)/fuzz_verifier -runs=$(FUZZ_RUNS) -seed=1 -max_len=4098 \
		-artifact_prefix=$(FUZZ_OUT)/crashes/ $(FUZZ_OUT)/seeds > $(FUZZ_OUT)/smoke.log 2>&1; then \
		echo "PASS: fuzz/verifier_interp_jit ($(FUZZ_RUNS) runs)"; \
	else \
		echo "FAIL: fuzz/verifier_interp_jit (see $(FUZZ_OUT)/smoke.log)"; tail -30 $(FUZZ_OUT)/smoke.log; \
	fi

fuzz: $(FUZZ_OUT)/fuzz_verifier $(FUZZ_OUT)/seeds/.done
	@mkdir -p $(FUZZ_OUT)/corpus $(FUZZ_OUT)/crashes
	$(FUZZ_OUT)/fuzz_verifier -max_total_time=$(FUZZ_TIME) -max_len=4098 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_OUT)/crashes/ $(FUZZ_OUT)/corpus $(FUZZ_OUT)/seeds
