#!/bin/sh
# demo-guest.sh - what `make demo` runs inside the VM: before, patch, status, after, undo.
# Runs in /klive (klive.ko, cmdline_fix.ko); each command shown is the one run.
cd /klive || exit 1
LP=/sys/kernel/livepatch/cmdline_fix

step() { echo; echo "### $*"; }
show_status() {
	for f in enabled transition; do
		printf '    %s/%s = %s\n' "$LP" "$f" "$(cat $LP/$f 2>/dev/null || echo '(gone)')"
	done
}

step "Before: the kernel command line leaks a password"
echo '$ cat /proc/cmdline'; cat /proc/cmdline

step "Load the klive core, then the patch built by patchgen"
echo '$ insmod klive.ko'; insmod klive.ko || exit 1
echo '$ insmod cmdline_fix.ko'; insmod cmdline_fix.ko || exit 1
echo '$ ls /sys/kernel/livepatch/'; ls /sys/kernel/livepatch/
echo '$ find /sys/kernel/livepatch/cmdline_fix'; find $LP | sed 's/^/    /'
show_status
i=0
while [ "$(cat $LP/transition)" != 0 ] && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
echo "  transition finished:"
show_status

step "After: the same file, served by the patched cmdline_proc_show"
echo '$ cat /proc/cmdline'; cat /proc/cmdline

step "Undo: disable the patch, wait, remove it"
echo "\$ echo 0 > $LP/enabled"; echo 0 > $LP/enabled
i=0
while [ -d $LP ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
show_status
echo '$ rmmod cmdline_fix'; rmmod cmdline_fix
echo '$ cat /proc/cmdline'; cat /proc/cmdline

step "Kernel log (klive lines)"
dmesg | grep -i klive | sed 's/^/    /'
