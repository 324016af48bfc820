#!/bin/bash
# lineshift.sh KID - on real objects of kernel KID, a blank line near the top of a file changes no function (TAP).
#
# For each object below, the file is built before and after inserting one
# blank line after its first line (build-objs.sh), which moves every later
# line: bug table entries, pr_debug descriptors, BTF_ID names and __LINE__
# arguments then carry other numbers. The objects must differ, and patchgen
# --list must find nothing changed (no changed or new function besides the
# listed exceptions, no refusal).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
kid=$1
read -ra pgflags <<<"$(kernel_pgflags "$kid")"	# --no-layout-check without debug info
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"
repo=$(cd "$here/../.." && pwd)
out=$repo/build/$kid/lineshift
kdir=$(kernel_kdir "$kid")
src=$(kernel_srcdir "$kid")
make -s -C "$repo/patchgen" >/dev/null || die "building patchgen failed"

# WARN/BUG entries (open, sched/core: the largest), pr_debug (kexec_file),
# BTF_ID (xdp on 6.12), line arguments of __ext4_error-style calls (ext4
# inode, a module object); each with the option it needs ("-": none) and
# the functions that may change. In ext4's inode.c ext4_map_blocks passes
# __LINE__ to __check_block_validity.constprop.0, a clone that only hands
# it on as the line of __ext4_error_inode: not a change. ext4_getblk's
# ASSERT prints __LINE__ through printk's format (in its .cold part on
# 6.1): an argument patchgen does not know as a line, so it counts as
# changed.
objs=(fs/open.o kernel/sched/core.o kernel/kexec_file.o net/core/xdp.o fs/ext4/inode.o)
needs=(- - CONFIG_KEXEC_FILE CONFIG_NET CONFIG_EXT4_FS)
allowed=("" "" "" "" "ext4_getblk")
config=$(kernel_objtree "$kid")/.config
# Without DEBUG_BUGVERBOSE (nolp61) an object may hold no line number at all.
verbose=$(grep -c '^CONFIG_DEBUG_BUGVERBOSE=y' "$config")
mkdir -p "$out"
echo "TAP version 13"
echo "1..${#objs[@]}"
n=0 rc=0
for i in "${!objs[@]}"; do
	obj=${objs[$i]}
	n=$((n + 1))
	c=${obj%.o}.c
	name=lineshift_$(echo "${obj%.o}" | tr '/' '_')
	if [ "${needs[$i]}" != - ] && ! grep -q "^${needs[$i]}=[ym]" "$config"; then
		echo "ok $n $name # SKIP ${needs[$i]} is off in $kid"
		continue
	fi
	dir=$out/${obj%.o}
	pf=$out/$(basename "${obj%.o}").patch
	mkdir -p "$dir"
	# The patch is rewritten only when it changes, so built objects are reused.
	tmp=$(mktemp -d)
	mkdir -p "$tmp/a/$(dirname "$c")" "$tmp/b/$(dirname "$c")"
	cp "$src/$c" "$tmp/a/$c"
	{ head -n 1 "$src/$c"; echo; tail -n +2 "$src/$c"; } >"$tmp/b/$c"
	(cd "$tmp" && diff -u "a/$c" "b/$c" | sed '1,2s/\t.*//') >"$tmp/patch"
	cmp -s "$tmp/patch" "$pf" || cp "$tmp/patch" "$pf"
	rm -rf "$tmp"
	if objs_stale "$kid" "$dir/new.o" "$pf"; then
		if ! "$here/build-objs.sh" "$kid" "$pf" "$obj" "$dir" >"$dir/build.log" 2>&1; then
			echo "# build failed: $(tail -n 1 "$dir/build.log")"
			echo "not ok $n $name"
			rc=1
			continue
		fi
	fi
	"$repo/patchgen/patchgen" --list --kdir "$kdir" "${pgflags[@]}" "$dir/old.o" "$dir/new.o" \
		>"$dir/list" 2>"$dir/err"
	status=$?
	changed=$(sed -n 's/^\(changed\|new\) //p' "$dir/list" | tr '\n' ' ')
	refused=$(grep -c '^refuse ' "$dir/list")
	extra=""
	for f in $changed; do
		case " ${allowed[$i]} " in *" $f "*) ;; *) extra="$extra $f" ;; esac
	done
	echo "# $obj: exit $status, changed/new: ${changed:-none}, $refused refused: $(grep -v ': warning: ' "$dir/err" | head -n 3)"
	if cmp -s "$dir/old.o" "$dir/new.o" && [ "$verbose" = 0 ]; then
		echo "ok $n $name # SKIP no line numbers in $kid's objects (no DEBUG_BUGVERBOSE)"
	elif cmp -s "$dir/old.o" "$dir/new.o"; then
		echo "# $obj: old and new objects are identical, the line shift did not take"
		echo "not ok $n $name"
		rc=1
	elif [ -z "$extra" ] && [ "$refused" = 0 ] &&
	     { { [ -n "$changed" ] && [ "$status" = 0 ]; } ||
	       { [ "$status" = 1 ] && grep -q 'nothing changed' "$dir/err"; }; }; then
		echo "ok $n $name"
	else
		echo "# unexpected:${extra:- none}; $(grep '^refuse ' "$dir/list" | head -n 3)"
		echo "not ok $n $name"
		rc=1
	fi
done
exit $rc
