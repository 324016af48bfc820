# klpcompat.sh - stage hook: modules written for the kernel's livepatch, built unchanged against klive.
#
# Sourced by stage.sh (kid repo out kdir guest klive_dir). Takes the
# kernel's own samples/livepatch/*.c and the state and replace test patches
# of lib/livepatch/ (the livepatch selftests' test_modules/ since 6.10) from the kernel's Debian source package (the extracted
# tree if there is one, else straight from the tarball; never copied into
# the repository), builds them with include/klp first in the include path
# (so <linux/livepatch.h> is klive_livepatch.h) and klive.ko's symbols, and
# puts the .ko files into $guest. The targets (livepatch-shadow-mod,
# livepatch-callbacks-mod, ...) are ordinary modules built with them.
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out kdir guest
klp_dst=$out/src/klpcompat
klp_pkg=$(kernel_srcpkg "$kid")
# the test patches moved from lib/livepatch to the selftests in 6.10
case $klp_pkg in
linux-source-6.1) klp_tests=lib/livepatch ;;
*) klp_tests=tools/testing/selftests/livepatch/test_modules ;;
esac
klp_files="samples/livepatch/livepatch-sample.c
samples/livepatch/livepatch-shadow-mod.c
samples/livepatch/livepatch-shadow-fix1.c
samples/livepatch/livepatch-shadow-fix2.c
samples/livepatch/livepatch-callbacks-demo.c
samples/livepatch/livepatch-callbacks-mod.c
samples/livepatch/livepatch-callbacks-busymod.c
$klp_tests/test_klp_state.c
$klp_tests/test_klp_state2.c
$klp_tests/test_klp_state3.c
$klp_tests/test_klp_atomic_replace.c"
echo "  BUILD   $kid klpcompat (the kernel's livepatch samples)"
rm -rf "$klp_dst"
mkdir -p "$klp_dst/src"
klp_src=$(kernel_srcdir "$kid")
if [ -f "$klp_src/.klive-extracted" ]; then
	for f in $klp_files; do
		cp "$klp_src/$f" "$klp_dst/src/" || die "missing $klp_src/$f"
	done
else
	[ -r "/usr/src/$klp_pkg.tar.xz" ] || die "missing /usr/src/$klp_pkg.tar.xz (apt-get install $klp_pkg)"
	klp_members=
	for f in $klp_files; do
		klp_members="$klp_members $klp_pkg/$f"
	done
	# shellcheck disable=SC2086 # a list
	tar -C "$klp_dst/src" -xJf "/usr/src/$klp_pkg.tar.xz" --transform='s|.*/||' $klp_members ||
		die "cannot extract the livepatch samples from /usr/src/$klp_pkg.tar.xz"
fi
rsync -a "$repo/include/" "$klp_dst/include/"
{
	echo "# written by stage.d/klpcompat.sh: the sources as the kernel has them"
	echo "NOSTDINC_FLAGS += -I\$(src)/../include/klp -I\$(src)/../include"
	for f in $klp_files; do
		echo "obj-m += $(basename "$f" .c).o"
	done
} >"$klp_dst/src/Kbuild"
make -C "$kdir" M="$klp_dst/src" KBUILD_EXTRA_SYMBOLS="$klive_dir/Module.symvers" \
	-j2 modules >"$klp_dst/build.log" 2>&1 ||
	{ tail -n 30 "$klp_dst/build.log"; die "building the livepatch samples against klive for $kid failed"; }
! grep -q 'warning:' "$klp_dst/build.log" ||
	{ grep 'warning:' "$klp_dst/build.log"; die "the livepatch samples build with warnings for $kid"; }
cp "$klp_dst"/src/*.ko "$guest/"
unset klp_dst klp_files klp_src klp_pkg klp_members klp_tests f
