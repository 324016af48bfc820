#!/bin/bash
# mkinitramfs.sh OUT.cpio.gz DIR - busybox initramfs that runs DIR/run as /klive/run.
#
# The guest's /init mounts the pseudo filesystems, runs /klive/run, prints
# "KLIVE-VM-END rc=N" (the marker run-vm.sh waits for) and powers off with
# reboot -f (qemu runs with -no-reboot, so that ends qemu).
set -e
. "$(dirname "$0")/kernels.sh"
out=$1
dir=$2
[ -n "$out" ] && [ -n "$dir" ] || die "usage: $0 OUT.cpio.gz DIR"
[ -x "$dir/run" ] || die "$dir/run must exist and be executable"
busybox=${BUSYBOX:-/bin/busybox}
file -L "$busybox" | grep -q 'statically linked' ||
	die "$busybox is not a static busybox (apt-get install busybox-static)"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,klive}
cp "$busybox" "$root/bin/busybox"
# One symlink per applet, where busybox would install it.
for applet in $("$busybox" --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
cp -a "$dir/." "$root/klive/"
# DIR/.rootfs/ goes to / (e.g. an installed klive.ko under /lib/modules)
if [ -d "$dir/.rootfs" ]; then
	cp -a "$dir/.rootfs/." "$root/"
	rm -rf "$root/klive/.rootfs"
fi
# Dynamically linked programs in DIR get their libraries and loader.
for f in "$dir"/*; do
	[ -f "$f" ] && [ -x "$f" ] && file -L "$f" | grep -q 'dynamically linked' || continue
	for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done

cat >"$root/init" <<'INIT'
#!/bin/sh
# init - mount what tests need, run /klive/run, report its status, power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
echo; echo "KLIVE-VM-START $(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)"
cd /klive && ./run </dev/console >/dev/console 2>&1
rc=$?
echo "KLIVE-VM-END rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
reboot -f
INIT
chmod 755 "$root/init"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
