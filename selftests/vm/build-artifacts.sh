#!/bin/bash
# build-artifacts.sh KID - build the sample targets and objects of kernel KID into build/KID/.
#
#   build/KID/klive_sample.ko           target module (old source), to insmod
#   build/KID/klive_sample/{old,new}.o  its object before/after fix.patch
#   build/KID/cmdline/{old,new}.o       fs/proc/cmdline.o before/after fix.patch
#   build/KID/klp_version.ko            built-in livepatch sample (deb kernels)
#   build/KID/src/...                   the copied sources modules are built in
# klive.ko, patchgen and the patch modules are built by their own helpers.
set -e
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
kid=$1
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"
repo=$(cd "$here/../.." && pwd)
out=$repo/build/$kid
kdir=$(kernel_kdir "$kid")

"$here/prepare-tree.sh" "$kid"
[ -d "$kdir" ] || die "no module build directory $kdir for $kid"

# Copy the files of directory $1 into $2, touching only changed ones so
# that make stays incremental.
sync_src() {
	local f
	mkdir -p "$2"
	for f in "$1"/*; do
		[ -f "$f" ] || continue
		cmp -s "$f" "$2/${f##*/}" || cp "$f" "$2/"
	done
}

# Build the external module in directory $1; its log goes to $1/build.log.
build_module() {
	make -C "$kdir" M="$1" -j2 modules >"$1/build.log" 2>&1 ||
		{ tail -n 20 "$1/build.log"; die "building the module in $1 failed"; }
}

echo "  BUILD   $kid klive_sample.ko"
sync_src "$repo/samples/target" "$out/src/klive_sample"
build_module "$out/src/klive_sample"
cp "$out/src/klive_sample/klive_sample.ko" "$out/"
mkdir -p "$out/klive_sample"
cp "$out/src/klive_sample/klive_sample.o" "$out/klive_sample/old.o"

echo "  BUILD   $kid klive_sample fixed object"
fixed=$out/src/klive_sample-fixed
rm -rf "$fixed"
sync_src "$repo/samples/target" "$fixed"
patch -d "$fixed" -p1 -s -f <"$repo/samples/target/fix.patch"
build_module "$fixed"
cp "$fixed/klive_sample.o" "$out/klive_sample/new.o"

"$here/build-objs.sh" "$kid" "$repo/samples/vmlinux/cmdline/fix.patch" \
	fs/proc/cmdline.o "$out/cmdline"

if grep -qx 'CONFIG_LIVEPATCH=y' "$(kernel_config "$kid")"; then
	echo "  BUILD   $kid klp_version.ko"
	sync_src "$repo/samples/builtin-livepatch" "$out/src/builtin-livepatch"
	build_module "$out/src/builtin-livepatch"
	cp "$out/src/builtin-livepatch/klp_version.ko" "$out/"
fi
echo "  DONE    $kid artefacts in $out"
