#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug` / `make fuzz-vm`: the in-VM suite and the ioctl fuzzer on
# the debug guest kernel (KASAN, kmemleak, lockdep, PROVE_RCU, atomic-sleep
# checks, fault injection), then a kmemleak scan and rmmod kbpf.
#
#  1. selftests/debug/build-kernel.sh: build or reuse the debug kernel
#     (build/debug-kernel/<key>/, machine cache ${KBPF_CACHE:-/var/cache/kbpf}).
#  2. kbpf.ko against it, in build/debug-module/ (./kbpf.ko is not touched).
#  3. One boot (-m 2G, loglevel=8, kasan.fault=panic, panic_on_warn=1) running
#     selftests/debug/vm-debug.sh: /tests/kbpf_test, ioctl_fuzz with failslab +
#     fail_page_alloc for the fuzzer task, kmemleak scans, rmmod kbpf.
#  4. Verdicts: every PASS/FAIL line of the suite and the fuzzer, plus
#       debug/rmmod         kbpf unloads once everything is closed
#       kernel-log          no BUG:/WARNING:/Oops/KASAN/lockdep/RCU/ODEBUG/...
#                           line anywhere in the console log or dmesg
#       kmemleak/kbpf       no unreferenced object with a kbpf frame in its
#                           allocation backtrace (other leaks are listed as
#                           notes and do not fail: they are the kernel's)
#     A panic (KASAN with kasan.fault=panic, WARN with panic_on_warn) leaves no
#     success marker: that is a failure too, and the log is printed.
#  Last line of stdout: "N passed, N failed"; exit status non-zero on failure.
#
# usage: check-debug.sh [--fuzz-only]
# Environment: VM_TIMEOUT (default 3600), T (suite filter), FUZZ_N (fuzzer
# calls, default 20000; 0 = no fuzzing), FUZZ_SEED (default: today's date,
# YYYYMMDD), V=1 (stream the whole console), KBPF_CACHE.

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

mode=check
[ "${1:-}" = --fuzz-only ] && mode=fuzz
VM_TIMEOUT=${VM_TIMEOUT:-3600}
T=${T:-}
V=${V:-0}
FUZZ_N=${FUZZ_N:-20000}
FUZZ_SEED=${FUZZ_SEED:-$(date +%Y%m%d)}
out=build/check-debug
[ $mode = fuzz ] && out=build/fuzz-vm
rm -rf "$out"
mkdir -p "$out/share"
chmod 777 "$out/share"
results=$out/results.txt	# "<suite> PASS|FAIL <name...>"
: > "$results"

stage() { echo "[check-debug] $*"; }
collect() { sed -n -e 's/\r$//' -e "s/^\(PASS\|FAIL\): \(.*\)/$1 \1 \2/p" "$2" >> "$results"; }
add() { echo "$1 $2 $3" >> "$results"; [ "$2" = FAIL ] && echo "FAIL: $3"; return 0; }

summary() {
	echo
	echo "================ results ================"
	local suite p f total_pass=0 total_fail=0 status=0
	for suite in build vm debug; do
		p=$(grep -c "^$suite PASS " "$results")
		f=$(grep -c "^$suite FAIL " "$results")
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
		echo "$suite: $p passed, $f failed"
		sed -n "s/^$suite FAIL /  FAIL: /p" "$results"
	done
	[ $total_fail -eq 0 ] || status=1
	[ $((total_pass + total_fail)) -gt 0 ] || { echo "no test ran"; status=1; }
	echo "$total_pass passed, $total_fail failed"
	exit $status
}

# ---- 1. debug kernel -----------------------------------------------------------
stage "debug kernel: selftests/debug/build-kernel.sh (cold build: see README)"
if ! kdir=$(selftests/debug/build-kernel.sh | tail -n 1) || [ ! -f "$kdir/DONE" ]; then
	add build FAIL "debug-kernel (selftests/debug/build-kernel.sh failed)"
	summary
fi
add build PASS "debug-kernel ($(sed -n 's/^kernelrelease=//p' "$kdir/INFO"), $kdir)"

# ---- 2. kbpf.ko against it, the guest binaries -----------------------------------
stage "kbpf.ko against the debug kernel: build/debug-module/"
if selftests/debug/build-module.sh "$kdir/linux" build/debug-module > "$out/module.log" 2>&1; then
	add build PASS "kbpf.ko (debug kernel)"
else
	tail -n 60 "$out/module.log"
	add build FAIL "kbpf.ko (debug kernel; see $out/module.log)"
	summary
fi
stage "guest binaries: kbpf_test, ioctl_fuzz"
if ! make --no-print-directory build/vm/kbpf_test build/vm/ioctl_fuzz > "$out/bins.log" 2>&1; then
	cat "$out/bins.log"
	add build FAIL "kbpf_test / ioctl_fuzz (compile failed)"
	summary
fi

# ---- 3. the boot -------------------------------------------------------------------
suite=1
[ $mode = fuzz ] && suite=0
# -cpu max without LA57: with 5-level paging, an edge interrupt during
# early boot (0.005 s, identify_cpu) hit "KASAN: wild-memory-access" in
# do_raw_spin_lock in 2 of 5 boots on 2026-12-08, before kbpf was loaded.
flags=(--quiet --verbose --no-kmods --mem 2G --cpu max,la57=off --kernel "$kdir/bzImage"
       --module build/debug-module/kbpf.ko
       --append "kasan.fault=panic log_buf_len=16M"
       --timeout "$VM_TIMEOUT" --log "$out/console.log"
       --bin build/vm/kbpf_test --bin build/vm/ioctl_fuzz --bin selftests/debug/vm-debug.sh
       --share "$out/share")
stage "booting the debug kernel (timeout ${VM_TIMEOUT}s): suite=$suite, fuzzer $FUZZ_N calls, seed $FUZZ_SEED"
start=$(date +%s)
if [ "$V" = 1 ]; then
	# Stream everything: tail the log while run-vm.sh runs quietly.
	: > "$out/console.log"
	tail -n +1 -F "$out/console.log" 2>/dev/null &
	tailpid=$!
fi
selftests/qemu/run-vm.sh "${flags[@]}" -- \
	"/tests/vm-debug.sh /mnt/share $suite $FUZZ_N $FUZZ_SEED '$T'"
vstatus=$?
[ "$V" = 1 ] && kill "$tailpid" 2>/dev/null
stage "guest finished in $(( $(date +%s) - start )) s (status $vstatus)"

sh=$out/share
[ -f "$sh/vm-results.txt" ] && collect vm "$sh/vm-results.txt"
[ -f "$sh/results.txt" ] && collect debug "$sh/results.txt"
case $vstatus in
0) ;;
124) add debug FAIL "guest (timed out after ${VM_TIMEOUT}s, see $out/console.log)" ;;
125) add debug FAIL "guest (no success marker: panic/oops/WARN/KASAN, see $out/console.log)" ;;
*) add debug FAIL "guest (exit status $vstatus)" ;;
esac
if [ $suite = 1 ] && [ ! -f "$sh/vm-results.txt" ] && [ "$vstatus" = 0 ]; then
	add vm FAIL "kbpf_test (no results file)"
fi

# ---- 4a. the kernel log --------------------------------------------------------------
# Patterns of the kernel's bug reports: KASAN ("BUG: KASAN:"), lockdep and RCU
# ("WARNING: possible recursive locking", "WARNING: suspicious RCU usage",
# "WARNING: inconsistent lock state", ...), might_sleep ("BUG: sleeping
# function called from invalid context"), WARN ("WARNING: CPU:"), BUG/Oops,
# debugobjects, list debugging, refcount, hung tasks and RCU stalls.
pat='BUG: |WARNING: |kernel BUG at|Oops|general protection fault|Kernel panic|UBSAN: |ODEBUG: |list_(add|del) corruption|refcount_t: |INFO: task .* blocked|detected stalls|INFO: trying to register non-static key|Unable to handle|memory leak detector disabled'
logs=("$out/console.log")
[ -f "$sh/dmesg.txt" ] && logs+=("$sh/dmesg.txt")
findings=$out/kernel-findings.txt
grep -hE "$pat" "${logs[@]}" 2>/dev/null | sed -e 's/^\[ *[0-9.]*\] *//' -e 's/^<[0-9]>//' |
	grep -v '^\[init\]' | awk '!seen[$0]++' > "$findings"
if [ -s "$findings" ]; then
	n=$(wc -l < "$findings")
	echo "---- kernel log: $n distinct report line(s); the first 5 with context ($out/console.log) ----"
	head -n 5 "$findings" | while IFS= read -r line; do
		echo ">>> $line"
		grep -F -m1 -A 40 -- "$line" "$out/console.log" 2>/dev/null ||
			grep -F -m1 -A 40 -- "$line" "$sh/dmesg.txt" 2>/dev/null
		echo
	done
	while IFS= read -r line; do add debug FAIL "kernel-log ($line)"; done < "$findings"
elif [ -s "$out/console.log" ]; then
	add debug PASS "kernel-log (no KASAN/lockdep/RCU/WARN/BUG report)"
fi

# ---- 4b. kmemleak ------------------------------------------------------------------------
# One block per "unreferenced object"; a leak is kbpf's if its backtrace has a
# "[kbpf]" frame or an address inside any range kbpf was loaded at (frames of
# an unloaded module are not symbolised).
ranges=()
if [ -f "$sh/kbpf-ranges.txt" ]; then
	while read -r base size; do
		[[ "$base" == 0x* ]] && [ "$base" != 0x0000000000000000 ] && ranges+=("$base $size")
	done < "$sh/kbpf-ranges.txt"
fi
in_kbpf_range() { # hex address
	local r b s a=$(( $1 ))
	for r in ${ranges[@]+"${ranges[@]}"}; do
		read -r b s <<< "$r"
		b=$(( b )); s=$(( s ))
		[ $a -ge $b ] && [ $a -lt $((b + s)) ] && return 0
	done
	return 1
}
leakfiles=()
for f in "$sh/kmemleak-loaded.txt" "$sh/kmemleak-unloaded.txt"; do [ -f "$f" ] && leakfiles+=("$f"); done
if [ ${#leakfiles[@]} -gt 0 ]; then
	# Split into blocks: "<object address>\t<block text with \x1f for newlines>"
	declare -A kbpf_leak=() other_leak=() block_of=()
	while IFS=$'\t' read -r obj text; do
		mine=0
		if [[ "$text" == *"[kbpf]"* ]]; then
			mine=1
		else
			for a in $(grep -oE '0x[0-9a-f]{16}|\[<[0-9a-f]{16}>\]' <<< "${text//$'\x1f'/$'\n'}" |
				   grep -oE '[0-9a-f]{16}' | sed 's/^/0x/'); do
				in_kbpf_range "$a" && { mine=1; break; }
			done
		fi
		[ -n "${block_of[$obj]:-}" ] || block_of[$obj]=$text
		if [ $mine -eq 1 ]; then kbpf_leak[$obj]=1; unset "other_leak[$obj]"
		elif [ -z "${kbpf_leak[$obj]:-}" ]; then other_leak[$obj]=1; fi
	done < <(awk '/^unreferenced object/ { if (obj != "") print obj "\t" txt; obj = $3; txt = $0; next }
		      obj != "" { txt = txt "\x1f" $0 }
		      END { if (obj != "") print obj "\t" txt }' "${leakfiles[@]}")
	nk=${#kbpf_leak[@]}
	no=${#other_leak[@]}
	if [ "$nk" -gt 0 ]; then
		echo "---- kmemleak: $nk leak(s) attributed to kbpf (first 5) ----"
		i=0
		for obj in "${!kbpf_leak[@]}"; do
			[ $i -lt 5 ] || break
			echo "${block_of[$obj]}" | tr '\037' '\n'
			i=$((i + 1))
		done
		add debug FAIL "kmemleak/kbpf ($nk unreferenced object(s) allocated by kbpf; see $sh/kmemleak-*.txt)"
	else
		add debug PASS "kmemleak/kbpf (no leak attributed to kbpf)"
	fi
	if [ "$no" -gt 0 ]; then
		echo "note: kmemleak: $no unreferenced object(s) without a kbpf frame (not counted; see $sh/kmemleak-*.txt)"
	fi
elif [ "$vstatus" = 0 ]; then
	add debug FAIL "kmemleak (no report collected)"
fi

[ -f "$sh/fuzz.log" ] && grep -E '^ioctl_fuzz: (per command|errnos|ANOMALY|kcov)' "$sh/fuzz.log" | head -20

# ---- 4c. fuzzer coverage ------------------------------------------------------------------
# The figure: distinct PCs the fuzzer reached against the module's coverage
# sites (one __sanitizer_cov_trace_pc call per basic block, counted from the
# relocations of build/debug-module/kbpf.ko). Fails only if KCOV traced nothing.
if [ -f "$sh/kcov-pcs.txt" ]; then
	pcs=$(grep -c . "$sh/kcov-pcs.txt")
	sites=$(objdump -r build/debug-module/kbpf.ko 2>/dev/null | grep -c '__sanitizer_cov_trace_pc')
	if [ "$pcs" -gt 0 ] && [ "$sites" -gt 0 ]; then
		pct=$(awk -v a="$pcs" -v b="$sites" 'BEGIN { printf "%.1f%%", 100 * a / b }')
		add debug PASS "kcov ($pcs of $sites kbpf coverage sites reached by the fuzzer, $pct)"
	else
		add debug FAIL "kcov ($pcs PCs traced, $sites sites in kbpf.ko: is KBPF_KCOV in effect?)"
	fi
fi
summary
