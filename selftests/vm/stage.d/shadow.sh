# shadow.sh - stage hook: the shadow variable sample and its fix as a klive patch.
#
# Sourced by stage.sh (kid repo out kdir guest klive_dir, build_module,
# patchgen). Builds samples/shadow as is and with fix.patch applied (which
# calls klive's shadow variable API), and puts into $guest:
# klive_shadow_demo.ko (target) and shadow_fix.ko (patchgen's patch).
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out kdir guest
build_module samples/shadow shadow
shadow_new=$out/src/shadow-fixed
echo "  BUILD   $kid shadow (fixed)"
rm -rf "$shadow_new"
mkdir -p "$shadow_new/samples/shadow"
cp -r "$repo/include" "$shadow_new/"
cp "$repo"/samples/shadow/Kbuild "$repo"/samples/shadow/*.c "$shadow_new/samples/shadow/"
patch -d "$shadow_new/samples/shadow" -p1 -s -f --no-backup-if-mismatch \
	<"$repo/samples/shadow/fix.patch" || die "samples/shadow/fix.patch does not apply"
make -C "$kdir" M="$shadow_new/samples/shadow" KBUILD_EXTRA_SYMBOLS="$klive_dir/Module.symvers" \
	-j2 modules >"$shadow_new/build.log" 2>&1 ||
	{ tail -n 30 "$shadow_new/build.log"; die "building the fixed shadow sample for $kid failed"; }
cp "$out/src/shadow/samples/shadow/klive_shadow_demo.ko" "$guest/"
patchgen --target klive_shadow_demo -o "$guest/shadow_fix.ko" \
	"$out/src/shadow/samples/shadow/klive_shadow_demo.o" \
	"$shadow_new/samples/shadow/klive_shadow_demo.o"
unset shadow_new
