# fixes.sh - stage hook: build the sample vmlinux fixes of samples/vmlinux/ into patch modules.
#
# Sourced by stage.sh with kid, repo, out, kdir, guest, klive_dir and the
# functions build_module and patchgen. For every samples/vmlinux/NAME other
# than cmdline (stage.sh builds that one), the objects of the .c files the
# fix touches are built before and after it (fix-6.12.patch instead of
# fix.patch on 6.12 kernels when present) and patchgen turns all the pairs
# into one module, $guest/fix_NAME.ko. Objects are rebuilt only when the fix
# changed since they were built. patchgen gets the kernel's symbol list
# ($symlist from stage.sh: kallsyms.sh, a one-time boot for a Debian kernel)
# to find the sympos of local symbols whose name occurs several times.
# The fixes in $nomap_fixes (each names an ambiguous local symbol) are
# built a second time with no symbol list at all, as with only the headers
# package, into $guest/fix_NAME_nomap.ko: klive.ko finds those symbols by
# the neighbours the patch carries.
nomap_fixes="kallsyms_abs rebootmode oomwarn"

# The patch file of fix directory $1 for this kernel.
fix_patchfile() {
	case "$(kernel_release "$kid")" in
	6.12.*) [ -r "$1/fix-6.12.patch" ] && { echo "$1/fix-6.12.patch"; return; } ;;
	esac
	echo "$1/fix.patch"
}

mkdir -p "$out/fixes"
# 1 when the fixes are built with --no-layout-check (no DWARF): klive.ko says so
if [ ${#pgflags[@]} -gt 0 ]; then echo 1; else echo 0; fi >"$guest/layouts_unchecked"
for fixdir in "$repo"/samples/vmlinux/*/; do
	fixdir=${fixdir%/}
	name=$(basename "$fixdir")
	[ "$name" = cmdline ] && continue
	# "unsupported" lists the kernels patchgen refuses this fix on, with
	# why; the guest test reports that line as its SKIP reason.
	if grep -qs "^$kid:" "$fixdir/unsupported"; then
		grep "^$kid:" "$fixdir/unsupported" >"$guest/fix_$name.unsupported"
		echo "  SKIP    $kid fix $name: $(cat "$guest/fix_$name.unsupported")"
		continue
	fi
	pf=$(fix_patchfile "$fixdir")
	pairs=()
	for src in $(sed -n 's|^+++ [^/]*/\([^[:space:]]*\.c\).*|\1|p' "$pf"); do
		obj=${src%.c}.o
		dir=$out/fixes/$name/${src%.c}
		if objs_stale "$kid" "$dir/new.o" "$pf"; then
			"$repo/selftests/vm/build-objs.sh" "$kid" "$pf" "$obj" "$dir"
		fi
		pairs+=("$dir/old.o" "$dir/new.o")
	done
	patchgen --system-map "$symlist" -o "$out/fixes/fix_$name.ko" "${pairs[@]}" >"$out/fixes/$name.log" 2>&1 ||
		{ cat "$out/fixes/$name.log"; die "patchgen failed for fix $name on $kid"; }
	cp "$out/fixes/fix_$name.ko" "$guest/"
	case " $nomap_fixes " in
	*" $name "*)
		patchgen --no-system-map -o "$out/fixes/fix_${name}_nomap.ko" "${pairs[@]}" \
			>"$out/fixes/${name}_nomap.log" 2>&1 ||
			{ cat "$out/fixes/${name}_nomap.log"; die "patchgen --no-system-map failed for fix $name on $kid"; }
		cp "$out/fixes/fix_${name}_nomap.ko" "$guest/" ;;
	esac
done
