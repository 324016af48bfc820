# consistency.sh - stage hook: the consistency-model targets and their fixes as klive patches.
#
# Sourced by stage.sh (kid repo out kdir guest klive_dir, build_module,
# patchgen). Builds samples/consistency as is and with its *.patch applied,
# and puts into $guest: klive_block.ko, klive_mix.ko (targets) and
# block_fix.ko, mix_fix.ko (patchgen's patches from old to fixed objects).
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out kdir guest
build_module samples/consistency consistency
cons_old=$out/src/consistency/samples/consistency
cons_new=$out/src/consistency-fixed
echo "  BUILD   $kid consistency (fixed)"
rm -rf "$cons_new"
mkdir -p "$cons_new"
cp "$repo"/samples/consistency/Kbuild "$repo"/samples/consistency/*.c "$cons_new/"
for p in "$repo"/samples/consistency/*.patch; do
	patch -d "$cons_new" -p1 -s -f --no-backup-if-mismatch <"$p" ||
		die "$(basename "$p") does not apply"
done
make -C "$kdir" M="$cons_new" -j2 modules >"$cons_new/build.log" 2>&1 ||
	{ tail -n 30 "$cons_new/build.log"; die "building the fixed consistency samples for $kid failed"; }
cp "$cons_old/klive_block.ko" "$cons_old/klive_mix.ko" "$guest/"
patchgen --target klive_block -o "$guest/block_fix.ko" \
	"$cons_old/klive_block.o" "$cons_new/klive_block.o"
patchgen --target klive_mix -o "$guest/mix_fix.ko" \
	"$cons_old/klive_mix.o" "$cons_new/klive_mix.o"
unset cons_old cons_new p
