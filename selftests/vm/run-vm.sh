#!/bin/bash
# run-vm.sh KID INITRD [LOGFILE] - boot kernel KID under qemu (TCG) and check the run ended.
#
# Streams the serial console (also into LOGFILE) and exits 0 only if the
# initramfs reached "KLIVE-VM-END rc=0". Exit 1: the guest's /klive/run
# failed; exit 2: the guest never got there (panic, oops, hang, timeout).
# Environment: KLIVE_VM_TIMEOUT (seconds, default 300), KLIVE_LOGLEVEL
# (console loglevel, default 4: warnings and worse), KLIVE_APPEND (extra
# kernel parameters; the default gives /proc/cmdline a secret to hide),
# KLIVE_QEMU_OPTS (extra qemu options), KLIVE_CPU (a CPU model of
# kernels.sh's kernel_cpus; the guest sees it as klive_mitigation=NAME).
set -e -o pipefail
. "$(dirname "$0")/kernels.sh"
kid=$1
initrd=$2
log=$3
[ -n "$kid" ] && [ -n "$initrd" ] || die "usage: $0 KERNEL-ID INITRD [LOGFILE]"
image=$(kernel_image "$kid")
[ -r "$image" ] || die "no kernel image $image for $kid (run prepare-tree.sh $kid?)"
[ -r "$initrd" ] || die "no initramfs $initrd"
if [ -z "$log" ]; then
	log=$(mktemp --suffix=.log)
	trap 'rm -f "$log"' EXIT
fi
timeout=${KLIVE_VM_TIMEOUT:-300}
# init_on_alloc=1 turns a jump label on that a sample fix tests (the
# livepatch-less config has it off by default).
append="console=ttyS0 panic=-1 oops=panic quiet loglevel=${KLIVE_LOGLEVEL:-4} init_on_alloc=1"
append="$append ${KLIVE_APPEND-app.password=hunter2}"
cpu_opts=
case "${KLIVE_CPU:-default}" in
default) ;;
rethunk) cpu_opts="-cpu EPYC-Rome-v1" append="$append klive_mitigation=rethunk" ;;
stuffing) cpu_opts="-cpu Skylake-Client-v1" append="$append retbleed=stuff klive_mitigation=stuffing" ;;
*) die "unknown KLIVE_CPU '$KLIVE_CPU' (default, rethunk, stuffing)" ;;
esac

# A boot that dies before /init starts has not run any klive code; TCG
# occasionally crashes the 6.12 kernel that early (int3 during boot-time
# text patching), so such a boot is retried, loudly. Any later failure counts.
for attempt in 1 2 3; do
	echo "  BOOT    $kid ($image, CPU ${KLIVE_CPU:-default})"
	start=$(date +%s)
	rc=0
	# shellcheck disable=SC2086 # KLIVE_QEMU_OPTS is a list of options
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg,thread=single -m 1G -smp 2 \
		-nographic -no-reboot -net none -kernel "$image" -initrd "$initrd" \
		-append "$append" $cpu_opts $KLIVE_QEMU_OPTS </dev/null 2>&1 |
		sed -u 's/\r$//' | tee "$log" || rc=$?
	secs=$(($(date +%s) - start))
	grep -q '^KLIVE-VM-START' "$log" && break
	[ "$attempt" = 3 ] && break
	echo "klive-vm: $kid crashed before the guest's init ran (attempt $attempt); booting again" >&2
done

end=$(sed -n 's/^KLIVE-VM-END rc=\([0-9]*\).*/\1/p' "$log" | tail -n1)
if [ -z "$end" ]; then
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="timed out after $timeout s"
	elif grep -q 'Kernel panic' "$log"; then
		why="kernel panic: $(grep -m1 'Kernel panic' "$log")"
	else
		why="qemu exited (status $rc) before the end marker"
	fi
	echo "klive-vm: FAIL $kid: guest did not finish: $why" >&2
	exit 2
fi
if [ "$end" != 0 ]; then
	echo "klive-vm: FAIL $kid: /klive/run exited with status $end (${secs}s)" >&2
	exit 1
fi
echo "klive-vm: OK $kid (${secs}s)"
