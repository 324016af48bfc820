#!/bin/bash
# demo.sh - make demo: patch /proc/cmdline of Debian's running 6.1 kernel in a VM.
#
# Builds fs/proc/cmdline.o before and after samples/vmlinux/cmdline/fix.patch,
# runs patchgen on the pair, then boots the stock kernel with a password on
# its command line and shows it leaking, patched, and restored.
set -e -o pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
vm=$repo/selftests/vm
. "$vm/kernels.sh"
kid=${KLIVE_DEMO_KERNEL:-deb61}
out=$repo/build/demo-$kid
kdir=$(kernel_kdir "$kid")
start=$(date +%s)

# Print a command exactly as it runs (from this directory), then run it;
# show_run_log LOG CMD... sends its output to LOG.
show() {
	printf '$'
	printf ' %q' "$@"
	echo
}
show_run() {
	show "$@"
	"$@"
}
show_run_log() {
	local log=$1
	shift
	show "$@"
	"$@" >"$log" 2>&1 || { tail -n 30 "$log"; die "failed: $*"; }
}

cd "$repo"
echo "=== klive demo on $kid: Debian kernel $(kernel_release "$kid")"
echo "--- preparing (the first run extracts and configures the Debian source: a few minutes)"
"$vm/prepare-tree.sh" "$kid"
"$vm/build-objs.sh" "$kid" "$repo/samples/vmlinux/cmdline/fix.patch" fs/proc/cmdline.o "$out"
# the kernel's symbol list, so patchgen checks local symbols at build time
symlist=$("$vm/kallsyms.sh" "$kid")

echo
echo "--- the fix (samples/vmlinux/cmdline/fix.patch):"
sed -n '1p' "$repo/samples/vmlinux/cmdline/fix.patch"
echo
echo "--- build klive for the target kernel: patchgen/patchgen and core/klive.ko"
show_run_log "$out/make.log" make KDIR="$kdir"
echo
echo "--- patchgen: old and new fs/proc/cmdline.o -> cmdline_fix.ko"
# a kernel without debug info (KLIVE_DEMO_KERNEL=nolp61): --no-layout-check
read -ra pgflags <<<"$(kernel_pgflags "$kid")"
show_run patchgen/patchgen --kdir "$kdir" --system-map "$symlist" "${pgflags[@]}" \
	"build/demo-$kid/old.o" "build/demo-$kid/new.o" -o "build/demo-$kid/cmdline_fix.ko"

guest=$out/guest
rm -rf "$guest"
mkdir -p "$guest"
cp core/klive.ko "$out/cmdline_fix.ko" "$guest/"
cp "$repo/samples/demo-guest.sh" "$guest/run"
chmod +x "$guest/run"
"$vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$guest" >/dev/null

echo
echo "--- booting $(kernel_image "$kid") in qemu (TCG) with app.password=hunter2 on its command line"
KLIVE_LOGLEVEL=1 "$vm/run-vm.sh" "$kid" "$out/initramfs.cpio.gz" "$out/console.log" |
	sed -n '/^KLIVE-VM-START/,/^KLIVE-VM-END/{/^KLIVE-VM-/d;p}'
echo
echo "=== demo finished in $(($(date +%s) - start)) s (console log: $out/console.log)"
