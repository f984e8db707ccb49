#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Per-event overhead of kbpf against the guest kernel's own BPF, in one boot
# (busybox sh, runs in the guest; `make bench` calls it):
#
#   vm-bench.sh [RUNS]
#
# Runs /tests/demo-bench_events RUNS times (default 2) on each backend,
# alternating kernel and kbpf (under the shim), keeps the best figure of
# each, and prints per probe the overhead per event (with a program minus
# without) on both and the ratio kbpf / kernel; for netfilter (kbpf only),
# packets/s without a program and with a drop-nothing one. Times under TCG
# are only meaningful as ratios. Exit status 1 if a run failed (a program
# did not load, attach or run); never because of a figure.

runs=${1:-2}
B=/tests/demo-bench_events
SHIM=/tests/libkbpf-preload.so
out=/tmp/bench-events
rc=0
: > $out.all
echo "=== kbpf event bench (VM: per-event overhead of an attached program, kbpf vs guest kernel, TCG) ==="

i=0
while [ $i -lt "$runs" ]; do
	for side in kernel kbpf; do
		if [ $side = kbpf ]; then
			LD_PRELOAD=$SHIM $B -l kbpf > $out.txt 2> $out.err
		else
			$B -l kernel > $out.txt 2> $out.err
		fi
		st=$?
		grep -v '^B \|^PASS: ' $out.txt
		if [ $st -ne 0 ]; then
			echo "bench: $side run $i exited with status $st"
			tail -n 5 $out.err
			rc=1
		fi
		sed -n "s/^B /$side /p" $out.txt >> $out.all
	done
	i=$((i + 1))
done

echo
printf '%-11s %14s %14s %12s\n' probe "kernel ns/ev" "kbpf ns/ev" "kbpf/kernel"
awk '
	{ k = $1 " " $2 " " $3; if (!(k in best) || $4 < best[k]) best[k] = $4 }
	END {
		n = split("kprobe raw_tp tracepoint", probes, " ")
		for (i = 1; i <= n; i++) {
			p = probes[i]
			kb = "kernel " p " "; bb = "kbpf " p " "
			if (!((kb "base") in best) || !((bb "base") in best)) {
				printf "%-11s %14s %14s %12s\n", p, "-", "-", "(no result)"
				continue
			}
			ko = best[kb "prog"] - best[kb "base"]
			bo = best[bb "prog"] - best[bb "base"]
			r = ko > 0 ? sprintf("%.2fx", bo / ko) : "-"
			printf "%-11s %14.1f %14.1f %12s\n", p, ko, bo, r
		}
		if (("kbpf netfilter base") in best) {
			b = best["kbpf netfilter base"]; w = best["kbpf netfilter prog"]
			printf "\nnetfilter (kbpf only; 6.1 has no netfilter programs): %.0f packets/s without a program, %.0f with a drop-nothing program (%.2fx the time per packet, +%.1f ns)\n",
				1e9 / b, 1e9 / w, w / b, w - b
		}
		printf "(overhead = ns per event with the program minus without; best of every run; guest TCG time)\n"
	}' $out.all
echo "=== end ==="
exit $rc
