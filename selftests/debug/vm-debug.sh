#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the debug guest (busybox sh), from `make check-debug` / `make
# fuzz-vm`: the in-VM suite, the ioctl fuzzer with fault injection, then a
# kmemleak scan with kbpf loaded, rmmod kbpf, a second scan. Writes to OUTDIR
# (the 9p share):
#   results.txt            PASS/FAIL lines (suite, fuzzer, debug/* checks)
#   kmemleak-loaded.txt    kmemleak report after the suite + fuzzer
#   kmemleak-unloaded.txt  kmemleak report after rmmod kbpf
#   kbpf-ranges.txt        kbpf's load addresses (attributing unresolved frames)
#   kcov-pcs.txt           the distinct kbpf PCs the fuzzer reached (KCOV)
#   dmesg.txt              the whole kernel log
# The host (check-debug.sh) decides from these and the console log.
#
# usage: vm-debug.sh OUTDIR SUITE(0|1) FUZZ_CALLS FUZZ_SEED [TEST_FILTER]

out=$1
suite=$2
fuzz_n=$3
fuzz_seed=$4
filter=$5
res=$out/results.txt
KL=/sys/kernel/debug/kmemleak
: > "$res"
# Real addresses in kmemleak's backtraces and /proc/modules (root has
# CAP_SYSLOG), so frames of an unloaded kbpf can still be attributed.
echo 1 > /proc/sys/kernel/kptr_restrict

say() { echo "[vm-debug] $*"; }
result() { echo "$1" | tee -a "$res"; }

module_range() { # "base size" of kbpf's core, from /proc/modules
	awk '$1 == "kbpf" { print $6, $2 }' /proc/modules
}
module_range >> "$out/kbpf-ranges.txt"

# Leaks from before the suite (boot) are not ours: scan once, then clear.
if [ -w $KL ]; then
	say "kmemleak: baseline scan + clear"
	echo scan > $KL
	echo clear > $KL
else
	result "FAIL: debug/kmemleak-available (no $KL)"
fi

if [ "$suite" = 1 ]; then
	say "running /tests/kbpf_test"
	if [ -n "$filter" ]; then
		/tests/kbpf_test -o "$out/vm-results.txt" -t "$filter"
	else
		/tests/kbpf_test -o "$out/vm-results.txt"
	fi
	say "kbpf_test exited with status $?"
	module_range >> "$out/kbpf-ranges.txt"
fi

lsmod | grep -q '^kbpf ' || { say "kbpf not loaded after the suite; loading it"; insmod /kbpf.ko; }
module_range >> "$out/kbpf-ranges.txt"

if [ "$fuzz_n" -gt 0 ]; then
	F=/sys/kernel/debug/failslab
	P=/sys/kernel/debug/fail_page_alloc
	if [ -d $F ] && [ -d $P ]; then
		# Faults only for tasks with make-it-fail set (the fuzzer sets it
		# around each ioctl); GFP_KERNEL allocations too (ignore-gfp-wait=N).
		for d in $F $P; do
			echo Y > $d/task-filter
			echo 5 > $d/probability
			echo 1 > $d/interval
			echo -1 > $d/times
			echo 0 > $d/space
			echo 0 > $d/verbose
			echo N > $d/ignore-gfp-wait
		done
		echo N > $P/ignore-gfp-highmem
		echo 0 > $P/min-order
		fflag=-f
		say "fault injection: failslab + fail_page_alloc, 5%, task-filter"
	else
		fflag=
		say "no fault injection (debugfs $F missing)"
	fi
	say "running ioctl_fuzz -n $fuzz_n -s $fuzz_seed $fflag -c (kcov-guided)"
	/tests/ioctl_fuzz -n "$fuzz_n" -s "$fuzz_seed" $fflag -c "$out/kcov-pcs.txt" > "$out/fuzz.log" 2>&1
	fstatus=$?
	grep -E '^ioctl_fuzz: (ANOMALY|per command|errnos|kcov)' "$out/fuzz.log" | head -40
	grep -E '^(PASS|FAIL): ' "$out/fuzz.log" | tee -a "$res"
	grep -qE '^(PASS|FAIL): ' "$out/fuzz.log" ||
		result "FAIL: fuzz/ioctl (exited with status $fstatus, no result line; killed?)"
	[ -d $F ] && echo 0 > $F/probability && echo 0 > $P/probability
fi

# Everything is closed now (the suite's and the fuzzer's processes exited).
# Let deferred frees (RCU, workqueues) run, then scan twice: kmemleak only
# reports objects that stayed unreferenced across two scans.
if [ -w $KL ]; then
	say "kmemleak: scanning with kbpf loaded"
	sleep 3
	echo scan > $KL
	sleep 5
	echo scan > $KL
	cat $KL > "$out/kmemleak-loaded.txt"
	say "kmemleak: $(grep -c '^unreferenced object' "$out/kmemleak-loaded.txt") unreferenced objects"
fi

say "rmmod kbpf"
# A mounted kbpffs pins the module (init mounts one at /sys/fs/kbpf).
umount /sys/fs/kbpf 2>/dev/null
if rmmod kbpf; then
	result "PASS: debug/rmmod"
else
	result "FAIL: debug/rmmod (rmmod kbpf failed after closing everything; refcnt $(cat /sys/module/kbpf/refcnt 2>/dev/null))"
fi

if [ -w $KL ]; then
	say "kmemleak: scanning after rmmod"
	sleep 2
	echo scan > $KL
	sleep 5
	echo scan > $KL
	cat $KL > "$out/kmemleak-unloaded.txt"
	say "kmemleak: $(grep -c '^unreferenced object' "$out/kmemleak-unloaded.txt") unreferenced objects"
fi

dmesg > "$out/dmesg.txt"
sync
exit 0
