#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Summarise a `make test-verifier` run: both "Summary:" lines side by side,
# then every privileged case the guest kernel passes but kbpf does not,
# grouped by reason (program/map types kbpf does not offer, BTF, map
# creation, programs kbpf rejects with its message, verifier-log text that
# does not contain test_verifier's expected substring, ...). Writes
# $OUT/cases.tsv (one line per case: index, prog type, features, kernel
# status, kbpf status, kbpf reason, detail, description) and $OUT/report.txt.
#
#   selftests/test_verifier/report.sh [OUT]     (default build/test-verifier)

set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-build/test-verifier}
TOPN=${TV_TOPN:-12}

summary() { # file -> "P S F" or empty
	[ -f "$1" ] || return 0
	sed -n 's/^Summary: \([0-9]*\) PASSED, \([0-9]*\) SKIPPED, \([0-9]*\) FAILED$/\1 \2 \3/p' "$1" | tail -1
}

{
echo "== test_verifier (linux-source-6.1, unmodified), as root, one boot =="
printf '%-22s %8s %8s %8s %8s   %s\n' "" PASSED SKIPPED FAILED seconds "summary line"
for s in kernel kbpf; do
	label=$([ $s = kernel ] && echo "guest kernel (bpf(2))" || echo "kbpf (LD_PRELOAD shim)")
	sum=$(summary "$OUT/$s.out")
	secs=$(cat "$OUT/$s.seconds" 2>/dev/null || echo "?")
	if [ -n "$sum" ]; then
		set -- $sum
		printf '%-22s %8s %8s %8s %8s   %s\n' "$label" "$1" "$2" "$3" "$secs" \
			"$(grep -h '^Summary:' "$OUT/$s.out" | tail -1)"
	else
		printf '%-22s %8s %8s %8s %8s   %s\n' "$label" - - - "$secs" \
			"no summary line ($( [ -f "$OUT/$s.out" ] && echo "test_verifier did not finish: $(grep -h '^\[tv-exit\]' "$OUT/$s.out" || echo cut off)" || echo "no output"))"
	fi
done
echo "(SKIPPED includes every '#N/u' unprivileged run: kernel.unprivileged_bpf_disabled=$(cat "$OUT/unprivileged_bpf_disabled" 2>/dev/null || echo '?') in the guest)"
} | tee "$OUT/report.txt"

missing=0
for s in kernel kbpf; do [ -n "$(summary "$OUT/$s.out")" ] || missing=1; done
[ -f "$OUT/kernel.out" ] && [ -f "$OUT/kbpf.out" ] && [ -f "$OUT/casetable.tsv" ] || exit $missing

awk -f "$HERE/parse.awk" "$OUT/kernel.out" > "$OUT/kernel.cases"
awk -f "$HERE/parse.awk" "$OUT/kbpf.out" > "$OUT/kbpf.cases"

awk -F'\t' -v topn="$TOPN" -v cases="$OUT/cases.tsv" '
BEGIN {
	split("SOCKET_FILTER KPROBE SCHED_CLS SCHED_ACT TRACEPOINT XDP PERF_EVENT CGROUP_SKB CGROUP_SOCK LWT_IN LWT_OUT LWT_XMIT SOCK_OPS SK_SKB CGROUP_DEVICE SK_MSG RAW_TRACEPOINT CGROUP_SOCK_ADDR LWT_SEG6LOCAL LIRC_MODE2 SK_REUSEPORT FLOW_DISSECTOR CGROUP_SYSCTL RAW_TRACEPOINT_WRITABLE CGROUP_SOCKOPT TRACING STRUCT_OPS EXT LSM SK_LOOKUP SYSCALL NETFILTER", pt, " ")
	split("HASH ARRAY PROG_ARRAY PERF_EVENT_ARRAY PERCPU_HASH PERCPU_ARRAY STACK_TRACE CGROUP_ARRAY LRU_HASH LRU_PERCPU_HASH LPM_TRIE ARRAY_OF_MAPS HASH_OF_MAPS DEVMAP SOCKMAP CPUMAP XSKMAP SOCKHASH CGROUP_STORAGE REUSEPORT_SOCKARRAY PERCPU_CGROUP_STORAGE QUEUE STACK SK_STORAGE DEVMAP_HASH STRUCT_OPS RINGBUF INODE_STORAGE TASK_STORAGE BLOOM_FILTER USER_RINGBUF", mt, " ")
}
FILENAME == ARGV[1] { type[$1] = $2; feat[$1] = $4; descr[$1] = $5; total++; next }
FILENAME == ARGV[2] { kst[$1] = $2; kcat[$1] = $3; next }
{
	i = $1; bst[i] = $2; bcat[i] = $3; bdet[i] = $4
	tn = (type[i] in pt) ? pt[type[i]] : type[i]; tname[i] = tn
	print i "\t" tn "\t" feat[i] "\t" kst[i] "\t" bst[i] "\t" bcat[i] "\t" bdet[i] "\t" descr[i] > cases
	both[kst[i] "/" bst[i]]++
	if (kst[i] != "OK" || bst[i] == "OK") next
	lost++
	c = bcat[i]; d = bdet[i]
	if (c == "prog_type") d = "BPF_PROG_TYPE_" ((d in pt) ? pt[d] : d)
	if (c == "map_type") d = "BPF_MAP_TYPE_" (((d + 0) in mt) ? mt[d + 0] : d)
	ncat[c]++; key = c SUBSEP d; ndet[key]++
	ptype[c SUBSEP tn]++
}
END {
	printf "\nprivileged cases (#N/p), kernel status / kbpf status:\n"
	for (k in both) printf "  %-10s %5d\n", k, both[k]
	printf "\n%d cases pass on the guest kernel but not on kbpf, by reason:\n", lost
	label["prog_type"] = "SKIP: program type kbpf does not load (libbpf probe fails)"
	label["map_type"] = "SKIP: map type kbpf does not create (libbpf probe fails)"
	label["enotsupp"] = "SKIP: ENOTSUPP (524) from PROG_LOAD"
	label["btf_load"] = "FAIL: BPF_BTF_LOAD refused (case carries BTF)"
	label["map_create"] = "FAIL: a fixup map could not be created"
	label["attach_btf_id"] = "FAIL: no vmlinux BTF id (tracing/LSM attach)"
	label["rejected_valid"] = "FAIL: kbpf rejects a program the kernel accepts (errno: kbpf log, last line)"
	label["accepted_invalid"] = "FAIL: kbpf accepts a program the kernel rejects"
	label["errstr"] = "FAIL: rejected, but the log lacks test_verifier'"'"'s expected substring"
	label["insn_processed"] = "FAIL: different \"processed N insns\" count"
	label["verbose_log"] = "FAIL: VERBOSE_ACCEPT log text differs"
	label["xlated"] = "FAIL: xlated program (OBJ_GET_INFO xlated_prog_insns) differs"
	label["test_run"] = "FAIL: BPF_PROG_TEST_RUN error"
	label["retval"] = "FAIL: BPF_PROG_TEST_RUN returned another retval"
	label["crashed"] = "no result (test_verifier died or timed out)"
	label["other"] = "FAIL: other"
	# categories by count
	nc = 0; for (c in ncat) order[++nc] = c
	for (a = 1; a <= nc; a++) for (b = a + 1; b <= nc; b++)
		if (ncat[order[b]] > ncat[order[a]]) { t = order[a]; order[a] = order[b]; order[b] = t }
	for (a = 1; a <= nc; a++) {
		c = order[a]
		printf "\n  %5d  %s\n", ncat[c], (c in label) ? label[c] : c
		# program types within the category
		s = ""; for (k in ptype) { split(k, kk, SUBSEP); if (kk[1] == c) s = s " " kk[2] "=" ptype[k] }
		if (c != "prog_type") printf "         by prog type:%s\n", s
		m = 0; delete dl
		for (k in ndet) { split(k, kk, SUBSEP); if (kk[1] == c && kk[2] != "") dl[++m] = k }
		for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++)
			if (ndet[dl[y]] > ndet[dl[x]]) { t = dl[x]; dl[x] = dl[y]; dl[y] = t }
		for (x = 1; x <= m && x <= topn; x++) { split(dl[x], kk, SUBSEP); printf "         %4d  %s\n", ndet[dl[x]], kk[2] }
		if (m > topn) printf "         ...   (%d more distinct; see cases.tsv)\n", m - topn
	}
}' "$OUT/casetable.tsv" "$OUT/kernel.cases" "$OUT/kbpf.cases" | tee -a "$OUT/report.txt"
echo "per-case results: $OUT/cases.tsv; full outputs: $OUT/kernel.out, $OUT/kbpf.out (+ .stderr, shim log in kbpf.stderr)" | tee -a "$OUT/report.txt"
# A measurement: the numbers are not judged; only a run without its summary
# line (test_verifier crashed or timed out) is an error.
exit $missing
