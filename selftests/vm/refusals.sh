#!/bin/bash
# refusals.sh KID - check on real objects of kernel KID that patchgen refuses what it cannot patch (TAP).
#
# For every selftests/vm/refusals/NAME.patch the changed objects are built
# before and after it (build-objs.sh) and patchgen must exit non-zero with a
# one-line "patchgen: ..." reason (besides warnings) and write no module.
# Prints a kselftest style TAP stream; exit status 1 when a check failed. A
# header line "Skip: KID why" in a patch skips it on kernel KID (the change
# is patchable there, e.g. the function is inlined into a traceable one).
# A header line "Expect: TEXT" requires the reason to contain TEXT, so the
# patch is refused for what it is about and not for something else.
# patchgen gets the kernel's own options (kernel_pgflags: --no-layout-check
# for a kernel without debug info), unless a line "Expect-KID: TEXT" names
# the reason to expect on KID without them.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
kid=$1
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"
repo=$(cd "$here/../.." && pwd)
out=$repo/build/$kid/refusals
kdir=$(kernel_kdir "$kid")
make -s -C "$repo/patchgen" >/dev/null || die "building patchgen failed"
symlist=$("$here/kallsyms.sh" "$kid") || die "no symbol list for $kid"
# klive.ko as stage.sh built it for this kernel: without its symbol versions
# patchgen stops before reading the objects (a refusal, but not the one meant)
symvers=$repo/build/$kid/src/klive/core/Module.symvers
svargs=()
[ -r "$symvers" ] && svargs=(--klive-symvers "$symvers")

patches=("$here"/refusals/*.patch)
echo "TAP version 13"
echo "1..${#patches[@]}"
n=0 rc=0
for pf in "${patches[@]}"; do
	n=$((n + 1))
	name=$(basename "$pf" .patch)
	skip=$(sed -n "s/^Skip: $kid //p" "$pf")
	expect=$(sed -n 's/^Expect: //p' "$pf")
	read -ra pgflags <<<"$(kernel_pgflags "$kid")"
	if grep -q "^Expect-$kid: " "$pf"; then
		expect=$(sed -n "s/^Expect-$kid: //p" "$pf")
		pgflags=()
	fi
	if [ -n "$skip" ]; then
		echo "ok $n refusal_$name # SKIP $skip"
		continue
	fi
	pairs=()
	for src in $(sed -n 's|^+++ [^/]*/\([^[:space:]]*\.c\).*|\1|p' "$pf"); do
		dir=$out/$name/${src%.c}
		"$here/build-objs.sh" "$kid" "$pf" "${src%.c}.o" "$dir" >"$out.$name.log" 2>&1 ||
			{ echo "# build failed: $(tail -n 1 "$out.$name.log")"; pairs=(); break; }
		pairs+=("$dir/old.o" "$dir/new.o")
	done
	ko=$out/$name/refused.ko
	rm -f "$ko"
	if [ ${#pairs[@]} -gt 0 ]; then
		msg=$("$repo/patchgen/patchgen" --kdir "$kdir" --system-map "$symlist" "${svargs[@]}" "${pgflags[@]}" \
			-o "$ko" "${pairs[@]}" 2>&1 >/dev/null)
		status=$?
	else
		msg="" status=0
	fi
	# Exactly one reason; warnings (e.g. no System.map) do not count.
	lines=$(printf '%s\n' "$msg" | grep -v '^patchgen: [^ ]*: warning: ' | grep -c '^patchgen: .*')
	echo "# $name: exit $status: $msg"
	if [ "$status" -ne 0 ] && [ "$lines" = 1 ] && [ ! -e "$ko" ] &&
	   { [ -z "$expect" ] || [[ "$msg" == *"$expect"* ]]; }; then
		echo "ok $n refusal_$name"
	else
		echo "not ok $n refusal_$name"
		rc=1
	fi
done
exit $rc
