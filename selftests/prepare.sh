#!/bin/bash
# prepare.sh - klive build --prepare on the host: a tree like the installed Debian 6.1, then a fix built in it (TAP).
#
# Prepares Debian's linux-source for deb61's release in a new directory,
# builds a real fix there (its object not built before), and checks that
# the unfixed object's code is the one the VM suite built in its own tree
# and tested against the running kernel; a header fix is refused with the
# reason (the tree is not built whole); an existing directory is refused;
# deb612's source, newer than its image today, is warned about.
set -u -o pipefail
cd "$(dirname "$0")/.."
. selftests/vm/kernels.sh
t=$PWD/build/prepare-test
kl=$PWD/cli/klive
n=0 fails=0
rm -rf "$t"
mkdir -p "$t"
result() {	# result OK NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
		[ -n "${3:-}" ] && printf '#   %s\n' "${3//$'\n'/$'\n'#   }"
	fi
}
echo "1..5"
make -s -C cli >/dev/null && make -s -C patchgen >/dev/null || { echo "Bail out! build failed"; exit 1; }
rel=$(kernel_release deb61)
kdir=$(kernel_kdir deb61)
symvers=$PWD/build/deb61/src/klive/core/Module.symvers
symlist=$(bash selftests/vm/kallsyms.sh deb61)

# 1: the tree, and the command it prints is the one that works
"$kl" build --prepare "$t/tree" --release "$rel" --jobs "$(nproc)" >"$t/prepare.out" 2>"$t/prepare.err"
rc=$?
grep -qx "  klive build --src $t/tree FIX.patch -o fix.ko" "$t/prepare.out" && [ $rc = 0 ] &&
	[ -f "$t/tree/.config" ] && [ -f "$t/tree/include/generated/autoconf.h" ]
result $? "klive build --prepare makes a tree for $rel" "rc=$rc $(cat "$t/prepare.out" "$t/prepare.err")"

# 2: a fix to a .c file, built in it; the old object is the suite's
"$kl" build --src "$t/tree" samples/vmlinux/umask/fix.patch -o "$t/umask.ko" --kdir "$kdir" \
	--system-map "$symlist" --klive-symvers "$symvers" >"$t/umask.out" 2>&1
rc=$?
problems=
[ $rc = 0 ] && [ -f "$t/umask.ko" ] || problems="klive build failed (rc=$rc);"
suite=build/deb61/fixes/umask/kernel/sys/old.o
if [ -f "$suite" ]; then
	objcopy -O binary -j .text "$t/tree/kernel/sys.o" "$t/prepared.text" &&
		objcopy -O binary -j .text "$suite" "$t/suite.text" &&
		cmp -s "$t/prepared.text" "$t/suite.text" || problems="$problems kernel/sys.o's code differs from the suite's;"
else
	problems="$problems no $suite (deb61's VM stage did not run);"
fi
result "$([ -z "$problems" ] && echo 0 || echo 1)" "a fix built in the prepared tree, same code as the tested one" \
	"$problems $(tail -n 5 "$t/umask.out")"

# 3: a header fix needs the objects that include it: refused with why
"$kl" build --src "$t/tree" samples/vmlinux/hostname/fix.patch -o "$t/hostname.ko" --kdir "$kdir" \
	--system-map "$symlist" --klive-symvers "$symvers" >"$t/hostname.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "is a header: which objects include it is known once $t/tree is built whole" "$t/hostname.out" &&
	[ ! -e "$t/hostname.ko" ] && patch -d "$t/tree" -p1 -s -f --dry-run <samples/vmlinux/hostname/fix.patch >/dev/null
result $? "a header fix in a tree not built whole is refused, tree unchanged" "rc=$rc $(cat "$t/hostname.out")"

# 4: an existing directory is not touched
"$kl" build --prepare "$t/tree" --release "$rel" >"$t/again.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "give a directory that does not exist yet" "$t/again.out"
result $? "an existing directory is refused" "rc=$rc $(cat "$t/again.out")"

# 5: deb612's linux-source against its image
rel612=$(kernel_release deb612)
src612=$(dpkg-query -W -f='${Version}' linux-source-6.12)
img612=$(kernel_pkgversion deb612)
"$kl" build --prepare "$t/tree" --release "$rel612" >"$t/612.out" 2>&1
if [ "$src612" != "$img612" ]; then
	grep -q "warning: linux-source-6.12 is $src612 but linux-image-$rel612.* is $img612" "$t/612.out"
	result $? "a source package newer than the image is warned about" "$(cat "$t/612.out")"
else
	! grep -q "warning: linux-source" "$t/612.out"
	result $? "source and image versions agree: no warning" "$(cat "$t/612.out")"
fi
rm -rf "$t/tree"
exit $((fails > 0))
