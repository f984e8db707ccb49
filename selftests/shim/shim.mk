# SPDX-License-Identifier: GPL-2.0
#
# The LD_PRELOAD shim (user/shim/) and its tests. Run from the top level:
#
#   make -f selftests/shim/shim.mk shim     build/shim/libkbpf-preload.so
#   make -f selftests/shim/shim.mk check    native tests (fake device), plain
#                                           and ASan+UBSan builds; PASS:/FAIL:
#   make -f selftests/shim/shim.mk loader   build/shim/kbpf-libbpf-loader
#                                           (dynamic, libbpf 1.1; runs in the VM)
#
# T=filter selects native tests (glob or substring, comma-separated).

SHELL := /bin/bash
B     := build/shim
T     ?=

WARN      := -Wall -Wextra -Werror
SHIM_SRC  := user/shim/kbpf_shim.c
SHIM_LIB  := $(B)/libkbpf-preload.so
SHIM_CFLAGS := -O2 -g $(WARN) -fPIC -shared -fvisibility=hidden -I. \
	       -Wl,-z,defs -Wl,-soname,libkbpf-preload.so
SHIM_LIBS := -ldl -lpthread

FAKE_LIB  := $(B)/libkbpf-fakedev.so
TEST_BIN  := $(B)/shim_test
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_SO    = $(shell gcc -print-file-name=libasan.so)
UBSAN_SO   = $(shell gcc -print-file-name=libubsan.so)

LOADER_SRC := selftests/shim/libbpf_loader.c
LOADER_BIN := $(B)/kbpf-libbpf-loader

.PHONY: shim check loader clean

shim: $(SHIM_LIB)

$(SHIM_LIB): $(SHIM_SRC) uapi/kbpf.h
	@mkdir -p $(@D)
	gcc $(SHIM_CFLAGS) -o $@ $< $(SHIM_LIBS)

$(B)/asan/libkbpf-preload.so: $(SHIM_SRC) uapi/kbpf.h
	@mkdir -p $(@D)
	gcc $(SHIM_CFLAGS) $(SAN) -o $@ $< $(SHIM_LIBS)

$(FAKE_LIB): selftests/shim/fakedev.c selftests/shim/fakedev.h uapi/kbpf.h
	@mkdir -p $(@D)
	gcc -O2 -g $(WARN) -fPIC -shared -fvisibility=hidden -I. -o $@ $< -ldl -lpthread

$(B)/asan/libkbpf-fakedev.so: selftests/shim/fakedev.c selftests/shim/fakedev.h uapi/kbpf.h
	@mkdir -p $(@D)
	gcc -O2 -g $(WARN) $(SAN) -fPIC -shared -fvisibility=hidden -I. -o $@ $< -ldl -lpthread

$(TEST_BIN): selftests/shim/shim_test.c selftests/shim/fakedev.h uapi/kbpf.h
	@mkdir -p $(@D)
	gcc -O2 -g $(WARN) -I. -o $@ $< -ldl -lpthread

$(B)/asan/shim_test: selftests/shim/shim_test.c selftests/shim/fakedev.h uapi/kbpf.h
	@mkdir -p $(@D)
	gcc -O1 -g $(WARN) $(SAN) -I. -o $@ $< -ldl -lpthread

# Plain build, then the ASan+UBSan build of all three (the sanitizer runtimes
# are preloaded first, as ASan requires).
check: $(SHIM_LIB) $(FAKE_LIB) $(TEST_BIN) $(B)/asan/libkbpf-preload.so \
       $(B)/asan/libkbpf-fakedev.so $(B)/asan/shim_test
	@rc=0; \
	$(TEST_BIN) --shim $(CURDIR)/$(SHIM_LIB) --fake $(CURDIR)/$(FAKE_LIB) -t '$(T)' || rc=1; \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	$(B)/asan/shim_test --first $(ASAN_SO) --first $(UBSAN_SO) \
		--shim $(CURDIR)/$(B)/asan/libkbpf-preload.so \
		--fake $(CURDIR)/$(B)/asan/libkbpf-fakedev.so \
		--prefix shim_asan_ -t '$(T)' || rc=1; \
	exit $$rc

loader: $(LOADER_BIN)

$(LOADER_BIN): $(LOADER_SRC)
	@mkdir -p $(@D)
	gcc -O2 -g $(WARN) -I. -o $@ $< -lbpf

clean:
	rm -rf $(B)
