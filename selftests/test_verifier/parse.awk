# SPDX-License-Identifier: GPL-2.0
#
# test_verifier output (stdout) -> one line per privileged case ("#N/p"):
#   index<TAB>status<TAB>category<TAB>detail
# status: OK, SKIP or FAIL. category/detail say why (see report.sh). The
# detail of a failed load is the last line of the verifier log that is not a
# statistics line, with numbers replaced by N so that messages group.
# Unprivileged ("#N/u") records are ignored (run as root with
# kernel.unprivileged_bpf_disabled set, they are all SKIP).

function norm(s) {
	gsub(/\t/, " ", s)
	gsub(/-?(0x)?[0-9][0-9a-fA-Fx]*/, "N", s)
	gsub(/  +/, " ", s)
	sub(/^ +/, "", s); sub(/ +$/, "", s)
	if (length(s) > 90) s = substr(s, 1, 90) "..."
	return s
}
function lastmsg(   i, l) {
	for (i = n; i >= 2; i--) {
		l = rec[i]
		if (l ~ /^Failed to load prog/ || l ~ /^FAIL/ || l ~ /^Unexpected error message/ ||
		    l ~ /^\tEXP: /)
			break
		sub(/^\tRES: /, "", l)
		if (l ~ /^[ \t]*$/ || l ~ /^verification time/ || l ~ /^stack depth/ ||
		    l ~ /^processed [0-9]+ insns/ || l ~ /^\[tv-exit\]/)
			continue
		return norm(l)
	}
	return "(empty log)"
}
function flush(   all, i, st, cat, det, m) {
	if (!inrec) return
	all = ""
	for (i = 1; i <= n; i++) all = all "\n" rec[i]
	st = "FAIL"; cat = "other"; det = ""
	if (rec[1] ~ / OK( \(|,|$)/ || rec[1] ~ /[0-9]+ cases OK/) {
		st = "OK"; cat = "-"
	} else if (all ~ /SKIP \(unsupported program type/) {
		st = "SKIP"; cat = "prog_type"; det = all; sub(/.*unsupported program type /, "", det); sub(/\).*/, "", det)
	} else if (all ~ /SKIP \(unsupported map type/) {
		st = "SKIP"; cat = "map_type"; det = all; sub(/.*unsupported map type /, "", det); sub(/\).*/, "", det)
	} else if (all ~ /SKIP \(program uses an unsupported feature/) {
		st = "SKIP"; cat = "enotsupp"
	} else if (rec[1] ~ / SKIP$/) {
		st = "SKIP"; cat = "skip"
	} else if (index(all, "Failed to load BTF spec")) {
		cat = "btf_load"; m = all; sub(/.*Failed to load BTF spec: /, "", m); sub(/\n.*/, "", m); det = m
	} else if (index(all, "Failed to create")) {
		cat = "map_create"; m = all; sub(/.*Failed to create /, "", m); sub(/\n.*/, "", m); det = norm(m)
	} else if (index(all, "Failed to find BTF ID")) {
		cat = "attach_btf_id"
	} else if (index(all, "Failed to load prog")) {
		m = all; sub(/.*Failed to load prog '/, "", m); sub(/'.*/, "", m)
		cat = "rejected_valid"; det = m ": " lastmsg()
	} else if (index(all, "Unexpected success to load")) {
		cat = "accepted_invalid"
	} else if (index(all, "Unexpected error message")) {
		cat = "errstr"; m = all; sub(/.*\tEXP: /, "", m); sub(/\n.*/, "", m)
		det = "EXP \"" norm(m) "\" GOT \"" lastmsg() "\""
	} else if (index(all, "Unexpected insn_processed")) {
		cat = "insn_processed"
	} else if (index(all, "Unexpected verifier log")) {
		cat = "verbose_log"
	} else if (index(all, "xlated") || index(all, "subsequence of instructions")) {
		cat = "xlated"; m = all; sub(/.*FAIL: /, "", m); sub(/\n.*/, "", m); det = m
	} else if (index(all, "Unexpected bpf_prog_test_run error")) {
		cat = "test_run"; m = all; sub(/.*test_run error \(/, "", m); sub(/\).*/, "", m); det = m
	} else if (index(all, "FAIL retval")) {
		cat = "retval"
	} else if (index(all, "[tv-exit]") || n == 1) {
		cat = "crashed"; det = "no result (test_verifier died or was killed here)"
	}
	gsub(/\t/, " ", det)
	print idx "\t" st "\t" cat "\t" det
	inrec = 0
}
/^#[0-9]+\/[pu] / {
	flush()
	if ($0 ~ /^#[0-9]+\/u /) { inrec = 0; skipu = 1; next }
	skipu = 0
	idx = substr($1, 2); sub(/\/p$/, "", idx)
	n = 1; rec[1] = $0; inrec = 1
	next
}
/^Summary:/ { flush(); next }
{ if (inrec) rec[++n] = $0 }
END { flush() }
