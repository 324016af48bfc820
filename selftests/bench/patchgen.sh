#!/bin/bash
# patchgen.sh KID - time patchgen (wall clock, best of 3) on big vmlinux objects with a one-line change.
#
# Builds kernel/sched/core.o and mm/memory.o of kernel KID before and after
# the tiny patches next to this script (build-objs.sh), then runs patchgen
# --list on each pair three times and prints a table of the best times.
set -e
here=$(cd "$(dirname "$0")" && pwd)
vm=$here/../vm
. "$vm/kernels.sh"
kid=$1
read -ra pgflags <<<"$(kernel_pgflags "$kid")"	# --no-layout-check without debug info
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"
repo=$(cd "$here/../.." && pwd)
out=$repo/build/$kid/bench
kdir=$(kernel_kdir "$kid")
make -s -C "$repo/patchgen" >/dev/null

printf '%-22s %10s %s\n' object "best (s)" "changed"
for spec in sched-core:kernel/sched/core.o mm-memory:mm/memory.o; do
	name=${spec%%:*} obj=${spec#*:}
	dir=$out/$name
	if [ ! -f "$dir/new.o" ] || [ "$here/$name.patch" -nt "$dir/new.o" ]; then
		"$vm/build-objs.sh" "$kid" "$here/$name.patch" "$obj" "$dir" >&2
	fi
	best=
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		"$repo/patchgen/patchgen" --kdir "$kdir" "${pgflags[@]}" --list -o "$dir/bench.ko" \
			"$dir/old.o" "$dir/new.o" >"$dir/list.txt" 2>&1 ||
			{ cat "$dir/list.txt" >&2; die "patchgen failed on $obj"; }
		t=$(echo "$(date +%s.%N) - $t0" | bc)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then
			best=$t
		fi
	done
	printf '%-22s %10.3f %s\n' "$obj" "$best" \
		"$(sed -n 's/^changed *//p' "$dir/list.txt" | tr '\n' ' ')"
done

# Source fix to patch module: klive build on the one-line sched/core.c fix
# (the goal is under 60 s on two cores; kpatch-build rebuilds the kernel).
make -s -C "$repo/cli" >/dev/null
t0=$(date +%s.%N)
(
	flock 9
	"$repo/cli/klive" build --src "$(kernel_srcdir "$kid")" --obj "$(kernel_objtree "$kid")" \
		--kdir "$kdir" --klive-symvers "$repo/build/$kid/src/klive/core/Module.symvers" \
		"$here/sched-core.patch" -o "$out/sched-core-build.ko" >"$out/klive-build.log" 2>&1
) 9>"$(kernel_srclock "$kid")" || { cat "$out/klive-build.log" >&2; die "klive build failed"; }
printf '%-22s %10.3f %s\n' "klive build (sched/core.c fix -> .ko)" "$(echo "$(date +%s.%N) - $t0" | bc)" \
	"source fix to module"
