#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build kbpf.ko against another kernel tree without touching the top-level
# build products (./kbpf.ko and the .o files next to the sources belong to
# `make module` for the reference kernel): the module's sources (Kbuild,
# kmod/ maps/ helpers/ verifier/ jit/ include/ uapi/) are mirrored into OUTDIR
# and built there with `make -C KDIR M=OUTDIR modules`.
#
# usage: build-module.sh KDIR OUTDIR     -> OUTDIR/kbpf.ko
# Environment: KBPF_MODULE_FLAGS (extra make arguments, e.g. W=1).
# Always KBPF_KCOV=1: the objects carry KCOV instrumentation (Kbuild), which
# the ioctl fuzzer's coverage guidance reads (selftests/fuzz/kcov.c).
# Warnings are not errors (KCFLAGS=-Wno-error): x86_64_defconfig sets
# CONFIG_WERROR, Debian's kernel (the reference build) does not, and KASAN's
# stack instrumentation makes frames larger than FRAME_WARN=2048 likelier.

set -euo pipefail

SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF_DIR/../.." && pwd)
kdir=${1:?usage: build-module.sh KDIR OUTDIR}
out=${2:?usage: build-module.sh KDIR OUTDIR}

[ -f "$kdir/Module.symvers" ] || { echo "build-module: $kdir is not a prepared kernel tree" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Mirror the sources; keep previous objects so rebuilds are incremental
# (make compares timestamps; cp -p keeps the sources' mtimes).
for d in kmod maps helpers verifier jit include uapi; do
	[ -d "$ROOT/$d" ] || continue
	mkdir -p "$out/$d"
	# Drop sources that disappeared upstream, with their objects.
	for f in "$out/$d"/*.[ch]; do
		[ -e "$f" ] || continue
		[ -e "$ROOT/$d/$(basename "$f")" ] || rm -f "$f" "${f%.c}.o"
	done
	find "$ROOT/$d" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) -print0 |
		while IFS= read -r -d '' f; do
			cmp -s "$f" "$out/$d/$(basename "$f")" || cp -p "$f" "$out/$d/"
		done
done
cmp -s "$ROOT/Kbuild" "$out/Kbuild" || cp -p "$ROOT/Kbuild" "$out/Kbuild"
make -C "$kdir" M="$out" KCFLAGS=-Wno-error KBPF_KCOV=1 ${KBPF_MODULE_FLAGS:-} modules
test -f "$out/kbpf.ko"
