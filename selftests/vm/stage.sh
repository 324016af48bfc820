#!/bin/bash
# stage.sh KID - build everything the in-VM tests of kernel KID need and pack the initramfs.
#
# build/KID/guest/ becomes /klive/ in the guest: klive.ko, the sample target,
# the patches patchgen makes from the sample fixes, the hand-written patches,
# the built-in livepatch sample and the test program. Output:
# build/KID/initramfs.cpio.gz.
set -e
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
kid=$1
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"
repo=$(cd "$here/../.." && pwd)
out=$repo/build/$kid
kdir=$(kernel_kdir "$kid")

"$here/build-artifacts.sh" "$kid"

# Build the module whose sources are in repo dir $1 (plus include/) in
# $out/src/$2; further arguments go to make.
build_module() {
	local src=$repo/$1 dst=$out/src/$2
	echo "  BUILD   $kid $2"
	mkdir -p "$dst/$1" "$dst/include"
	rsync -a --delete "$src/" "$dst/$1/"
	rsync -a "$repo/include/" "$dst/include/"
	make -C "$kdir" M="$dst/$1" -j2 "${@:3}" modules >"$dst/build.log" 2>&1 ||
		{ tail -n 30 "$dst/build.log"; die "building $1 for $kid failed"; }
}
klive_dir=$out/src/klive/core
build_module core klive
build_module samples/handwritten handwritten KBUILD_EXTRA_SYMBOLS="$klive_dir/Module.symvers"
hand_dir=$out/src/handwritten/samples/handwritten

make -s -C "$repo/patchgen" >/dev/null
# objects of a kernel without debug info: --no-layout-check (kernels.sh)
read -ra pgflags <<<"$(kernel_pgflags "$kid")"
patchgen() {
	echo "  PATCHGEN $kid ${pgflags[*]} $*"
	"$repo/patchgen/patchgen" --kdir "$kdir" \
		--klive-symvers "$klive_dir/Module.symvers" "${pgflags[@]}" "$@"
}
symlist=$("$here/kallsyms.sh" "$kid") || die "no symbol list for $kid"
patchgen --system-map "$symlist" -o "$out/cmdline_fix.ko" "$out/cmdline/old.o" "$out/cmdline/new.o"
# the same patch named like the kernel livepatch sample, to test the clash
patchgen --system-map "$symlist" --name klp_version -o "$out/klpname_fix.ko" \
	"$out/cmdline/old.o" "$out/cmdline/new.o"
patchgen --target klive_sample -o "$out/sample_fix.ko" \
	"$out/klive_sample/old.o" "$out/klive_sample/new.o"

guest=$out/guest
rm -rf "$guest"
mkdir -p "$guest"
cp "$klive_dir/klive.ko" "$hand_dir"/*.ko "$out"/*.ko "$guest/"

# Hooks: each stage.d/*.sh is sourced here to add what its tests need to
# $guest (which becomes /klive, the guest's working directory). They may use
# kid repo out kdir guest klive_dir, build_module and patchgen.
for hook in "$here"/stage.d/*.sh; do
	[ -e "$hook" ] || continue
	# shellcheck source=/dev/null
	. "$hook"
done

# Every tests/*.c is a static kselftest program, run in the guest in name order.
"$here/kselftest.sh" "$repo/build/kselftest"
mkdir -p "$repo/build/vm"
tests=
for t in "$here"/tests/*.c; do
	name=$(basename "$t" .c)
	bin=$repo/build/vm/$name
	if [ ! -x "$bin" ] || [ "$t" -nt "$bin" ] || [ "$here/tests/klive_vm.h" -nt "$bin" ]; then
		echo "  CC      $name.c"
		gcc -static -O2 -Wall -Wextra -Werror -pthread -isystem "$repo/build/kselftest" \
			-o "$bin" "$t"
	fi
	cp "$bin" "$guest/"
	tests="$tests $name"
done
{
	cat <<'EOS'
#!/bin/sh
# run - the guest side of make check: every in-VM test program, or only
# the one named by klive_only=NAME on the kernel command line (make stress,
# and the tests that need a boot of their own, which run only when named).
only=$(sed -n 's/.*klive_only=\([^ ]*\).*/\1/p' /proc/cmdline)
alone=" klive_signed "
run_test() {
	if [ -z "$only" ]; then
		case "$alone" in *" $1 "*) return 0 ;; esac
	elif [ "$only" != "$1" ]; then
		return 0
	fi
	"./$1"
}
rc=0
EOS
	for name in $tests; do
		echo "run_test $name || rc=1"
	done
	echo 'exit $rc'
} >"$guest/run"
chmod +x "$guest/run"
"$here/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$guest"
