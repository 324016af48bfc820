#!/bin/bash
# demo-commands.sh - make demo works, and every host command it prints runs as printed (TAP).
#
# Runs samples/demo.sh, checks what the guest showed (the password hidden
# while patched, back after), then runs each "$ ..." line the demo printed
# on the host again, exactly as printed, from the repository directory.
set -u -o pipefail
cd "$(dirname "$0")/.."
log=build/demo.log
mkdir -p build
echo "1..3"
bash samples/demo.sh >"$log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -qF 'app.password=********' "$log" &&
   [ "$(grep -c 'app.password=hunter2' "$log")" -ge 2 ]; then
	echo "ok 1 - make demo patches and unpatches /proc/cmdline"
else
	echo "not ok 1 - make demo patches and unpatches /proc/cmdline (rc=$rc, see $log)"
fi
# host commands come before the VM boots
cmds=$(sed -n '/^--- booting/q; s/^\$ //p' "$log")
n=$(printf '%s\n' "$cmds" | grep -c .)
failed=
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	eval "$cmd" >build/demo-rerun.log 2>&1 || failed="$failed [$cmd]"
done <<<"$cmds"
if [ "$n" -ge 2 ] && [ -z "$failed" ]; then
	echo "ok 2 - the $n host commands the demo printed run as printed"
else
	echo "not ok 2 - the host commands the demo printed run as printed: $n found, failed:$failed"
fi
if printf '%s\n' "$cmds" | grep -q '^patchgen/patchgen ' &&
   ! printf '%s\n' "$cmds" | grep -q -- '--klive-symvers'; then
	echo "ok 3 - the printed patchgen command needs no --klive-symvers"
else
	echo "not ok 3 - the printed patchgen command needs no --klive-symvers"
fi
