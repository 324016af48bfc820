#!/bin/bash
# tap-count.sh KID LOG [KID LOG...] - count the kselftest TAP results in guest console logs.
#
# Prints every result line prefixed with its kernel id, then per kernel and
# in total pass/fail/skip. A TAP stream without a plan or with fewer results
# than planned, a log without any TAP, a guest that never reached
# KLIVE-VM-END, or a kernel BUG/Oops/WARNING/panic each count as a failure.
# Exits 1 if anything failed.
. "$(dirname "$0")/kernels.sh"
[ $# -ge 2 ] && [ $(($# % 2)) = 0 ] || die "usage: $0 KERNEL-ID LOG [KERNEL-ID LOG...]"

total_pass=0 total_fail=0 total_skip=0
while [ $# -ge 2 ]; do
	kid=$1 log=$2
	shift 2
	[ -r "$log" ] || die "cannot read $log"
	counts=$(awk -v kid="$kid" '
		function bad(why) { print kid ": not ok - " why; fail++ }
		# Close a TAP stream: its plan must exist and match its results.
		function end_stream() {
			if (!open)
				return
			if (plan < 0)
				bad("TAP stream " streams " has no plan")
			else if (results != plan)
				bad("TAP stream " streams " planned " plan " tests, ran " results)
			open = 0
		}
		function start_stream() { end_stream(); open = 1; streams++; plan = -1; results = 0 }
		{ sub(/\r$/, "") }
		/^TAP version / { start_stream(); next }
		/^1\.\.[0-9]+/ {
			if (!open || plan >= 0)
				start_stream()
			plan = substr($1, 4) + 0
			next
		}
		/^(not )?ok [0-9]+/ {
			if (!open)
				start_stream()
			results++
			print kid ": " $0
			if ($1 == "not")
				fail++
			else if ($0 ~ /# [Ss][Kk][Ii][Pp]/)
				skip++
			else
				pass++
			next
		}
		/^Bail out!/ { print kid ": " $0; fail++; next }
		/(^|\] )(BUG:|Oops|WARNING: CPU:|Kernel panic|kernel BUG at|general protection fault)/ {
			bad("kernel: " $0)
			next
		}
		/^KLIVE-VM-END rc=/ { ended = 1; rc = substr($2, 4) + 0 }
		END {
			end_stream()
			if (!streams)
				bad("no TAP output")
			if (!ended)
				bad("guest did not reach KLIVE-VM-END (crash, hang or timeout)")
			else if (rc != 0 && !fail)
				bad("guest /klive/run exited with " rc)
			printf "COUNTS %d %d %d\n", pass, fail, skip
		}' "$log")
	echo "$counts" | grep -v '^COUNTS '
	read -r _ pass fail skip <<<"$(echo "$counts" | grep '^COUNTS ')"
	echo "$kid: pass=$pass fail=$fail skip=$skip"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done
echo "total: pass=$total_pass fail=$total_fail skip=$total_skip"
[ "$total_fail" = 0 ]
