#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the kbpf debug guest kernel: Debian's linux-source-6.1,
# `make x86_64_defconfig` + selftests/debug/debug.config (KASAN, kmemleak,
# lockdep, fault injection, ...): bzImage, the few =m modules (for
# Module.symvers) and modules_prepare, in-tree.
#
# Cache key: sha256 of debug.config, KEY_REV below (bump it when this script
# changes how the tree is built), the linux-source-6.1 package version and the
# gcc version (first 16 hex digits). Locations:
#   build/debug-kernel/<key>/linux/          the built tree (make -C ... M=)
#   build/debug-kernel/<key>/bzImage         the guest kernel
#   ${KBPF_CACHE:-/var/cache/kbpf}/debug-kernel/<key>/   machine-level copy
# A tree is valid only with its DONE stamp. Lookup order: build/, then the
# machine cache (hard-linked into build/, or copied across filesystems), then
# a cold build, published to the machine cache when it is writable.
#
# usage: build-kernel.sh [--print-dir | --print-key]
#   (no option)   build or reuse; last line of stdout is the tree's path
#   --print-key   print the cache key and exit
#   --print-dir   print build/debug-kernel/<key> and exit (no build)
#
# Environment: KBPF_CACHE (machine cache root), KBPF_DEBUG_JOBS (default 2),
# KBPF_DEBUG_VERBOSE=1 (stream the kernel build output instead of a progress
# line per minute).

set -euo pipefail

SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF_DIR/../.." && pwd)
FRAGMENT=$SELF_DIR/debug.config
SRC_TAR=/usr/src/linux-source-6.1.tar.xz
CACHE_ROOT=${KBPF_CACHE:-/var/cache/kbpf}/debug-kernel
JOBS=${KBPF_DEBUG_JOBS:-2}
KEY_REV=1

stage() { echo "[debug-kernel] $*" >&2; }
die() { echo "[debug-kernel] error: $*" >&2; exit 1; }

ensure_pkgs() {
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	stage "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		die "apt-get install$missing failed"
}

ensure_pkgs linux-source-6.1 flex bison bc libelf-dev libssl-dev xz-utils gcc make
[ -r "$SRC_TAR" ] || die "$SRC_TAR missing (package linux-source-6.1)"

src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { cat "$FRAGMENT"; echo "rev $KEY_REV linux-source-6.1 $src_ver"; gcc --version | head -1; } |
	sha256sum | cut -c1-16)
out=$ROOT/build/debug-kernel/$key
cache=$CACHE_ROOT/$key

case "${1:-}" in
--print-key) echo "$key"; exit 0 ;;
--print-dir) echo "$out"; exit 0 ;;
"") ;;
*) die "unknown option $1" ;;
esac

# Serialise builds of the same key (two make check-debug at once).
mkdir -p "$ROOT/build/debug-kernel"
exec 9> "$ROOT/build/debug-kernel/.lock-$key"
flock 9

if [ -f "$out/DONE" ]; then
	stage "reusing $out (key $key, linux-source-6.1 $src_ver)"
	echo "$out"; exit 0
fi
if [ -f "$cache/DONE" ]; then
	stage "reusing the machine cache $cache"
	rm -rf "$out.tmp"
	cp -al "$cache" "$out.tmp" 2>/dev/null || { rm -rf "$out.tmp"; cp -a "$cache" "$out.tmp"; }
	rm -rf "$out"; mv "$out.tmp" "$out"
	echo "$out"; exit 0
fi

# ---- cold build ----------------------------------------------------------------
start=$(date +%s)
ktree=$out/linux
# The newest finished tree of another key (an older fragment), same source
# version: copied (not linked: make rewrites its files) and reconfigured, make
# then recompiles only what the changed options touch. KBPF_DEBUG_SEED=0: cold.
seed=""
if [ "${KBPF_DEBUG_SEED:-1}" = 1 ]; then
	# Newest first.
	for d in $(ls -td "$ROOT"/build/debug-kernel/*/DONE "$CACHE_ROOT"/*/DONE 2>/dev/null); do
		d=$(dirname "$d")
		[ -d "$d/linux" ] && [ "$d" != "$out" ] &&
			grep -qx "source=linux-source-6.1 $src_ver" "$d/INFO" 2>/dev/null && { seed=$d; break; }
	done
fi
if [ -f "$out/config" ] && [ -f "$ktree/.config" ] && cmp -s "$out/config" "$ktree/.config"; then
	# An interrupted build of the same key: make picks up where it stopped.
	stage "resuming the interrupted build in $ktree"
	resume=1
elif [ -n "$seed" ]; then
	resume=0
	rm -rf "$out"
	mkdir -p "$out"
	stage "key $key: seeding from $seed (incremental build; KBPF_DEBUG_SEED=0 for a cold one)"
	cp -a "$seed/linux" "$ktree"
else
	resume=0
	rm -rf "$out"
	mkdir -p "$out"
	stage "cold build, key $key: extracting $SRC_TAR into $ktree"
	tar -C "$out" -xf "$SRC_TAR"
	mv "$out/linux-source-6.1" "$ktree"
fi
cd "$ktree"

if [ $resume -eq 0 ]; then
stage "configuring: x86_64_defconfig + $(basename "$FRAGMENT")"
make -s x86_64_defconfig > "$out/config.log" 2>&1
scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" >> "$out/config.log" 2>&1
make -s olddefconfig >> "$out/config.log" 2>&1
fi
# Every option the fragment sets must have survived Kconfig.
bad=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" .config || { stage "config: '$line' did not stick (got: $(grep "^${line%%=*}=" .config || echo 'not set'))"; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		if grep -q "^$opt=" .config; then stage "config: '$opt' should be off (got: $(grep "^$opt=" .config))"; bad=1; fi ;;
	esac
done < "$FRAGMENT"
[ $bad -eq 0 ] || die "configuration does not match $FRAGMENT (see $out/config.log)"
cp .config "$out/config"

build_log=$out/build.log
stage "building bzImage + modules (Module.symvers) with nice -n 19 make -j$JOBS (log: $build_log)"
set +e
if [ "${KBPF_DEBUG_VERBOSE:-0}" = 1 ]; then
	nice -n 19 make -j"$JOBS" bzImage modules 2>&1 | tee -a "$build_log"
	bstatus=${PIPESTATUS[0]}
else
	nice -n 19 make -j"$JOBS" bzImage modules >> "$build_log" 2>&1 &
	bpid=$!
	while kill -0 $bpid 2>/dev/null; do
		for _ in $(seq 60); do kill -0 $bpid 2>/dev/null || break; sleep 1; done
		kill -0 $bpid 2>/dev/null || break
		n=$(grep -c '^  CC ' "$build_log" || true)
		last=$(grep -E '^  (CC|LD|AR|AS) ' "$build_log" | tail -1 | sed 's/^ *//')
		stage "$(( ($(date +%s) - start) / 60 )) min: $n files compiled, last: $last"
	done
	wait $bpid
	bstatus=$?
fi
set -e
if [ $bstatus -ne 0 ]; then
	grep -E 'error|Error' "$build_log" | head -30 >&2 || true
	tail -n 30 "$build_log" >&2
	die "kernel build failed (status $bstatus, log $build_log)"
fi
stage "make modules_prepare"
nice -n 19 make -j"$JOBS" modules_prepare >> "$build_log" 2>&1 || die "modules_prepare failed (log $build_log)"
[ -f Module.symvers ] || die "Module.symvers missing after the build"
cp arch/x86/boot/bzImage "$out/bzImage"
krel=$(make -s kernelrelease)
secs=$(( $(date +%s) - start ))
cat > "$out/INFO" <<EOF
key=$key
source=linux-source-6.1 $src_ver
kernelrelease=$krel
built=$(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)
build_seconds=$secs$( [ $resume -eq 1 ] && echo " (resumed build: this run only)")$( [ -n "$seed" ] && echo " (incremental, seeded from $(basename "$seed"))")
files_compiled=$(grep -c '^  CC ' "$build_log" || true)
EOF
touch "$out/DONE"
stage "built $krel in $((secs / 60)) min $((secs % 60)) s"

# Publish to the machine-level cache (hard links when on the same filesystem).
if mkdir -p "$CACHE_ROOT" 2>/dev/null && [ -w "$CACHE_ROOT" ]; then
	rm -rf "$cache.tmp"
	if cp -al "$out" "$cache.tmp" 2>/dev/null || { rm -rf "$cache.tmp"; cp -a "$out" "$cache.tmp"; }; then
		rm -rf "$cache"; mv "$cache.tmp" "$cache"
		stage "published to $cache"
	else
		stage "warning: could not copy to $cache"
	fi
else
	stage "warning: $CACHE_ROOT not writable; machine-level cache skipped"
fi
echo "$out"
