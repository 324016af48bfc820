#!/bin/bash
# build-objs.sh KID PATCHFILE OBJ OUTDIR - build vmlinux object OBJ before and after a source patch.
#
# Writes OUTDIR/new.o (source with PATCHFILE applied, patch -p1) and
# OUTDIR/old.o (pristine source), both built in kernel_objtree KID. The
# source tree is shared, so this holds its lock the whole time, always
# reverses the patch (also on error or interrupt) and gives the patched
# files their old timestamps back, so other trees don't see a change.
set -e
here=$(dirname "$0")
. "$here/kernels.sh"
kid=$1
patchfile=$2
target=$3
out=$4
[ -n "$kid" ] && [ -n "$patchfile" ] && [ -n "$target" ] && [ -n "$out" ] ||
	die "usage: $0 KERNEL-ID PATCHFILE OBJ OUTDIR"
[ -r "$patchfile" ] || die "cannot read $patchfile"
patchfile=$(realpath "$patchfile")
case "$target" in *.o) ;; *) die "$target is not an object file (*.o)" ;; esac

"$here/prepare-tree.sh" "$kid"
src=$(kernel_srcdir "$kid")
obj=$(kernel_objtree "$kid")
mkdir -p "$out"

exec 9>"$(kernel_srclock "$kid")"
flock 9

patch_src() {
	patch -d "$src" -p1 -s -f --no-backup-if-mismatch "$@" <"$patchfile"
}

# A tree left patched by a killed run: put it back before anything else.
if ! patch_src --dry-run >/dev/null 2>&1; then
	patch_src -R --dry-run >/dev/null 2>&1 ||
		die "$patchfile applies to $src neither forward nor reversed"
	echo "  REPAIR  $src still had $(basename "$patchfile") applied; reversing it" >&2
	patch_src -R
fi

# Remember the mtimes of the files the patch touches.
stamps=$(mktemp -d)
files=$(sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$patchfile")
i=0
for f in $files; do
	touch -r "$src/$f" "$stamps/$i"
	i=$((i + 1))
done

applied=0
unpatch() {
	local i=0 f
	if [ "$applied" = 1 ]; then
		patch_src -R
		applied=0
	fi
	for f in $files; do
		touch -r "$stamps/$i" "$src/$f"
		i=$((i + 1))
	done
}
trap 'unpatch; rm -rf "$stamps"' EXIT
trap 'exit 130' INT TERM HUP

build() {
	rm -f "$obj/$target"
	make -C "$src" O="$obj" -j2 "$target" >"$out/build-$1.log" 2>&1 ||
		{ tail -n 20 "$out/build-$1.log"; die "building $target ($1) for $kid failed"; }
	cp "$obj/$target" "$out/$1.o"
}

echo "  BUILD   $kid $target (new)"
patch_src
applied=1
build new
unpatch
echo "  BUILD   $kid $target (old)"
build old
