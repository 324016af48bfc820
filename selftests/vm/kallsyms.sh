#!/bin/bash
# kallsyms.sh KID - print the path of kernel KID's vmlinux symbol list, in kallsyms order.
#
# patchgen --system-map needs it to count same-named local symbols the way
# klive.ko does at load time (the Nth symbol of a name in kallsyms order).
# A tree built here has its System.map; for a Debian kernel (its /boot
# System.map is a placeholder) the kernel is booted once in the VM and its
# /proc/kallsyms, vmlinux symbols only, comes back over the console
# (gzip | base64 between markers). The dump is cached under
# KLIVE_CACHE/kallsyms/KID-RELEASE, stamped with the image's checksum.
#
# Order: /proc/kallsyms and kallsyms_on_each_symbol() (what klive.ko counts
# with) both walk the kallsyms table by index, and scripts/kallsyms sorts
# that table by address; KASLR shifts all of vmlinux by one offset (Debian
# has no FG-KASLR), so the dump must be sorted by address: checked here.
set -e -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
kid=$1
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"

tree_map=$(kernel_kdir "$kid")/System.map
if [ -f "$tree_map" ] && [ "$(wc -l <"$tree_map")" -gt 1000 ]; then
	echo "$tree_map"
	exit 0
fi

image=$(kernel_image "$kid")
[ -r "$image" ] || die "no kernel image $image for $kid"
dir=$KLIVE_CACHE/kallsyms
dump=$dir/$kid-$(kernel_release "$kid")
stamp=$(sha256sum "$image" | cut -c1-16)
cached() {
	[ -f "$dump" ] && [ "$(cat "$dump.stamp" 2>/dev/null)" = "$stamp" ]
}
if cached; then
	echo "$dump"
	exit 0
fi

mkdir -p "$dir"
exec 9>"$dir/.lock-$kid"
flock 9
if cached; then
	echo "$dump"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/guest"
cat >"$work/guest/run" <<'RUN'
#!/bin/sh
# run - print the vmlinux part of /proc/kallsyms, compressed, between markers.
echo KLIVE-KALLSYMS-BEGIN
grep -v '\[' /proc/kallsyms | gzip -9 | base64
echo KLIVE-KALLSYMS-END
RUN
chmod +x "$work/guest/run"
"$here/mkinitramfs.sh" "$work/initrd.gz" "$work/guest"
echo "  KALLSYMS $kid: booting $image to read /proc/kallsyms" >&2
start=$(date +%s)
"$here/run-vm.sh" "$kid" "$work/initrd.gz" "$work/console.log" >/dev/null ||
	die "the kallsyms boot of $kid failed (console: $(tail -n 3 "$work/console.log" 2>/dev/null))"
sed -n '/^KLIVE-KALLSYMS-BEGIN$/,/^KLIVE-KALLSYMS-END$/{/^KLIVE-KALLSYMS-/d;p}' \
	"$work/console.log" | base64 -d | gunzip >"$work/kallsyms" ||
	die "$kid: the kallsyms dump did not survive the console"

lines=$(wc -l <"$work/kallsyms")
[ "$lines" -gt 10000 ] || die "$kid: the kallsyms dump has only $lines lines"
# (per-CPU symbols start at 0; hidden addresses would all be 0)
awk 'NF < 3 { bad = 1 } $1 !~ /^0+$/ { n++ } END { exit bad || n < NR / 2 }' "$work/kallsyms" ||
	die "$kid: the kallsyms dump lacks addresses"
# Same order as an address sort: what patchgen counts is what klive.ko counts.
LC_ALL=C sort -s -k1,1 "$work/kallsyms" | cmp -s - "$work/kallsyms" ||
	die "$kid: kallsyms is not in address order; sympos would be unreliable"
mv "$work/kallsyms" "$dump.tmp"
echo "$stamp" >"$dump.stamp.tmp"
mv "$dump.tmp" "$dump"
mv "$dump.stamp.tmp" "$dump.stamp"
echo "  KALLSYMS $kid: $lines symbols in $(($(date +%s) - start)) s -> $dump" >&2
echo "$dump"
