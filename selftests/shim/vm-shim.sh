#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-VM test of the LD_PRELOAD shim (busybox sh, runs in the guest):
#
#   vm-shim.sh [OUTDIR]
#
# Runs the unmodified libbpf loader (/tests/kbpf-libbpf-loader) twice: on the
# guest kernel's bpf(2) (pinning on bpffs, /sys/fs/bpf), and with
# LD_PRELOAD=/tests/libkbpf-preload.so against /dev/kbpf (pinning on kbpffs,
# /sys/fs/kbpf). Every "R <step> <result>" line must be the same in both runs
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

"$L" /sys/fs/bpf > "$out/shim-kernel.txt" 2> "$out/shim-kernel.err"
krc=$?
KBPF_SHIM_LOG=1 LD_PRELOAD=$SHIM "$L" /sys/fs/kbpf > "$out/shim-kbpf.txt" 2> "$out/shim-kbpf.err"
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

# bpftool (Debian's 7.1, unmodified; libbpf inside it calls glibc's syscall())
# pinning on each side's filesystem: "R bpftool_<step> <result>" lines, ids
# and times left out, appended to the loader's outputs and compared with them.
# bpftool statfs()es the pin directory and wants BPF_FS_MAGIC, which kbpffs
# reports.
bpftool_pins() {
	dir=$1
	if [ -n "$2" ]; then pre=$SHIM log=1; else pre= log=; fi
	b() { KBPF_SHIM_LOG=$log LD_PRELOAD=$pre bpftool "$@"; }
	b map create "$dir/bt_m" type array key 4 value 8 entries 4 name bt_m >/dev/null
	echo "R bpftool_map_create_pinned rc=$?"
	b map update pinned "$dir/bt_m" key 1 0 0 0 value 7 0 0 0 0 0 0 0 >/dev/null
	echo "R bpftool_map_update_pinned rc=$?"
	echo "R bpftool_map_lookup_pinned $(b map lookup pinned "$dir/bt_m" key 1 0 0 0 | tr '\n' ' ')"
	id=$(b -j map show pinned "$dir/bt_m" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
	b map pin id "$id" "$dir/bt_m2" >/dev/null
	echo "R bpftool_map_pin_id rc=$?"
	echo "R bpftool_map_show_pinned $(b -j map show pinned "$dir/bt_m2" | sed 's/"id":[0-9]*,//')"
	echo "R bpftool_map_dump_pinned $(b map dump pinned "$dir/bt_m2" | tr '\n' ' ')"
	b map pin id "$id" "$dir/bt_m2" >/dev/null
	echo "R bpftool_map_pin_exists rc=$?"
	b prog load /tmp/kbpf-shim-obj.o "$dir/bt_p" type socket >/dev/null
	echo "R bpftool_prog_load_pinned rc=$?"
	echo "R bpftool_prog_show_pinned $(b -j prog show pinned "$dir/bt_p" |
		grep -o '"\(type\|name\|tag\|gpl_compatible\)":[^,]*' | tr '\n' ' ')"
	head -c 64 /dev/zero > /tmp/kbpf-shim-pkt
	echo "R bpftool_prog_run_pinned $(b prog run pinned "$dir/bt_p" data_in /tmp/kbpf-shim-pkt |
		grep -o 'Return value: [0-9]*')"
	echo "R bpftool_ls_pins $(ls "$dir" | tr '\n' ' ')"
	rm -f "$dir/bt_m" "$dir/bt_m2" "$dir/bt_p"
	echo "R bpftool_unpinned rc=$? left=$(ls "$dir" | grep -c '^bt_')"
}
if "$L" --write-elf /tmp/kbpf-shim-obj.o; then
	bpftool_pins /sys/fs/bpf >> "$out/shim-kernel.txt" 2>> "$out/shim-kernel.err"
	bpftool_pins /sys/fs/kbpf shim >> "$out/shim-kbpf.txt" 2>> "$out/shim-kbpf.err"
else
	fail bpftool_elf "cannot write the BPF object"
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
