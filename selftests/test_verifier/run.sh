#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of `make test-verifier`: one boot of the harness with the
# test_verifier binary (dynamic: --dynbin brings libbpf, libelf, libz and the
# loader along), the shim and the guest script; outputs come back over 9p in
# $TV_OUT/share/ and are kept in $TV_OUT/ (kernel.out, kbpf.out, *.stderr);
# then report.sh prints both summaries side by side and groups kbpf's
# failures and skips.
#
# Environment: TV_OUT (build/test-verifier), VM_TIMEOUT (1200), TV_ARGS
# (test_verifier arguments), V=1 (full kernel log).

set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
OUT=${TV_OUT:-build/test-verifier}
VM_TIMEOUT=${VM_TIMEOUT:-1200}
TV_ARGS=${TV_ARGS:-}
# Each side gets at most half of the VM's time, minus boot/teardown.
RUN_TIMEOUT=$(( (VM_TIMEOUT - 60) / 2 ))
[ "$RUN_TIMEOUT" -ge 60 ] || RUN_TIMEOUT=60

for f in "$OUT/test_verifier" build/shim/libkbpf-preload.so kbpf.ko; do
	[ -f "$f" ] || { echo "test-verifier: $f missing (make test-verifier builds it)" >&2; exit 1; }
done

share=$OUT/share
rm -rf "$share"
mkdir -p "$share"
rm -f "$OUT"/{kernel,kbpf}.{out,stderr,seconds}

echo "[test-verifier] one boot: test_verifier against the guest kernel, then against kbpf (shim)"
echo "[test-verifier] per-side limit ${RUN_TIMEOUT}s, VM limit ${VM_TIMEOUT}s; progress every 100 cases"
set +e
selftests/qemu/run-vm.sh --timeout "$VM_TIMEOUT" --log "$OUT/console.log" \
	$([ "${V:-0}" = 1 ] && echo --verbose) \
	--dynbin "$OUT/test_verifier" --dynbin build/shim/libkbpf-preload.so \
	--bin selftests/test_verifier/tv-guest.sh --share "$share" \
	-- "tv-guest.sh $RUN_TIMEOUT $TV_ARGS"
vmstatus=$?
set -e

for f in kernel.out kbpf.out kernel.stderr kbpf.stderr kernel.seconds kbpf.seconds \
	 unprivileged_bpf_disabled vmlinux_btf; do
	[ -f "$share/$f" ] && cp "$share/$f" "$OUT/$f"
done
echo
selftests/test_verifier/report.sh "$OUT"
rstatus=$?
if [ $vmstatus -ne 0 ]; then
	echo "test-verifier: the VM run failed (status $vmstatus; console: $OUT/console.log)" >&2
	exit $vmstatus
fi
exit $rstatus
