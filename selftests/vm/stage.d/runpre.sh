# runpre.sh - stage hook: a patch built from a source that is not the running kernel's.
#
# Sourced by stage.sh (kid repo out kdir guest symlist, patchgen). The umask
# fix is built against a kernel/sys.c whose umask differs from the running
# kernel's in one constant (runpre/umask-other.patch): OLD is that source,
# NEW is it plus the fix. klive.ko must refuse the patch,
# $guest/runpre_umask.ko, naming the first byte where OLD's code is not the
# running kernel's, which $guest/runpre_umask.offset holds.
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out guest symlist
rp_dir=$out/runpre
for rp_variant in other other-fix; do
	rp_patch=$repo/selftests/vm/runpre/umask-$rp_variant.patch
	if objs_stale "$kid" "$rp_dir/$rp_variant/new.o" "$rp_patch"; then
		"$repo/selftests/vm/build-objs.sh" "$kid" "$rp_patch" kernel/sys.o "$rp_dir/$rp_variant"
	fi
done
patchgen --system-map "$symlist" --name runpre_umask -o "$rp_dir/runpre_umask.ko" \
	"$rp_dir/other/new.o" "$rp_dir/other-fix/new.o" >"$rp_dir/patchgen.log" 2>&1 ||
	{ cat "$rp_dir/patchgen.log"; die "patchgen failed for runpre_umask on $kid"; }
cp "$rp_dir/runpre_umask.ko" "$guest/"
# The first byte where __x64_sys_umask of OLD differs from the pristine
# source's (other/old.o, the running kernel's code): cmp on the two .text
# copies. The refusal must name that offset.
rp_code() {	# rp_code OBJ OUT - the bytes of __x64_sys_umask in OBJ's .text
	local v sz
	read -r v sz <<<"$(nm -S "$1" | awk '$4 == "__x64_sys_umask" { print $1, $2 }')"
	[ -n "$sz" ] || die "runpre_umask: no __x64_sys_umask in $1"
	objcopy -O binary --only-section=.text "$1" "$2.text"
	tail -c +$((16#$v + 1)) "$2.text" | head -c $((16#$sz)) >"$2"
}
rp_code "$rp_dir/other/old.o" "$rp_dir/running.bin"
rp_code "$rp_dir/other/new.o" "$rp_dir/other.bin"
rp_byte=$({ cmp "$rp_dir/running.bin" "$rp_dir/other.bin" || true; } | sed -n 's/.* differ: byte \([0-9]*\).*/\1/p')
[ -n "$rp_byte" ] || die "runpre_umask: __x64_sys_umask does not differ on $kid"
printf '+0x%x\n' $((rp_byte - 1)) >"$guest/runpre_umask.offset"
unset rp_dir rp_variant rp_patch rp_byte
unset -f rp_code
