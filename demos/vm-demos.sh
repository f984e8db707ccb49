#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo programs in the guest (busybox sh):
#
#   vm-demos.sh [OUTDIR [FILTER]]
#
# Runs each demo loader on the guest kernel's own bpf(2) (where the kernel
# has the program type) and under the LD_PRELOAD shim against /dev/kbpf.
# Each loader prints its demo output, its own assertions as PASS:/FAIL: lines
# and "R <key> <value>" results; for demos that run on both backends, every
# R line must be the same in both runs ("PASS: demo_<name>_agree"). Loader
# stderr (libbpf warnings, the shim log) is kept in OUTDIR (default /tmp).
# FILTER (comma-separated, like `make check T=`) runs only the demos whose
# test names it can select: an item that contains demo_<name> or is part of
# it ("demo_nf", "demo_vfsread_agree"). Exit status 1 if any FAIL.

out=${1:-/tmp}
filter=${2:-}
SHIM=/tests/libkbpf-preload.so
fails=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 ($2)"; fails=$((fails + 1)); }

# run <demo> <label> <cmd...>: run a loader, print its output, count FAILs.
run() {
	name=$1 label=$2
	shift 2
	echo "---- $name on $label ----"
	"$@" -l "$label" > "$out/$name-$label.txt" 2> "$out/$name-$label.err"
	rc=$?
	grep -v '^R ' "$out/$name-$label.txt"
	fails=$((fails + $(grep -c '^FAIL: ' "$out/$name-$label.txt")))
	if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' "$out/$name-$label.txt"; then
		fail "demo_${name}_exit_$label" "status $rc: $(tail -n 3 "$out/$name-$label.err" | tr '\n' ' ')"
	elif [ $rc -ne 0 ]; then
		echo "# $name on $label: stderr ends with:"
		tail -n 5 "$out/$name-$label.err" | sed 's/^/#   /'
	fi
}

# agree <demo>: the R lines of the kernel and kbpf runs are identical.
agree() {
	grep '^R ' "$out/$1-kernel.txt" > "$out/$1-kernel.r"
	grep '^R ' "$out/$1-kbpf.txt" > "$out/$1-kbpf.r"
	if [ ! -s "$out/$1-kernel.r" ]; then
		fail "demo_$1_agree" "no results from the kernel run"
	elif cmp -s "$out/$1-kernel.r" "$out/$1-kbpf.r"; then
		pass "demo_$1_agree"
	else
		fail "demo_$1_agree" "kbpf: $(tr '\n' ' ' < "$out/$1-kbpf.r"); kernel: $(tr '\n' ' ' < "$out/$1-kernel.r")"
	fi
}

# via_kbpf <demo>: the kbpf run really went through /dev/kbpf: the shim log
# shows a successful attach (libbpf's feature probes load programs too).
via_kbpf() {
	if grep -Eq '^kbpf-shim: bpf\((BPF_LINK_CREATE|BPF_RAW_TRACEPOINT_OPEN), size=[0-9]*\) = [0-9]' \
			"$out/$1-kbpf.err"; then
		pass "demo_$1_via_kbpf"
	else
		fail "demo_$1_via_kbpf" "no successful LINK_CREATE/RAW_TRACEPOINT_OPEN in the shim log"
	fi
}

# kbpf <demo> <loader args...>: under the shim only.
kbpf() {
	name=$1
	shift
	run "$name" kbpf env KBPF_SHIM_LOG=1 LD_PRELOAD=$SHIM "$@"
	via_kbpf "$name"
}

# wanted <demo>: selected by the filter.
selected=0
wanted() {
	selected=$((selected + 1))
	[ -n "$filter" ] || return 0
	for item in $(echo "$filter" | tr ',' ' '); do
		item=$(echo "$item" | tr -d '*?')
		case "demo_$1" in *"$item"*) return 0 ;; esac
		case "$item" in *"demo_$1"*) return 0 ;; esac
	done
	selected=$((selected - 1))
	return 1
}

# both <demo> <loader args...>: kernel first (the oracle), then kbpf.
both() {
	name=$1
	shift
	run "$name" kernel "$@"
	kbpf "$name" "$@"
	agree "$name"
}

if wanted syscount; then
	both syscount /tests/demo-syscount
fi
if wanted vfsread; then
	# The guest kernel's kprobe_multi needs CONFIG_FPROBE (not in Debian's
	# 6.1): its run uses libbpf's perf kprobe on the same function (-p).
	run vfsread kernel /tests/demo-vfsread -p
	kbpf vfsread /tests/demo-vfsread
	agree vfsread
fi
if wanted execsnoop; then
	both execsnoop /tests/demo-execsnoop
fi
if wanted nf_firewall; then
	# Linux 6.1 has no netfilter program type: kbpf only, the packets decide.
	kbpf nf_firewall /tests/demo-nf_firewall
fi

[ $selected -gt 0 ] || fail filter "no demo matches '$filter'"
[ $fails -eq 0 ]
