# runpre.sh - stage hook: a patch built from a source that is not the running kernel's.
#
# Sourced by stage.sh (kid repo out kdir guest symlist, patchgen). The umask
# fix is built against a kernel/sys.c whose umask differs from the running
# kernel's in one constant (runpre/umask-other.patch): OLD is that source,
# NEW is it plus the fix. klive.ko must refuse the patch,
# $guest/runpre_umask.ko, naming the first byte where OLD's code is not the
# running kernel's; $guest/runpre_umask.offset holds that offset as
# patchgen's comparison of the pristine object with OLD finds it.
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out guest symlist
rp_dir=$out/runpre
for rp_variant in other other-fix; do
	rp_patch=$repo/selftests/vm/runpre/umask-$rp_variant.patch
	if [ ! -f "$rp_dir/$rp_variant/new.o" ] || [ "$rp_patch" -nt "$rp_dir/$rp_variant/new.o" ]; then
		"$repo/selftests/vm/build-objs.sh" "$kid" "$rp_patch" kernel/sys.o "$rp_dir/$rp_variant"
	fi
done
patchgen --system-map "$symlist" --name runpre_umask -o "$rp_dir/runpre_umask.ko" \
	"$rp_dir/other/new.o" "$rp_dir/other-fix/new.o" >"$rp_dir/patchgen.log" 2>&1 ||
	{ cat "$rp_dir/patchgen.log"; die "patchgen failed for runpre_umask on $kid"; }
cp "$rp_dir/runpre_umask.ko" "$guest/"
# other/old.o is the pristine source's, the running kernel's code
patchgen --list --system-map "$symlist" "$rp_dir/other/old.o" "$rp_dir/other/new.o" \
	>"$rp_dir/list.log" 2>&1 || { cat "$rp_dir/list.log"; die "patchgen --list failed for runpre_umask on $kid"; }
sed -n '/^changed __x64_sys_umask$/,/^[^ ]/s/^  reason: code differs at \(+0x[0-9a-f]*\)$/\1/p' \
	"$rp_dir/list.log" >"$guest/runpre_umask.offset"
[ -s "$guest/runpre_umask.offset" ] ||
	{ cat "$rp_dir/list.log"; die "runpre_umask: no first difference of __x64_sys_umask on $kid"; }
unset rp_dir rp_variant rp_patch
