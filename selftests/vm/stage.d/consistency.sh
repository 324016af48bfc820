# consistency.sh - stage hook: the consistency-model targets and their fixes as klive patches.
#
# Sourced by stage.sh (kid repo out kdir guest klive_dir, build_module,
# patchgen). Builds samples/consistency as is and with its *.patch applied,
# and puts into $guest: klive_block.ko, klive_mix.ko (targets) and
# block_fix.ko, mix_fix.ko (patchgen's patches from old to fixed objects),
# mix_v3_fix.ko and mix_v3r_fix.ko (a third version, stacked or replacing).
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
# A third version of klive_mix on top of the second, as a patch from the
# original: mix_v3_fix.ko stacks on mix_fix, mix_v3r_fix.ko replaces it.
cons_v3=$out/src/consistency-v3
echo "  BUILD   $kid consistency (v3)"
rm -rf "$cons_v3"
cp -r "$cons_new" "$cons_v3"
patch -d "$cons_v3" -p1 -s -f --no-backup-if-mismatch <"$repo/samples/consistency/v3/klive_mix.patch" ||
	die "samples/consistency/v3/klive_mix.patch does not apply"
make -C "$kdir" M="$cons_v3" -j2 modules >"$cons_v3/build.log" 2>&1 ||
	{ tail -n 30 "$cons_v3/build.log"; die "building klive_mix v3 for $kid failed"; }
patchgen --target klive_mix -o "$guest/mix_v3_fix.ko" \
	"$cons_old/klive_mix.o" "$cons_v3/klive_mix.o"
patchgen --target klive_mix --replace -o "$guest/mix_v3r_fix.ko" \
	"$cons_old/klive_mix.o" "$cons_v3/klive_mix.o"
unset cons_old cons_new cons_v3 p

# A fix of io_cqring_wait(), where a task waiting in io_uring_enter
# (GETEVENTS) sleeps and runs task work (a nudge) without leaving it:
# $guest/iouring_fix.ko, or iouring_fix.unsupported saying why not.
rm -f "$guest/iouring_fix.unsupported"
if ! grep -q '^CONFIG_IO_URING=y' "$kdir/.config"; then
	echo "io_uring is not built into $kid" >"$guest/iouring_fix.unsupported"
else
	iou=$out/iouring
	pf=$repo/samples/consistency/iouring/fix.patch
	if objs_stale "$kid" "$iou/new.o" "$pf"; then
		"$repo/selftests/vm/build-objs.sh" "$kid" "$pf" io_uring/io_uring.o "$iou"
	fi
	if ! patchgen --system-map "$symlist" -o "$guest/iouring_fix.ko" "$iou/old.o" "$iou/new.o" \
		>"$iou/patchgen.log" 2>&1; then
		# a refusal of patchgen names the reason
		grep '^patchgen: ' "$iou/patchgen.log" | head -n1 >"$guest/iouring_fix.unsupported"
		[ -s "$guest/iouring_fix.unsupported" ] || { cat "$iou/patchgen.log"; die "patchgen failed on io_uring.o"; }
	fi
	unset iou pf
fi
[ ! -e "$guest/iouring_fix.unsupported" ] ||
	echo "  SKIP    $kid io_uring waiter test: $(cat "$guest/iouring_fix.unsupported")"
