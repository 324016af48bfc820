# runpre.sh - stage hook: patches built from a source that is not the running kernel's.
#
# Sourced by stage.sh (kid repo out kdir guest symlist, patchgen). The umask
# fix is built against a kernel/sys.c whose umask differs from the running
# kernel's in one constant (runpre/umask-other.patch): OLD is that source,
# NEW is it plus the fix. klive.ko must refuse the patch,
# $guest/runpre_umask.ko, naming the first byte where OLD's code is not the
# running kernel's, which $guest/runpre_umask.offset holds. The same for the
# adjtimex fix against a kernel/time/time.c whose notrace __do_sys_adjtimex
# differs (runpre/adjtimex-other.patch): the patch redirects the syscall
# stubs, which are the running kernel's, and klive.ko must find the
# difference in the notrace body it records as their piece
# ($guest/runpre_adjtimex.ko, .offset). And the drop_caches fix against an
# fs/drop_caches.c whose handler differs from the running kernel's only in
# its .cold part (runpre/drop_caches-other.patch: the pid printed is the
# tgid): klive.ko must find the difference in the .cold part, which the
# patch records as a piece of the handler ($guest/runpre_drop_caches.ko,
# .offset; not on 6.12, whose handler has no .cold part).
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out guest symlist
rp_code() {	# rp_code OBJ SYM OUT - the bytes of function SYM in OBJ (in its section)
	local v sec sz
	read -r v sec sz <<<"$(objdump -t "$1" | awk -v s="$2" '$NF == s { print $1, $(NF - 2), $(NF - 1) }')"
	[ -n "$sz" ] || die "runpre: no $2 in $1"
	objcopy -O binary --only-section="$sec" "$1" "$3.sec"
	tail -c +$((16#$v + 1)) "$3.sec" | head -c $((16#$sz)) >"$3"
}
# rp_case NAME OBJ SYM: build runpre_NAME.ko from runpre/NAME-other{,-fix}.patch
# and the offset of the first byte where SYM of OLD differs from the
# pristine source's (other/old.o, the running kernel's code).
rp_case() {
	local name=$1 obj=$2 sym=$3 dir=$out/runpre/$1 variant pf byte
	for variant in other other-fix; do
		pf=$repo/selftests/vm/runpre/$name-$variant.patch
		if objs_stale "$kid" "$dir/$variant/new.o" "$pf"; then
			"$repo/selftests/vm/build-objs.sh" "$kid" "$pf" "$obj" "$dir/$variant"
		fi
	done
	patchgen --system-map "$symlist" --name "runpre_$name" -o "$dir/runpre_$name.ko" \
		"$dir/other/new.o" "$dir/other-fix/new.o" >"$dir/patchgen.log" 2>&1 ||
		{ cat "$dir/patchgen.log"; die "patchgen failed for runpre_$name on $kid"; }
	cp "$dir/runpre_$name.ko" "$guest/"
	rp_code "$dir/other/old.o" "$sym" "$dir/running.bin"
	rp_code "$dir/other/new.o" "$sym" "$dir/other.bin"
	byte=$({ cmp "$dir/running.bin" "$dir/other.bin" || true; } | sed -n 's/.* differ: byte \([0-9]*\).*/\1/p')
	[ -n "$byte" ] || die "runpre_$name: $sym does not differ on $kid"
	printf '+0x%x\n' $((byte - 1)) >"$guest/runpre_$name.offset"
}
rp_case umask kernel/sys.o __x64_sys_umask
rp_case adjtimex kernel/time/time.o __do_sys_adjtimex
# 6.12's handler has no .cold part (the test skips there)
[ "$(kernel_release "$kid" | cut -c1-5)" = 6.12. ] ||
	rp_case drop_caches fs/drop_caches.o drop_caches_sysctl_handler.cold
unset -f rp_code rp_case
