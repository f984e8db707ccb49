#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-VM test of the LD_PRELOAD shim (busybox sh, runs in the guest):
#
#   vm-shim.sh [OUTDIR]
#
# Runs the unmodified libbpf loader (/tests/kbpf-libbpf-loader) twice: on the
# guest kernel's bpf(2), and with LD_PRELOAD=/tests/libkbpf-preload.so against
# /dev/kbpf. Every "R <step> <result>" line must be the same in both runs
# ("PASS: shim_vm_<step>"). The "P" lines (libbpf's feature probes) are
# reported as "# probe ..." where the two differ; they are not pass/fail,
# except that the loader must survive them. Outputs and the shim's call log
# are left in OUTDIR (default /tmp). Exit status 1 if any FAIL.

out=${1:-/tmp}
L=/tests/kbpf-libbpf-loader
SHIM=/tests/libkbpf-preload.so
fails=0

pass() { echo "PASS: shim_vm_$1"; }
fail() { echo "FAIL: shim_vm_$1 ($2)"; fails=$((fails + 1)); }

"$L" > "$out/shim-kernel.txt" 2> "$out/shim-kernel.err"
krc=$?
KBPF_SHIM_LOG=1 LD_PRELOAD=$SHIM "$L" > "$out/shim-kbpf.txt" 2> "$out/shim-kbpf.err"
brc=$?

if [ $krc -eq 0 ]; then pass loader_kernel_exit; else fail loader_kernel_exit "status $krc"; fi
if [ $brc -eq 0 ]; then pass loader_shim_exit; else fail loader_shim_exit "status $brc: $(tail -n 3 "$out/shim-kbpf.err" | tr '\n' ' ')"; fi

# The shim run really went through /dev/kbpf: its log shows successful
# BPF_MAP_CREATE and BPF_PROG_LOAD calls.
if grep -q '^kbpf-shim: bpf(BPF_MAP_CREATE, size=[0-9]*) = [0-9]' "$out/shim-kbpf.err" &&
   grep -q '^kbpf-shim: bpf(BPF_PROG_LOAD, size=[0-9]*) = [0-9]' "$out/shim-kbpf.err"; then
	pass via_device
else
	fail via_device "no successful MAP_CREATE/PROG_LOAD in the shim log"
fi

# No device: the shim returns the open's errno and never falls back to bpf(2).
KBPF_DEVICE=/nonexistent/kbpf LD_PRELOAD=$SHIM "$L" > "$out/shim-nodev.txt" 2>/dev/null
first=$(sed -n 1p "$out/shim-nodev.txt")
if [ "$first" = "R map_create_hash -ENOENT" ]; then
	pass no_device_enoent
else
	fail no_device_enoent "first line: $first"
fi

# Step by step comparison (a step seen n > 1 times is named <step>.<n>).
awk '
	function key(step) { n[FILENAME, step]++; return n[FILENAME, step] > 1 ? step "." n[FILENAME, step] : step }
	$1 != "R" { next }
	{ k = key($2); v = $0; sub(/^R [^ ]* ?/, "", v) }
	FILENAME == ARGV[1] { kern[k] = v; order[++cnt] = k; next }
	{ kb[k] = v; if (!(k in kern)) { order[++cnt] = k; kern[k] = "(missing)" } }
	END {
		for (i = 1; i <= cnt; i++) {
			k = order[i]
			b = (k in kb) ? kb[k] : "(missing)"
			if (b == kern[k]) print "PASS: shim_vm_" k
			else print "FAIL: shim_vm_" k " (kbpf: " b "; kernel: " kern[k] ")"
		}
	}' "$out/shim-kernel.txt" "$out/shim-kbpf.txt" > "$out/shim-compare.txt"
cat "$out/shim-compare.txt"
fails=$((fails + $(grep -c '^FAIL: ' "$out/shim-compare.txt")))

# Feature probes: report differences (kbpf implements few types so far).
awk '$1 == "P" { v = $NF; $NF = ""; if (FILENAME == ARGV[1]) k[$0] = v; else if (k[$0] != v) print "# probe " $0 "kbpf " v ", kernel " k[$0] }' \
	"$out/shim-kernel.txt" "$out/shim-kbpf.txt"
echo "# shim log: $(grep -c '^kbpf-shim: ' "$out/shim-kbpf.err") bpf calls, failed ones by command and errno:"
sed -n 's/^kbpf-shim: bpf(\([A-Z_0-9 a-z]*\), size=[0-9]*) = -1 \([A-Z0-9]*\).*/\1 \2/p' "$out/shim-kbpf.err" |
	sort | uniq -c | sed 's/^/#   /'

[ $fails -eq 0 ]
