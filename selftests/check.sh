#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: native unit tests, the in-VM suite, the SMP tests (smp_*, in a
# boot of their own with SMP_VCPUS vCPUs), then the LD_PRELOAD shim's native
# tests and its in-VM libbpf test (another boot), then the demo programs as
# asserted tests (another boot). Collects every
# "PASS: <name>" / "FAIL: <name>" line from both, prints per-suite results and
# ends with exactly one line "N passed, N failed". Exits non-zero on any
# failure, if no test ran at all, or if the VM did not report success.
#
# Environment: VM_TIMEOUT (seconds, default 600), T (test-name filter), V=1
# (full kernel log on the guest console).

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VM_TIMEOUT=${VM_TIMEOUT:-600}
CORPUS_VM_TIMEOUT=${CORPUS_VM_TIMEOUT:-1500}	# corpus_vm's boot: ~5 min, TCG varies
T=${T:-}
SMP_VCPUS=4		# the vm-smp boot; the main one keeps run-vm.sh's 2
SMP_TESTS='smp_*'	# tests that need it, left out of the main boot
V=${V:-0}
out=build/check
rm -rf "$out"
mkdir -p "$out/share"
chmod 777 "$out/share"

stage() { echo "[check] $*"; }
results=$out/results.txt	# "<suite> PASS|FAIL <name...>"
: > "$results"

# Append the PASS/FAIL lines of file $2 to the results as suite $1.
collect() {
	sed -n -e 's/\r$//' -e "s/^\(PASS\|FAIL\): \(.*\)/$1 \1 \2/p" "$2" >> "$results"
}
synthetic_fail() { echo "$1 FAIL $2" >> "$results"; }
# A guest's exit status $2 (console log $3) as suite $1's failure, if any.
guest_fail() {
	case $2 in
	0) ;;
	124) synthetic_fail "$1" "guest (timed out after ${VM_TIMEOUT}s, see $3)" ;;
	125) synthetic_fail "$1" "guest (no success marker: panic/oops/WARN/crash, see $3)" ;;
	*) grep -q "^$1 FAIL " "$results" || synthetic_fail "$1" "guest (exit status $2 without a FAIL line)" ;;
	esac
}

# ---- suite 1: native unit tests (selftests/unit/unit.mk, owned by the core) --
if [ -f selftests/unit/unit.mk ]; then
	stage "unit: make -f selftests/unit/unit.mk unit"
	make --no-print-directory -f selftests/unit/unit.mk unit T="$T" > "$out/unit.log" 2>&1
	ustatus=$?
	grep -E '^(PASS|FAIL): ' "$out/unit.log" || true
	collect unit "$out/unit.log"
	if [ $ustatus -ne 0 ]; then
		echo "---- unit log ($out/unit.log) ----"; tail -n 60 "$out/unit.log"
		grep -q '^unit FAIL ' "$results" || synthetic_fail unit "unit.mk (exited with status $ustatus, no FAIL line)"
	fi
else
	# Hook: the lead adds selftests/unit/unit.mk (target `unit`, PASS/FAIL lines).
	stage "unit: selftests/unit/unit.mk not present yet: suite skipped"
fi

# ---- suite 1b: the verifier corpus (selftests/corpus/corpus.mk) ---------------
# Kernel test_verifier cases through kbpf's verifier natively (about 10 s, plus
# a one-time apt install/extract of linux-source-6.1). Runs unless T names
# only other tests.
corpus_wanted() {
	local item items
	[ -z "$T" ] && return 0
	IFS=, read -ra items <<< "$T"
	for item in "${items[@]}"; do
		[[ "corpus/no_unsafe_accepts corpus/parity corpus/unpriv_no_unsafe_accepts corpus/unpriv_parity" == *$item* ]] && return 0
	done
	return 1
}
if [ -f selftests/corpus/corpus.mk ] && corpus_wanted; then
	stage "corpus: make -f selftests/corpus/corpus.mk corpus"
	make --no-print-directory -f selftests/corpus/corpus.mk corpus > "$out/corpus.log" 2>&1
	cstatus=$?
	grep -E '^(corpus: |PASS: |FAIL: )' "$out/corpus.log" || true
	collect corpus "$out/corpus.log"
	if [ $cstatus -ne 0 ] && ! grep -q '^corpus FAIL ' "$results"; then
		echo "---- corpus log ($out/corpus.log) ----"; tail -n 40 "$out/corpus.log"
		synthetic_fail corpus "corpus.mk (exited with status $cstatus, no FAIL line)"
	fi
fi

# ---- suite 2: in-VM tests -----------------------------------------------------
vm_ok=1
mod_ok=1
stage "vm: building kbpf.ko (make module)"
if ! make --no-print-directory module > "$out/module.log" 2>&1; then
	echo "---- make module log ($out/module.log) ----"; tail -n 60 "$out/module.log"
	synthetic_fail vm "build: kbpf.ko (make module failed)"
	vm_ok=0
	mod_ok=0
fi
stage "vm: building static test binary"
if ! make --no-print-directory build/vm/kbpf_test > "$out/build.log" 2>&1; then
	cat "$out/build.log"
	synthetic_fail vm "build: kbpf_test (compile failed)"
	vm_ok=0
fi
# T naming only demo tests (demo_*) selects the demos suite alone.
only_demos() {
	local item items
	[ -n "$T" ] || return 1
	IFS=, read -ra items <<< "$T"
	for item in "${items[@]}"; do
		[[ "$item" == *demo* ]] || return 1
	done
	return 0
}
vstatus=-
# Tests of a boot, as the host-built kbpf_test lists them (-l honours -t/-x).
vm_list() { build/vm/kbpf_test -l ${T:+-t "$T"} "$@" 2>/dev/null; }
if only_demos; then
	stage "vm: skipped (T names only demo tests)"
	vstatus=0
	vm_ok=2
elif [ $vm_ok -eq 1 ] && [ -n "$T" ] && [ -z "$(vm_list -x "$SMP_TESTS")" ] &&
   [ -n "$(vm_list)" ]; then
	stage "vm: T='$T' selects only $SMP_TESTS tests: main boot skipped"
	vstatus=0
	vm_ok=2
fi
if [ $vm_ok -eq 1 ] && [ -n "$T" ] && [ -z "$(vm_list -x "$SMP_TESTS")" ]; then
	stage "vm: T='$T' selects no test of the main boot: skipped"
	vstatus=0
	vm_ok=2
fi
if [ $vm_ok -eq 1 ]; then
	targs="-x '$SMP_TESTS'"
	[ -n "$T" ] && targs="$targs -t '$T'"
	flags=(--quiet --timeout "$VM_TIMEOUT" --log "$out/console.log"
	       --bin build/vm/kbpf_test --share "$out/share")
	[ "$V" = 1 ] && flags+=(--verbose)
	stage "vm: booting the guest and running /tests/kbpf_test (timeout ${VM_TIMEOUT}s)"
	selftests/qemu/run-vm.sh "${flags[@]}" -- \
		"/tests/kbpf_test -o /mnt/share/vm-results.txt $targs"
	vstatus=$?
	if [ -f "$out/share/vm-results.txt" ]; then
		collect vm "$out/share/vm-results.txt"
	else
		# 9p results file missing: fall back to the console log.
		collect vm "$out/console.log"
	fi
	guest_fail vm "$vstatus" "$out/console.log"
fi

# ---- suite 2b: SMP tests, their own boot with $SMP_VCPUS vCPUs ----------------
# smp_map_counts: programs on every vCPU and userspace threads on the same
# maps, exact counts (selftests/vm/test_smp.c). Runs unless T selects none.
smpstatus=0
smp_names=
if [ $vm_ok -ne 0 ]; then
	smp_names=$(build/vm/kbpf_test -l -t "$SMP_TESTS")
	[ -n "$T" ] && smp_names=$(vm_list | grep -xF "$smp_names")
	smp_names=$(paste -sd, - <<< "$smp_names")
fi
if [ $mod_ok -eq 0 ]; then
	smpstatus=-
	synthetic_fail vm-smp "build: kbpf.ko (make module failed)"
elif [ $vm_ok -eq 0 ]; then
	smpstatus=-
	synthetic_fail vm-smp "build: kbpf_test (compile failed)"
elif [ -n "$smp_names" ]; then
	mkdir -p "$out/smp-share"
	chmod 777 "$out/smp-share"
	flags=(--quiet --smp "$SMP_VCPUS" --timeout "$VM_TIMEOUT" --log "$out/smp-console.log"
	       --bin build/vm/kbpf_test --share "$out/smp-share")
	[ "$V" = 1 ] && flags+=(--verbose)
	stage "vm-smp: booting a $SMP_VCPUS-vCPU guest for $smp_names"
	selftests/qemu/run-vm.sh "${flags[@]}" -- \
		"/tests/kbpf_test -o /mnt/share/smp-results.txt -t '$smp_names'"
	smpstatus=$?
	if [ -f "$out/smp-share/smp-results.txt" ]; then
		collect vm-smp "$out/smp-share/smp-results.txt"
	else
		collect vm-smp "$out/smp-console.log"
	fi
	guest_fail vm-smp "$smpstatus" "$out/smp-console.log"
fi

# ---- suite 2c: corpus_vm, a boot of its own (CORPUS_VM_TIMEOUT) --------------
# selftests/corpus/vm_runner.c: the corpus through /dev/kbpf and the guest
# kernel's bpf(2) in one boot (about 5 min under TCG); its lines join the
# corpus suite. Runs unless T selects tests and none is corpus_vm.
cvm=0
if [ $mod_ok -eq 1 ] && [ $vm_ok -ne 0 ] && { [ -z "$T" ] || [[ "$T" == *corpus_vm* ]]; }; then
	if [ -f build/corpus/tests.h ] &&
	   make --no-print-directory -f selftests/corpus/corpus.mk vm-runner > "$out/corpus-vm-build.log" 2>&1; then
		cvm=1
	else
		tail -n 30 "$out/corpus-vm-build.log" 2>/dev/null
		synthetic_fail corpus "corpus_vm (build failed or corpus not fetched; see $out/corpus-vm-build.log)"
	fi
fi
if [ $cvm -eq 1 ]; then
	mkdir -p "$out/cvm-share"
	chmod 777 "$out/cvm-share"
	flags=(--quiet --timeout "$CORPUS_VM_TIMEOUT" --log "$out/cvm-console.log"
	       --bin build/corpus/corpus_vm --bin selftests/corpus/accepted_differences.txt
	       --share "$out/cvm-share")
	stage "corpus_vm: booting a guest for the corpus, kbpf vs the kernel (timeout ${CORPUS_VM_TIMEOUT}s)"
	selftests/qemu/run-vm.sh "${flags[@]}" -- \
		"/tests/corpus_vm -o /mnt/share/corpus-vm.txt -a /tests/accepted_differences.txt > /mnt/share/corpus-vm.log 2>&1"
	cvmstatus=$?
	if grep -q '^\(PASS\|FAIL\): corpus_vm/verdicts' "$out/cvm-share/corpus-vm.log" 2>/dev/null; then
		grep '^# corpus_vm: [A-Za-z0-9]' "$out/cvm-share/corpus-vm.log" | grep -v 'cases loaded' || true
		grep -E '^(PASS|FAIL): ' "$out/cvm-share/corpus-vm.log"
		collect corpus "$out/cvm-share/corpus-vm.log"
	else
		synthetic_fail corpus "corpus_vm (guest status $cvmstatus, no result line; see $out/cvm-share/corpus-vm.log, $out/cvm-console.log)"
	fi
fi

# ---- suite 3: the LD_PRELOAD shim, native (fake device; plain and ASan) ------
stage "shim: make -f selftests/shim/shim.mk check"
make --no-print-directory -f selftests/shim/shim.mk check T="$T" > "$out/shim.log" 2>&1
sstatus=$?
grep -E '^(PASS|FAIL): ' "$out/shim.log" || true
collect shim "$out/shim.log"
if [ $sstatus -ne 0 ]; then
	echo "---- shim log ($out/shim.log) ----"; tail -n 40 "$out/shim.log"
	grep -q '^shim FAIL ' "$results" || synthetic_fail shim "shim.mk check (exited with status $sstatus, no FAIL line)"
fi

# ---- suite 4: the shim in the VM: libbpf loader, shim vs guest kernel --------
# One extra boot (~10 s). Skipped when T selects tests that are not shim tests.
svstatus=0
if [ -z "$T" ] || [[ "$T" == *shim* ]]; then
	svstatus=-
	stage "shim-vm: building the libbpf loader and the shim"
	if [ $mod_ok -eq 0 ] || [ ! -f kbpf.ko ]; then
		synthetic_fail shim-vm "build: kbpf.ko (make module failed)"
	elif ! make --no-print-directory -f selftests/shim/shim.mk shim loader > "$out/shim-build.log" 2>&1; then
		cat "$out/shim-build.log"
		synthetic_fail shim-vm "build: shim or libbpf loader (compile failed)"
	else
		mkdir -p "$out/shim-share"
		chmod 777 "$out/shim-share"
		flags=(--quiet --timeout "$VM_TIMEOUT" --log "$out/shim-console.log"
		       --bin selftests/shim/vm-shim.sh
		       --dynbin build/shim/kbpf-libbpf-loader
		       --dynbin build/shim/libkbpf-preload.so --dynbin /usr/sbin/bpftool
		       --share "$out/shim-share")
		[ "$V" = 1 ] && flags+=(--verbose)
		stage "shim-vm: booting the guest and running /tests/vm-shim.sh"
		selftests/qemu/run-vm.sh "${flags[@]}" -- \
			"/tests/vm-shim.sh /mnt/share > /mnt/share/shim-vm-results.txt 2>&1"
		svstatus=$?
		if [ -f "$out/shim-share/shim-vm-results.txt" ]; then
			grep -E '^(PASS|FAIL): ' "$out/shim-share/shim-vm-results.txt" | grep -v '^PASS: ' || true
			collect shim-vm "$out/shim-share/shim-vm-results.txt"
		fi
		guest_fail shim-vm "$svstatus" "$out/shim-console.log"
	fi
fi

# ---- suite 5: the demo programs (demos/), asserted, one more boot ------------
# clang-built BPF programs with libbpf loaders, each on the guest kernel and
# under the shim on kbpf (see demos/vm-demos.sh). Skipped when T selects
# tests that are not demo tests.
dstatus=0
if [ -z "$T" ] || [[ "$T" == *demo* ]]; then
	dstatus=-
	stage "demos: building the demo programs and loaders"
	if [ $mod_ok -eq 0 ] || [ ! -f kbpf.ko ]; then
		synthetic_fail demos "build: kbpf.ko (make module failed)"
	elif ! make --no-print-directory -f selftests/shim/shim.mk shim > "$out/demos-build.log" 2>&1 ||
	     ! make --no-print-directory -f demos/demos.mk bins >> "$out/demos-build.log" 2>&1; then
		cat "$out/demos-build.log"
		synthetic_fail demos "build: demo programs or loaders (compile failed)"
	else
		stage "demos: booting the guest and running /tests/vm-demos.sh"
		make --no-print-directory -f demos/demos.mk check VM_TIMEOUT="$VM_TIMEOUT" V="$V" \
			DEMO_SHARE="$out/demos-share" DEMO_LOG="$out/demos-console.log" T="$T"
		dstatus=$?
		if [ -f "$out/demos-share/results.txt" ]; then
			grep -E '^FAIL: ' "$out/demos-share/results.txt" || true
			collect demos "$out/demos-share/results.txt"
		fi
		case $dstatus in
		0) ;;
		124) synthetic_fail demos "guest (timed out after ${VM_TIMEOUT}s, see $out/demos-console.log)" ;;
		125) synthetic_fail demos "guest (no success marker: panic/oops/WARN/crash, see $out/demos-console.log)" ;;
		*) grep -q '^demos FAIL ' "$results" || synthetic_fail demos "guest (exit status $dstatus without a FAIL line)" ;;
		esac
	fi
fi

# ---- summary -----------------------------------------------------------------
echo
echo "================ results ================"
total_pass=0
total_fail=0
for suite in unit corpus vm vm-smp shim shim-vm demos; do
	p=$(grep -c "^$suite PASS " "$results")
	f=$(grep -c "^$suite FAIL " "$results")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	extra=""
	[ "$suite" = vm ] && extra=" (guest exit status $vstatus)"
	[ "$suite" = vm-smp ] && extra=" (guest exit status $smpstatus)"
	[ "$suite" = shim-vm ] && extra=" (guest exit status $svstatus)"
	[ "$suite" = demos ] && extra=" (guest exit status $dstatus)"
	echo "$suite: $p passed, $f failed$extra"
	sed -n "s/^$suite FAIL /  FAIL: /p" "$results"
done
status=0
[ $total_fail -eq 0 ] || status=1
[ $((total_pass + total_fail)) -gt 0 ] || { echo "no test ran"; status=1; }
[ "$vstatus" = 0 ] || status=1
[ "$smpstatus" = 0 ] || status=1
[ "$svstatus" = 0 ] || status=1
[ "$dstatus" = 0 ] || status=1
echo "$total_pass passed, $total_fail failed"
exit $status
