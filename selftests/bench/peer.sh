#!/bin/bash
# peer.sh KID - patchgen's time and peak memory against kpatch's create-diff-object, small to large objects.
#
# Builds each object of kernel KID before and after a one-line fix with
# -ffunction-sections -fdata-sections (what create-diff-object needs;
# patchgen reads them too), then runs `patchgen --list` and the peer
# (KPATCH_DIFF, else kpatch-diff on PATH, else ../shared/peers beside the
# repository) three times each and prints the best wall time, the peak
# resident memory of that run, and patchgen/peer ratios (below 1: patchgen
# is faster or smaller). patchgen --list stops before writing its C source;
# create-diff-object also writes its output object, so patchgen gets a small
# head start. The peer cannot read 6.12 objects: run it on a 6.1 kernel.
set -u
here=$(cd "$(dirname "$0")" && pwd)
vm=$here/../vm
. "$vm/kernels.sh"
kid=${1:-}
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"
repo=$(cd "$here/../.." && pwd)
out=$repo/build/$kid/bench-peer
kdir=$(kernel_kdir "$kid")
peer=${KPATCH_DIFF:-$(command -v kpatch-diff || true)}
[ -n "$peer" ] || peer=$(ls "$repo"/../shared/peers/kpatch-diff 2>/dev/null || true)
if [ -z "$peer" ]; then
	echo "bench: no create-diff-object (set KPATCH_DIFF): patchgen against the peer skipped"
	exit 0
fi
case "$(kernel_release "$kid")" in
6.1.*) ;;
*) echo "bench: create-diff-object reads only 6.1 objects: skipped on $kid"; exit 0 ;;
esac
make -s -C "$repo/patchgen" >/dev/null || die "building patchgen failed"
mkdir -p "$out"

# best of three: "SECONDS KIB" of the fastest run of CMD...
best() {
	local b= m= t k
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$out/time" "$@" >"$out/run.log" 2>&1 ||
			{ cat "$out/run.log" >&2; return 1; }
		read -r t k <"$out/time"
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then
			b=$t m=$k
		fi
	done
	echo "$b $m"
}

printf '%-24s %7s %9s %7s %9s %7s %7s\n' object "pg (s)" "pg (MiB)" "cdo (s)" "cdo (MiB)" "time" "memory"
rc=0
for spec in \
	"fs/proc/cmdline.o:$repo/samples/vmlinux/cmdline/fix.patch" \
	"kernel/sys.o:$here/sys-once.patch" \
	"kernel/sched/core.o:$here/sched-core.patch" \
	"mm/memory.o:$here/mm-memory.patch"; do
	obj=${spec%%:*} pf=${spec#*:}
	dir=$out/${obj%.o}
	mkdir -p "$dir"
	if [ ! -f "$dir/new.o" ] || [ "$pf" -nt "$dir/new.o" ]; then
		KCFLAGS="-ffunction-sections -fdata-sections" "$vm/build-objs.sh" "$kid" "$pf" "$obj" "$dir" \
			>"$dir/build.log" 2>&1 || { echo "bench: building $obj failed ($dir/build.log)"; rc=1; continue; }
	fi
	readelf -s --wide "$dir/old.o" >"$dir/symtab"
	pg=$(best "$repo/patchgen/patchgen" --list --kdir "$kdir" -o "$dir/unused.ko" "$dir/old.o" "$dir/new.o") ||
		{ echo "bench: patchgen failed on $obj"; rc=1; continue; }
	cdo=$(best "$peer" "$dir/old.o" "$dir/new.o" "$dir/symtab" "$kdir") ||
		{ echo "bench: create-diff-object failed on $obj"; rc=1; continue; }
	read -r pt pm <<<"$pg"
	read -r ct cm <<<"$cdo"
	printf '%-24s %7.2f %9.1f %7.2f %9.1f %6.2fx %6.2fx\n' "$obj" "$pt" "$(echo "$pm / 1024" | bc -l)" \
		"$ct" "$(echo "$cm / 1024" | bc -l)" "$(echo "$pt / $ct" | bc -l)" "$(echo "$pm / $cm" | bc -l)"
done
exit $rc
