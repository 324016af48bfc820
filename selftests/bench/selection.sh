#!/bin/bash
# selection.sh KID - compare the functions patchgen selects with a reference on real fixes, objects built plain and with -ffunction-sections.
#
# For every real fix (samples/vmlinux/*/fix.patch or fix-6.12.patch,
# selftests/bench/*.patch, selftests/vm/refusals/*.patch) and every .c file
# it changes, builds the object of kernel KID before and after the fix
# twice (build-objs.sh): plain, as Kbuild does, and with
# KCFLAGS="-ffunction-sections -fdata-sections" (Kbuild reads KCFLAGS from
# the environment build-objs.sh runs make in). Then prints per object the
# functions `patchgen --list` selects (changed and new) for both builds, the
# functions kpatch's create-diff-object reports changed or new on the
# -ffunction-sections build (the reference: set KPATCH_DIFF to its
# kpatch-diff wrapper, else that column reads n/a), and the function the
# source diff touches (the nearest definition line above each hunk, for
# reading). A line "AGREE" or "DIFFER" ends each object; the totals follow.
#
# create-diff-object wants the target's symbol table; the old object's own
# (readelf -s) stands in for it, which is enough for the changed-function
# list (it only names symbols, every one of which it holds). On 6.12 it
# refuses the objects (function padding puts symbols 16 bytes into their
# sections), so there only the two builds are compared.
set -u
here=$(cd "$(dirname "$0")" && pwd)
vm=$here/../vm
. "$vm/kernels.sh"
kid=${1:-}
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"
repo=$(cd "$here/../.." && pwd)
out=$repo/build/$kid/selection
kdir=$(kernel_kdir "$kid")
src=$(kernel_srcdir "$kid")
peer=${KPATCH_DIFF:-$(command -v kpatch-diff || true)}
make -s -C "$repo/patchgen" >/dev/null || die "building patchgen failed"
mkdir -p "$out"
read -ra pgflags <<<"$(kernel_pgflags "$kid")"	# --no-layout-check without debug info

# struct alt_instr grew to 14 bytes in 6.3; the wrapper's other sizes hold for 6.1 and 6.12
case "$(kernel_release "$kid")" in
6.12.*) export ALT_STRUCT_SIZE=14 ;;
esac

fixes=()
for d in "$repo"/samples/vmlinux/*/; do
	pf=$d/fix.patch
	case "$(kernel_release "$kid")" in
	6.12.*) [ -r "$d/fix-6.12.patch" ] && pf=$d/fix-6.12.patch ;;
	esac
	fixes+=("$(basename "$d"):$pf")
done
for pf in "$here"/*.patch "$vm"/refusals/*.patch; do
	fixes+=("$(basename "$pf" .patch):$pf")
done

# patchgen's selection: "F" for changed and new functions, sorted
pg_set() {	# pg_set OLD NEW LOG
	"$repo/patchgen/patchgen" --list --kdir "$kdir" "${pgflags[@]}" -o "$out/unused.ko" "$1" "$2" >"$3" 2>&1
	sed -n 's/^\(changed\|new\) //p' "$3" | sort -u | tr '\n' ' '
}

# the reference's: changed and new functions, and those it refuses by name
# (a function without an ftrace entry); "(refused)" when it stops
peer_set() {	# peer_set OLD NEW LOG
	local rc=0
	[ -n "$peer" ] || { echo "n/a"; return; }
	readelf -s --wide "$1" >"$3.symtab"
	"$peer" "$1" "$2" "$3.symtab" "$kdir" >"$3" 2>&1 || rc=1
	sed -n -e 's/.*\(changed\|new\) function: //p' \
		-e "s/^ERROR: function \([^ ]*\) doesn't have patchable function entry.*/\1/p" "$3" |
		sort -u | tr '\n' ' '
	[ $rc = 0 ] || printf '(refused: %s)' "$(grep -m 1 'ERROR' "$3" | sed 's/.*ERROR: //')"
}

# the function definition line above each hunk of PATCH in FILE (the
# pristine source: build-objs.sh reverses the fix)
src_funcs() {	# src_funcs PATCH FILE
	awk -v f="$2" '
		/^\+\+\+ / { cur = $2; sub(/^[^\/]*\//, "", cur); next }
		/^@@ / && cur == f { split($2, a, ","); sub(/^-/, "", a[1]); print a[1] + 3 }
	' "$1" | while read -r line; do
		head -n "$line" "$src/$2" | grep -E '^[A-Za-z_].*\(' | grep -v ';[[:space:]]*$' | tail -n 1
	done | sed 's/[[:space:]]*{\?[[:space:]]*$//' | sort -u | paste -sd '|'
}

nobj=0 nagree=0 nplain=0 nfs=0
for fix in "${fixes[@]}"; do
	name=${fix%%:*} pf=${fix#*:}
	for c in $(sed -n 's|^+++ [^/]*/\([^[:space:]]*\.c\).*|\1|p' "$pf"); do
		obj=${c%.c}.o
		sets=()
		ok=1
		for variant in plain fs; do
			dir=$out/$name/$variant/${c%.c}
			flags=
			mkdir -p "$(dirname "$dir")"
			[ $variant = fs ] && flags="-ffunction-sections -fdata-sections"
			if [ ! -f "$dir/new.o" ] || [ "$pf" -nt "$dir/new.o" ]; then
				KCFLAGS=$flags "$vm/build-objs.sh" "$kid" "$pf" "$obj" "$dir" >"$dir.build.log" 2>&1 ||
					{ echo "# $name $obj ($variant): build failed: $(tail -n 1 "$dir.build.log")"; ok=0; break; }
			fi
			sets+=("$(pg_set "$dir/old.o" "$dir/new.o" "$dir/patchgen.log")")
		done
		[ $ok = 1 ] || continue
		ref=$(peer_set "$dir/old.o" "$dir/new.o" "$dir/peer.log")
		nobj=$((nobj + 1))
		printf '%s %s\n' "$name" "$obj"
		printf '  source:           %s\n' "$(src_funcs "$pf" "$c")"
		printf '  patchgen plain:   %s\n' "${sets[0]}"
		printf '  patchgen fsect:   %s\n' "${sets[1]}"
		printf '  create-diff-obj:  %s\n' "$ref"
		verdict=AGREE
		[ "${sets[0]}" = "${sets[1]}" ] || { verdict=DIFFER; nplain=$((nplain + 1)); }
		[ "${ref%%(refused*}" = "${sets[1]}" ] || { verdict=DIFFER; nfs=$((nfs + 1)); }
		[ $verdict = AGREE ] && nagree=$((nagree + 1))
		echo "  $verdict"
	done
done
echo "$kid: $nobj objects, $nagree agree; plain != fsect: $nplain; fsect != create-diff-object: $nfs"
