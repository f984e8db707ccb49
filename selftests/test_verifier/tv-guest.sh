#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the guest (busybox sh), cwd = the 9p share: run the kernel's
# test_verifier twice, as root: against the guest kernel's bpf(2), then with
# LD_PRELOAD=/tests/libkbpf-preload.so against /dev/kbpf. Each run's stdout
# goes to <name>.out (stderr, libbpf warnings and the shim log, to
# <name>.stderr); the console gets a progress line every 100 cases and the
# summary. Each run is limited to TV_RUN_TIMEOUT seconds (a hang on one side
# must not lose the other side's results).
#
#   tv-guest.sh RUN_TIMEOUT [test_verifier args...]

run_timeout=${1:-1500}
shift
out=$(pwd)

run_one() { # name, then env assignments
	name=$1; shift
	echo "[tv] $name: starting test_verifier $*"
	t0=$(date +%s)
	{
		# From /, and a watchdog holding nothing on the share (busybox
		# timeout would leave a sleeping child with the share open, and
		# the final umount would fail).
		( cd / && exec env "$@" /tests/test_verifier $TV_GUEST_ARGS 2>"$out/$name.stderr" ) &
		pid=$!
		( cd / && sleep "$run_timeout" && kill -9 $pid ) </dev/null >/dev/null 2>&1 &
		wd=$!
		wait $pid
		rc=$?
		kill $wd 2>/dev/null
		echo "[tv-exit] $rc"
	} | awk -v name="$name" -v f="$out/$name.out" '
		{ print > f }
		/^#[0-9]+\/p / { n++; if (n % 100 == 0) { printf "[tv] %s: %d cases\n", name, n; fflush() } }
		/^Summary:/ { printf "[tv] %s: %s\n", name, $0; fflush() }
		/^\[tv-exit\]/ { printf "[tv] %s: exit status %s\n", name, $2; fflush() }
		END { close(f) }'
	t1=$(date +%s)
	echo "[tv] $name: $((t1 - t0)) s"
	echo "$((t1 - t0))" > "$out/$name.seconds"
	sync
}

TV_GUEST_ARGS="$*"
cat /proc/sys/kernel/unprivileged_bpf_disabled > "$out/unprivileged_bpf_disabled" 2>/dev/null
[ -e /sys/kernel/btf/vmlinux ] && echo yes > "$out/vmlinux_btf" || echo no > "$out/vmlinux_btf"
run_one kernel
run_one kbpf LD_PRELOAD=/tests/libkbpf-preload.so KBPF_SHIM_LOG=1
exit 0
