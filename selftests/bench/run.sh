#!/bin/bash
# run.sh [KID...] - make bench: klive's and the built-in livepatch's transition and per-call times, in a VM per kernel.
#
# For every kernel with the built-in livepatch (default deb61 deb612, or
# KLIVE_BENCH_KERNELS): stage.sh builds klive.ko and klp_version.ko, this
# adds bench_version.ko (the same change as a klive patch), klive_bench, the
# per-call modules (callbench_target.ko and its klive and livepatch patches)
# and callbench, packs them into build/KID/bench-vm/initramfs.cpio.gz, boots
# it and prints the guest's figures, then patchgen's time on
# kernel/sched/core.o and mm/memory.o (patchgen.sh) and its time and memory
# against create-diff-object (peer.sh, 6.1 only). Figures are printed, not
# asserted.
# KLIVE_BENCH_ONLY=percall: only the per-call part (no transition times, no
# patchgen). KLIVE_BENCH_CPUS: CPU models to boot each kernel with (default
# "default"; others as in kernels.sh's kernel_cpus, e.g. "default rethunk").
set -u -o pipefail
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
. selftests/vm/kernels.sh
kids=${*:-${KLIVE_BENCH_KERNELS:-deb61 deb612}}
only=${KLIVE_BENCH_ONLY:-}
case "$only" in
'' | percall) ;;
*) echo "bench: unknown KLIVE_BENCH_ONLY '$only' (percall)"; exit 1 ;;
esac
rc=0

# Build the bench modules and program for kernel $1 into build/$1/bench-vm.
stage_bench() {
	local kid=$1 out=$repo/build/$1 b=$repo/build/$1/bench-vm
	bash selftests/vm/stage.sh "$kid" >"$out.bench-stage.log" 2>&1 ||
		{ tail -n 20 "$out.bench-stage.log"; echo "bench: $kid: stage.sh failed"; return 1; }
	rm -rf "$b"
	mkdir -p "$b/src/include" "$b/guest"
	cp selftests/bench/Kbuild selftests/bench/bench_version.c selftests/bench/callbench_*.c "$b/src/"
	cp include/klive.h "$b/src/include/"
	echo "  BUILD   $kid bench_version.ko callbench_*.ko"
	make -C "$(kernel_kdir "$kid")" M="$b/src" -j2 modules \
		KBUILD_EXTRA_SYMBOLS="$out/src/klive/core/Module.symvers" >"$b/build.log" 2>&1 ||
		{ tail -n 20 "$b/build.log"; echo "bench: $kid: building bench_version.ko failed"; return 1; }
	echo "  CC      klive_bench.c"
	gcc -static -O2 -Wall -Wextra -Werror -pthread -o "$b/guest/klive_bench" \
		selftests/bench/klive_bench.c || return 1
	echo "  CC      callbench.c"
	gcc -static -O2 -Wall -Wextra -Werror -o "$b/guest/callbench" \
		selftests/bench/callbench.c || return 1
	cp "$out/guest/klive.ko" "$out/guest/klp_version.ko" "$b/src/"*.ko "$b/guest/"
	if [ "$only" = percall ]; then
		printf '#!/bin/sh\n# run - the guest side of make bench.\n./callbench\n'
	else
		printf '#!/bin/sh\n# run - the guest side of make bench.\n./klive_bench && ./callbench\n'
	fi >"$b/guest/run"
	chmod +x "$b/guest/run"
	bash selftests/vm/mkinitramfs.sh "$b/initramfs.cpio.gz" "$b/guest"
}

for kid in $kids; do
	if ! grep -qx 'CONFIG_LIVEPATCH=y' "$(kernel_config "$kid")" 2>/dev/null; then
		echo "bench: $kid has no built-in livepatch to compare with: skipped"
		continue
	fi
	echo "=== $kid: build"
	if ! stage_bench "$kid"; then
		rc=1
		continue
	fi
	b=build/$kid/bench-vm
	for cpu in ${KLIVE_BENCH_CPUS:-default}; do
		if [ "$cpu" != default ] && ! grep -qw "$cpu" <<<"$(kernel_cpus "$kid")"; then
			echo "bench: $kid does not run under CPU $cpu: skipped"
			continue
		fi
		echo "=== $kid: run (CPU $cpu)"
		log=$b/console-$cpu.log
		KLIVE_CPU=$cpu KLIVE_VM_TIMEOUT=${KLIVE_VM_TIMEOUT:-1500} \
			bash selftests/vm/run-vm.sh "$kid" "$b/initramfs.cpio.gz" "$log" >/dev/null || rc=1
		echo "=== $kid ($(kernel_release "$kid")), CPU $cpu, log $log"
		sed -n 's/^bench: //p' "$log"
	done
	[ "$only" = percall ] && continue
	echo "=== $kid: patchgen on the largest objects, one-line change"
	bash selftests/bench/patchgen.sh "$kid" || rc=1
	echo "=== $kid: patchgen against kpatch's create-diff-object, small to large objects"
	bash selftests/bench/peer.sh "$kid" || rc=1
done
exit $rc
