#!/bin/bash
# stress.sh - make stress: the in-VM stress test alone, on every test kernel and CPU model.
#
# STRESS_CYCLES patch/unpatch cycles (default 1000; make check runs 20 as
# part of the suite) of klive_mix's and klive_block's fixes while threads
# call the patched functions, fork, and sleep in affected code. Prints the
# figures per kernel and CPU model; an oops, warning, mixed round trip or
# leaked module fails it; the guest prints its progress every 100 cycles.
# Last line: "N passed, N failed".
set -u -o pipefail
cd "$(dirname "$0")/.."
. selftests/vm/kernels.sh
n=${STRESS_CYCLES:-1000}
kernels=${KLIVE_TEST_KERNELS:-$KLIVE_KERNELS}
pass=0 fail=0
mkdir -p build
for kid in $kernels; do
	echo "=== $kid: build"
	if ! bash selftests/vm/stage.sh "$kid" >"build/$kid.stage.log" 2>&1; then
		echo "not ok - $kid: building the test artefacts failed (build/$kid.stage.log)"
		fail=$((fail + 1))
		continue
	fi
	for cpu in $(kernel_cpus "$kid"); do
		log=build/$kid/stress-$cpu.log
		echo "=== $kid ($cpu): $n cycles"
		KLIVE_CPU=$cpu KLIVE_VM_TIMEOUT=$((n * 10 + 600)) \
			KLIVE_APPEND="app.password=hunter2 klive_only=klive_stress klive_stress_cycles=$n" \
			bash selftests/vm/run-vm.sh "$kid" "build/$kid/initramfs.cpio.gz" "$log" >/dev/null
		sed -n 's/^.*\(stress: .*\)$/\1/p' "$log" | tail -n1
		if bash selftests/vm/tap-count.sh "$kid-$cpu" "$log" >"build/$kid/stress-$cpu.result"; then
			echo "ok - $kid ($cpu)"
			pass=$((pass + 1))
		else
			grep 'not ok' "build/$kid/stress-$cpu.result"
			echo "not ok - $kid ($cpu) (console: $log)"
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
