#!/bin/bash
# run.sh - all of klive's tests (make check): host tests, then VM tests per kernel.
#
# The last line is "N passed, N failed, N skipped". KLIVE_TEST_KERNELS picks
# kernels (default: all of kernels.sh). Logs: build/host.log, build/KID/*.log.
set -u -o pipefail
cd "$(dirname "$0")/.."
. selftests/vm/kernels.sh
kernels=${KLIVE_TEST_KERNELS:-$KLIVE_KERNELS}
mkdir -p build
start=$(date +%s)
pass=0 fail=0 skip=0

# Add the counts of a "N passed, N failed[, N skipped]" or tap-count line.
add_counts() {
	local p f s
	read -r p f s <<<"$(sed -n 's/^total: pass=\([0-9]*\) fail=\([0-9]*\) skip=\([0-9]*\)$/\1 \2 \3/p;
		s/^\([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p' "$1" | tail -n1)"
	if [ -z "$p" ]; then
		echo "not ok - $2: no result counts (see $1)"
		fail=$((fail + 1))
		return
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + ${s:-0}))
}

# Run selftests/vm/NAME.sh KID (TAP on the host) and add its counts; a
# script that dies before its plan is done counts one more failure.
host_tap() {	# host_tap KID NAME TITLE
	local log=build/$1/$2.log p f k planned
	echo "=== $1: $3"
	bash "selftests/vm/$2.sh" "$1" 2>&1 | tee "$log" | grep '^\(not \)\{0,1\}ok ' | sed "s/^/$1: /"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	k=$(grep -c '^ok .*# SKIP' "$log")
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log")
	if [ -z "$planned" ] || [ $((p + f)) != "$planned" ]; then
		echo "not ok - $1: $2.sh did not finish its plan"
		f=$((f + 1))
	fi
	pass=$((pass + p - k)) fail=$((fail + f)) skip=$((skip + k))
}

echo "=== host tests"
bash selftests/host/run.sh 2>&1 | tee build/host.log
add_counts build/host.log host

# The demo, and the host commands it prints, run as printed (deb61 only).
case " $kernels " in
*" deb61 "*)
	echo "=== demo: make demo, and its printed commands"
	bash selftests/demo-commands.sh | tee build/demo-commands.log
	p=$(grep -c '^ok ' build/demo-commands.log)
	f=$(grep -c '^not ok ' build/demo-commands.log)
	[ $((p + f)) = 3 ] || f=$((f + 1))
	pass=$((pass + p)) fail=$((fail + f))
	;;
esac

for kid in $kernels; do
	echo "=== $kid: build"
	t0=$(date +%s)
	if ! bash selftests/vm/stage.sh "$kid" 2>&1 | tee "build/$kid.stage.log"; then
		echo "not ok - $kid: building the test artefacts failed (build/$kid.stage.log)"
		fail=$((fail + 1))
		continue
	fi
	host_tap "$kid" refusals "patchgen refusals on real objects"
	host_tap "$kid" lineshift "a line shift changes no function (real objects)"
	for cpu in $(kernel_cpus "$kid"); do
		label=$kid
		[ "$cpu" = default ] || label=$kid-$cpu
		echo "=== $label: VM tests (CPU: $cpu)"
		KLIVE_CPU=$cpu KLIVE_VM_TIMEOUT=${KLIVE_VM_TIMEOUT:-900} bash selftests/vm/run-vm.sh "$kid" \
			"build/$kid/initramfs.cpio.gz" "build/$kid/console-$cpu.log" >/dev/null
		bash selftests/vm/tap-count.sh "$label" "build/$kid/console-$cpu.log" |
			tee "build/$kid/result-$cpu.log"
		add_counts "build/$kid/result-$cpu.log" "$label"
	done
	# signed modules only, in a boot of its own (kernels whose key we hold)
	if [ -d "build/$kid/guest/signed" ]; then
		echo "=== $kid: signed patches under module.sig_enforce=1"
		KLIVE_APPEND="app.password=hunter2 klive_only=klive_signed module.sig_enforce=1" \
			bash selftests/vm/run-vm.sh "$kid" "build/$kid/initramfs.cpio.gz" \
			"build/$kid/console-signed.log" >/dev/null
		bash selftests/vm/tap-count.sh "$kid-signed" "build/$kid/console-signed.log" |
			tee "build/$kid/result-signed.log"
		add_counts "build/$kid/result-signed.log" "$kid-signed"
	fi
	echo "=== $kid: $(($(date +%s) - t0)) s"
done

case " $kernels " in
*" deb61 "*)
	echo "=== klive build --prepare: a tree like deb61, a fix built in it"
	bash selftests/prepare.sh 2>&1 | tee build/prepare.log
	p=$(grep -c '^ok ' build/prepare.log)
	f=$(grep -c '^not ok ' build/prepare.log)
	[ $((p + f)) = 5 ] || f=$((f + 1))
	pass=$((pass + p)) fail=$((fail + f))
	;;
esac

echo "=== install: make install, klive install, DKMS"
bash selftests/install.sh 2>&1 | tee build/install.log
add_counts build/install.log install

echo "=== wall time: $(($(date +%s) - start)) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
