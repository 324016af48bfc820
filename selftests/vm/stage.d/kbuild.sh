# kbuild.sh - stage hook: a fix built from source by `klive build` (a header change: two objects).
#
# Sourced by stage.sh after fixes.sh. Runs klive build on samples/vmlinux/hostname's
# fix in the kernel's cached tree, holding the tree's lock, and puts
# kbuild_fix.ko into $guest; checks that the source tree is unpatched after.
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out kdir guest klive_dir
make -s -C "$repo/cli" >/dev/null || die "building the klive command failed"
kb_fix=$repo/samples/vmlinux/hostname/fix.patch
[ "$(kernel_release "$kid" | cut -c1-5)" = 6.12. ] && [ -r "${kb_fix%.patch}-6.12.patch" ] &&
	kb_fix=${kb_fix%.patch}-6.12.patch
# A tree built whole (nolp61) tells which objects include the header; the
# Debian ones are prepared only, so the test names them (--objects).
kb_objs=()
[ -f "$(kernel_objtree "$kid")/vmlinux.o" ] || kb_objs=(--objects kernel/sys.o,kernel/utsname_sysctl.o)
echo "  KBUILD  $kid klive build $(basename "$(dirname "$kb_fix")")/$(basename "$kb_fix") ${kb_objs[*]}"
(
	flock 9
	"$repo/cli/klive" build --src "$(kernel_srcdir "$kid")" --obj "$(kernel_objtree "$kid")" \
		--kdir "$kdir" --klive-symvers "$klive_dir/Module.symvers" --system-map "$symlist" \
		--name kbuild_fix "${kb_objs[@]}" "${pgflags[@]}" "$kb_fix" -o "$guest/kbuild_fix.ko" >"$out/kbuild.log" 2>&1 ||
		{ cat "$out/kbuild.log"; exit 1; }
	# still under the lock: another build may patch the source once it is free
	patch -d "$(kernel_srcdir "$kid")" -p1 -s -f --dry-run <"$kb_fix" >/dev/null ||
		{ echo "klive build left $(kernel_srcdir "$kid") patched"; exit 1; }
) 9>"$(kernel_srclock "$kid")" || die "klive build failed for $kid"
unset kb_fix kb_objs
