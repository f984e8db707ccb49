#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the reference kernel (Debian's 6.1) under QEMU/TCG with a busybox
# initramfs, load kbpf.ko, run one command in the guest and exit with its
# status. Modelled on WireGuard's tools/testing/selftests/wireguard/qemu/.
#
# The guest init (selftests/qemu/init) writes "KBPF_VM_EXIT=<status>" to the
# SECOND serial port (guest /dev/ttyS1) only after the command has finished.
# The host decides only from that marker: a panic, an oops (oops=panic), a
# WARN (panic_on_warn=1), a hang (timeout) or a failed setup leaves no marker
# and is reported as a failure, never as a pass.
#
# usage: run-vm.sh [options] [--] [CMD]
#   --kernel FILE     guest kernel (default: /boot/vmlinuz-$KVER)
#   --kver VER        kernel version (default: newest /usr/src/linux-headers-*-amd64)
#   --module FILE     kbpf.ko to insmod at boot (default: ./kbpf.ko)
#   --no-module       boot without kbpf.ko
#   --bin FILE        copy FILE into the guest's /tests/ (repeatable)
#   --dynbin FILE     copy a dynamically linked FILE (program or shared
#                     library) into /tests/, and every library `ldd FILE`
#                     names (the dynamic loader included) at its host path
#                     (repeatable)
#   --share DIR       export host DIR to the guest at /mnt/share (9p, read-write)
#   --timeout SEC     kill QEMU after SEC seconds (default: 600)
#   --log FILE        guest console log (default: build/vm/console.log)
#   --quiet           don't stream the console; print progress lines, PASS/FAIL
#                     lines and the whole log on failure
#   --interactive     shell on the serial console (no CMD); exit with Ctrl-D
#   --verbose         full kernel log level on the console (loglevel=8)
#   --no-kmods        copy no modules from /lib/modules/$KVER: the guest kernel
#                     (--kernel) has virtio-pci/9p built in (the debug kernel)
#   --mem SIZE        guest RAM (QEMU -m; default 1G)
#   --smp N           guest vCPUs (QEMU -smp; default 2)
#   --cpu MODEL       QEMU -cpu (default max; TCG either way)
#   --append ARGS     extra kernel command line arguments
#   CMD               run in the guest with sh -c (cwd /mnt/share if --share)
#
# Exit status: CMD's status; 124 if QEMU timed out; 125 if the guest ended
# without the marker (panic, oops, WARN, setup failure, QEMU error).

set -euo pipefail

SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELF_DIR/../.." && pwd)
LOCK=/tmp/kbpf-qemu.lock
LOCK_WAIT=${KBPF_LOCK_WAIT:-1800}	# seconds to wait for another engineer's VM

kver=""
kernel=""
module="$ROOT/kbpf.ko"
use_module=1
bins=()
dynbins=()
share=""
vm_timeout=600
log="$ROOT/build/vm/console.log"
quiet=0
interactive=0
loglevel=4
cmd=""
use_kmods=1
mem=1G
cpu=max
smp=2
append_extra=""

die() { echo "run-vm: error: $*" >&2; exit 125; }
stage() { echo "[vm] $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--module) module=$2; shift 2 ;;
	--no-module) use_module=0; shift ;;
	--bin) bins+=("$2"); shift 2 ;;
	--dynbin) dynbins+=("$2"); shift 2 ;;
	--share) share=$2; shift 2 ;;
	--timeout) vm_timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--interactive) interactive=1; shift ;;
	--verbose) loglevel=8; shift ;;
	--no-kmods) use_kmods=0; shift ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--append) append_extra=" $2"; shift 2 ;;
	--) shift; cmd="$*"; break ;;
	-*) die "unknown option $1" ;;
	*) cmd="$*"; break ;;
	esac
done

[ -n "$cmd" ] || [ $interactive -eq 1 ] || die "no command given (use --interactive for a shell)"
[[ "$smp" =~ ^[1-9][0-9]*$ ]] || die "--smp wants a vCPU count, got '$smp'"

if [ -z "$kver" ]; then
	hdr=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
	[ -n "$hdr" ] || die "no /usr/src/linux-headers-*-amd64 (run: make deps)"
	kver=${hdr#/usr/src/linux-headers-}
fi
[ -n "$kernel" ] || kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || die "guest kernel $kernel missing (linux-image for $kver; run: make deps)"
moddir=/lib/modules/$kver
[ -d "$moddir" ] || die "$moddir missing (linux-image for $kver not installed)"
if [ $use_module -eq 1 ]; then
	[ -f "$module" ] || die "$module not built (run: make module)"
fi
if [ -n "$share" ]; then
	[ -d "$share" ] || die "share directory $share does not exist"
	share=$(cd "$share" && pwd)
fi
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || busybox=/bin/busybox
[ -x "$busybox" ] || die "static busybox missing (package busybox-static)"

mkdir -p "$(dirname "$log")"
work=$(mktemp -d /tmp/kbpf-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
marker=$work/marker

# ---- initramfs -------------------------------------------------------------
stage "building initramfs (kernel $kver)"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,mnt/share,root,tests,lib/kbpf-mods}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
cp "$SELF_DIR/init" "$root/init"
chmod 755 "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh" >> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

# Copy one kernel module (decompressing if needed) into the initramfs.
copy_mod() { # path -> echoes guest file name
	local src=$1 base
	base=$(basename "$src")
	case "$src" in
	*.ko) cp "$src" "$root/lib/kbpf-mods/$base" ;;
	*.ko.xz) base=${base%.xz}; xz -dc "$src" > "$root/lib/kbpf-mods/$base" ;;
	*.ko.zst) base=${base%.zst}; zstd -qdc "$src" > "$root/lib/kbpf-mods/$base" ;;
	*.ko.gz) base=${base%.gz}; gzip -dc "$src" > "$root/lib/kbpf-mods/$base" ;;
	*) die "unknown module format: $src" ;;
	esac
}

# Resolve dependencies depth-first so every module follows its dependencies.
declare -A seen=()
order=()
add_mod() {
	local name=$1 dep deps path
	name=${name//-/_}
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	path=$(modinfo -k "$kver" -n "$name" 2>/dev/null) || die "module $name not found for $kver"
	case "$path" in
	(builtin|"") return 0 ;;
	esac
	deps=$(modinfo -k "$kver" -F depends "$name")
	for dep in ${deps//,/ }; do add_mod "$dep"; done
	order+=("$path")
}
if [ -n "$share" ] && [ $use_kmods -eq 1 ]; then
	for m in virtio_pci 9pnet_virtio 9p; do add_mod "$m"; done
fi
: > "$root/etc/kbpf-mods"
for path in ${order[@]+"${order[@]}"}; do
	copy_mod "$path"
	b=$(basename "$path"); echo "${b%%.ko*}.ko" >> "$root/etc/kbpf-mods"
done
if [ $use_module -eq 1 ]; then
	# kbpf.ko's own dependencies (if any) come from the reference kernel.
	[ $use_kmods -eq 1 ] || [ -z "$(modinfo -F depends "$module")" ] ||
		die "$module depends on $(modinfo -F depends "$module") (not available with --no-kmods)"
	for dep in $(modinfo -F depends "$module" | tr ',' ' '); do
		add_mod "$dep"
	done
	for path in ${order[@]+"${order[@]}"}; do
		b=$(basename "$path"); b="${b%%.ko*}.ko"
		grep -qx "$b" "$root/etc/kbpf-mods" || { copy_mod "$path"; echo "$b" >> "$root/etc/kbpf-mods"; }
	done
	cp "$module" "$root/kbpf.ko"
fi
for b in ${bins[@]+"${bins[@]}"}; do
	[ -f "$b" ] || die "binary $b not built"
	cp "$b" "$root/tests/"
done
# Dynamically linked files: the file itself into /tests/, and the libraries
# ldd resolves (plus the dynamic loader) at the same paths as on the host.
for b in ${dynbins[@]+"${dynbins[@]}"}; do
	[ -f "$b" ] || die "binary $b not built"
	cp "$b" "$root/tests/"
	libs=$(ldd "$b" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }') ||
		die "ldd $b failed"
	for lib in $libs; do
		[ -e "$root$lib" ] && continue
		[ -f "$lib" ] || die "library $lib (needed by $b) missing"
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
printf '%s\n' "$cmd" > "$root/etc/kbpf-cmd"
cat > "$root/etc/kbpf-vm.conf" <<EOF
KBPF_MODULE=$use_module
KBPF_SHARE=$([ -n "$share" ] && echo 1 || echo 0)
KBPF_INTERACTIVE=$interactive
EOF
(cd "$root" && find . -print0 | cpio --quiet -o -0 -H newc -R 0:0 | gzip -1) > "$work/initramfs.cpio.gz"

# ---- boot ------------------------------------------------------------------
qemu=(qemu-system-x86_64 -machine q35 -cpu "$cpu" -m "$mem" -smp "$smp" -nographic
	-no-reboot -net none -vga none -kernel "$kernel" -initrd "$work/initramfs.cpio.gz"
	-append "console=ttyS0 panic_on_warn=1 oops=panic panic=-1 loglevel=$loglevel rdinit=/init$append_extra"
	-serial mon:stdio -serial "file:$marker")
if [ -n "$share" ]; then
	qemu+=(-virtfs "local,path=$share,mount_tag=kbpfshare,security_model=none,id=kbpfshare")
fi
: > "$marker"

if [ $interactive -eq 1 ]; then
	stage "waiting for $LOCK"
	stage "interactive shell; 'exit' or Ctrl-D powers off, Ctrl-A x kills QEMU"
	set +e
	flock "$LOCK" "${qemu[@]}"
	set -e
	status=$(sed -n 's/^KBPF_VM_EXIT=\([0-9]*\).*/\1/p' "$marker" | tail -1)
	exit "${status:-125}"
fi

stage "waiting for $LOCK"
stage "booting QEMU (TCG, $smp vCPUs, timeout ${vm_timeout}s, log $log)"
set +e
if [ $quiet -eq 1 ]; then
	flock -w "$LOCK_WAIT" "$LOCK" timeout -k 10 "$vm_timeout" "${qemu[@]}" < /dev/null 2>&1 \
		| tr -d '\r' | sed -u -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | tee "$log" \
		| grep --line-buffered -E '^(PASS|FAIL|SKIP): |^\[init\]|Kernel panic|BUG:|WARNING:' >&2
	qstatus=${PIPESTATUS[0]}
else
	flock -w "$LOCK_WAIT" "$LOCK" timeout -k 10 "$vm_timeout" "${qemu[@]}" < /dev/null 2>&1 \
		| tr -d '\r' | sed -u -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | tee "$log"
	qstatus=${PIPESTATUS[0]}
fi
set -e

status=$(sed -n 's/^KBPF_VM_EXIT=\([0-9]*\).*/\1/p' "$marker" | tail -1)
if [ "$qstatus" -eq 124 ] || [ "$qstatus" -eq 137 ]; then
	[ $quiet -eq 1 ] && { echo "---- guest console ($log) ----" >&2; cat "$log" >&2; }
	echo "run-vm: FAILED: QEMU timed out after ${vm_timeout}s (no marker)" >&2
	exit 124
fi
if [ -z "$status" ]; then
	[ $quiet -eq 1 ] && { echo "---- guest console ($log) ----" >&2; cat "$log" >&2; }
	echo "run-vm: FAILED: guest ended without success marker (panic/oops/WARN/setup failure; qemu status $qstatus)" >&2
	exit 125
fi
if [ "$status" -ne 0 ]; then
	# The command failed cleanly (its own output says why); the full console,
	# with the end of dmesg, is in the log.
	stage "guest command exited with status $status (guest console: $log)"
else
	stage "guest command exited with status 0"
fi
exit "$status"
