#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract what the kernel's own test_verifier needs from Debian's
# linux-source-6.1 into $OUT/src/ (build time only, never committed):
#   tools/testing/selftests/bpf/{test_verifier.c,cap_helpers.[ch],bpf_rand.h,
#     bpf_util.h,test_btf.h,verifier/*.c}
#   tools/include/ (uapi linux/bpf.h etc., linux/filter.h), tools/arch/x86/include/
# and generate verifier/tests.h exactly as the selftests Makefile does (one
# #include per case file, between #ifdef FILL_ARRAY / #endif). Installs the
# package when missing. Idempotent (stamp file).
#
#   selftests/test_verifier/fetch.sh [OUT]     (default OUT: build/test-verifier)

set -euo pipefail
OUT=${1:-build/test-verifier}
PKG=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
TOP=linux-source-6.1
SEL=tools/testing/selftests/bpf

if [ ! -r "$TARBALL" ]; then
	echo "test-verifier: installing $PKG (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq --no-install-recommends "$PKG" >/dev/null 2>&1; then
		apt-get update -qq >/dev/null &&
		apt-get install -y -qq --no-install-recommends "$PKG" >/dev/null ||
			{ echo "test-verifier: apt-get install $PKG failed" >&2; exit 1; }
	fi
	[ -r "$TARBALL" ] || { echo "test-verifier: $TARBALL missing after installing $PKG" >&2; exit 1; }
fi

SRC=$OUT/src
stamp=$SRC/.extracted
if [ -f "$stamp" ] && [ "$stamp" -nt "$TARBALL" ] && [ -f "$SRC/$SEL/verifier/tests.h" ]; then
	exit 0
fi

echo "test-verifier: extracting test_verifier sources from $TARBALL"
rm -rf "$SRC" "$OUT/.tmp"
mkdir -p "$OUT/.tmp"
tar -xJf "$TARBALL" -C "$OUT/.tmp" --wildcards \
	"$TOP/$SEL/test_verifier.c" "$TOP/$SEL/cap_helpers.c" "$TOP/$SEL/cap_helpers.h" \
	"$TOP/$SEL/bpf_rand.h" "$TOP/$SEL/bpf_util.h" "$TOP/$SEL/test_btf.h" \
	"$TOP/$SEL/verifier/*.c" "$TOP/tools/include/*" "$TOP/tools/arch/x86/include/*"
mv "$OUT/.tmp/$TOP" "$SRC"
rm -rf "$OUT/.tmp"

# verifier/tests.h, as the selftests Makefile generates it.
( cd "$SRC/$SEL/verifier"
  echo '/* Generated header, do not edit */'
  echo '#ifdef FILL_ARRAY'
  ls *.c 2>/dev/null | sed -e 's@\(.*\)@#include "\1"@'
  echo '#endif'
) > "$SRC/$SEL/verifier/tests.h"
n=$(ls "$SRC/$SEL/verifier"/*.c | wc -l)
[ "$n" -gt 0 ] || { echo "test-verifier: no case file extracted" >&2; exit 1; }
touch "$stamp"
echo "test-verifier: $n case files"
