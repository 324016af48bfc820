#!/bin/bash
# run.sh - host tests of patchgen: fixture pairs compiled with kernel-like flags, no kernel needed.
#
# Builds patchgen with ASan+UBSan, compiles each cases/NAME/{old,new}.c twice
# (plain, and with -ffunction-sections -fdata-sections), runs patchgen --list
# against a fake kernel directory and checks cases/NAME/expect:
#   +LINE   the --list output has this line
#   -LINE   the --list output does not have this line
#   ~RE     the --list output has a line matching extended regular expression RE
#   !TEXT   patchgen fails (exit 1) and its stderr contains TEXT
# Prints "ok N - name" / "not ok N - name" and "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$repo/build/host-tests
pg=$repo/build/patchgen-san/patchgen
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

make -s -C "$repo/patchgen" SANITIZE=1 >/dev/null || { echo "not ok 1 - build patchgen"; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$build"
mkdir -p "$build/kdir"
kdir=$build/kdir
printf '0x00000000\t%s\tvmlinux\tEXPORT_SYMBOL\t\n' seq_puts seq_putc printk __fentry__ boot_cpu_data \
	__x86_return_thunk > "$kdir/Module.symvers"
# case modexport: an export of the target module itself, and one of another
printf '0x00000000\t%s\t%s\tEXPORT_SYMBOL\t\n' modexport_shared drivers/misc/modexport \
	modexport_other drivers/misc/othermod >> "$kdir/Module.symvers"
echo 'CONFIG_X86_64=y' > "$kdir/.config"
mkdir -p "$kdir/include/generated"
echo '#define UTS_RELEASE "6.1.0-test"' > "$kdir/include/generated/utsrelease.h"

cflags=(-O2 -g -mfentry -pg -mrecord-mcount -mcmodel=kernel -fno-PIE -fno-pic -mno-red-zone
	-fno-asynchronous-unwind-tables -fno-stack-protector -ffreestanding -fno-common -w)

n=0 passed=0 failed=0
result() {	# result OK NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		passed=$((passed + 1)); echo "ok $n - $2"
	else
		failed=$((failed + 1)); echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '#   %s\n' "${3//$'\n'/$'\n'#   }"
	fi
}

# A System.map for a case: every symbol of OLD once (or the case's own
# list in kallsyms order, file "kallsyms"), padded past the placeholder
# check, plus the case's own extra lines.
sysmap() {	# sysmap OLD.o CASEDIR OUT
	{
		for i in $(seq 1 120); do printf 'ffffffff81%06x t filler_%d\n' "$i" "$i"; done
		if [ -f "$2/kallsyms" ]; then cat "$2/kallsyms"; else nm "$1" | awk 'NF == 3 { print }'; fi
		echo "ffffffff82000000 D saved_command_line"
		[ -f "$2/sysmap" ] && cat "$2/sysmap"
	} > "$3"
}

check_expect() {	# check_expect EXPECT RC OUT ERR -> prints problems
	local line
	while IFS= read -r line; do
		case "$line" in
		+*) grep -qxF -- "${line#+}" "$3" || echo "missing line: ${line#+}" ;;
		-*) grep -qxF -- "${line#-}" "$3" && echo "unexpected line: ${line#-}" ;;
		"~"*) grep -qxE -- "${line:1}" "$3" || echo "no line matches: ${line:1}" ;;
		!*) [ "$2" = 1 ] || echo "exit status $2, expected 1"
		    grep -qF -- "${line#!}" "$4" || echo "stderr lacks: ${line#!}" ;;
		esac
	done < "$1"
	if ! grep -q '^!' "$1" && [ "$2" != 0 ]; then echo "exit status $2, expected 0"; fi
	grep -q 'runtime error\|AddressSanitizer' "$4" && echo "sanitizer report"
	return 0
}

for dir in "$here"/cases/*/; do
	name=$(basename "$dir")
	for variant in plain fsections; do
		flags=("${cflags[@]}")
		[ $variant = fsections ] && flags+=(-ffunction-sections -fdata-sections)
		w=$build/$name-$variant
		mkdir -p "$w/old" "$w/new"
		if ! gcc "${flags[@]}" -c "$dir/old.c" -o "$w/old/$name.o" 2>"$w/cc.err" ||
		   ! gcc "${flags[@]}" -c "$dir/new.c" -o "$w/new/$name.o" 2>>"$w/cc.err"; then
			result 1 "$name ($variant)" "$(cat "$w/cc.err")"
			continue
		fi
		sysmap "$w/old/$name.o" "$dir" "$w/System.map"
		"$pg" --list --kdir "$kdir" --system-map "$w/System.map" \
			"$w/old/$name.o" "$w/new/$name.o" >"$w/out" 2>"$w/err"
		rc=$?
		problems=$(check_expect "$dir/expect" "$rc" "$w/out" "$w/err")
		result "$([ -z "$problems" ] && echo 0 || echo 1)" "$name ($variant)" \
			"$problems$(printf '\n--- stdout\n%s\n--- stderr\n%s' "$(cat "$w/out")" "$(cat "$w/err")")"
	done
done

# Bad input: each must fail with one line naming the file and the reason.
bad() {	# bad NAME EXPECTED-TEXT ARGS...
	local name=$1 text=$2 rc
	shift 2
	"$pg" "$@" >"$build/bad.out" 2>"$build/bad.err"
	rc=$?
	if [ $rc = 1 ] && grep -qF -- "$text" "$build/bad.err" && [ "$(wc -l <"$build/bad.err")" = 1 ] &&
	   grep -q '^patchgen: ' "$build/bad.err" && [ ! -e "$build/out.ko" ]; then
		result 0 "$name"
	else
		result 1 "$name" "rc=$rc; stderr: $(cat "$build/bad.err")"
	fi
}
b=$build/bad
mkdir -p "$b"
good=$build/changed-plain/old/changed.o
echo 'not an object' > "$b/text.o"
echo 'int f(void) { return 1; }' > "$b/f.c"
gcc -shared -fPIC -o "$b/lib.so" "$b/f.c"
echo 'int main(void) { return 0; }' > "$b/main.c"
gcc -o "$b/exe" "$b/main.c"
gcc -m32 -c -o "$b/i386.o" "$b/f.c"
bad "not an ELF file" "not an ELF file" --kdir "$kdir" "$b/text.o" "$good" -o "$build/out.ko"
bad "shared object instead of .o" "not an ELF relocatable object" --kdir "$kdir" "$good" "$b/lib.so" -o "$build/out.ko"
bad "executable instead of .o" "not an ELF relocatable object" --kdir "$kdir" "$b/exe" "$good" -o "$build/out.ko"
bad "mismatched machine" "not an x86-64 object" --kdir "$kdir" "$good" "$b/i386.o" -o "$build/out.ko"
bad "unrelated objects" "do not match" --kdir "$kdir" "$good" "$build/string-plain/old/string.o" -o "$build/out.ko"
bad "missing kdir" "kernel build directory does not exist" --kdir "$b/nokdir" "$good" "$good" -o "$build/out.ko"
bad "identical objects" "nothing changed" --kdir "$kdir" "$good" "$good" -o "$build/out.ko"
bad "odd number of objects" "give pairs of objects" --kdir "$kdir" "$good" -o "$build/out.ko"
bad "output not .ko" "must be a .ko file" --kdir "$kdir" "$good" "$good" -o "$build/out.o"
# A MODVERSIONS kernel with no klive.ko built for it: refused before any work.
mvkdir=$build/kdir-modversions
cp -r "$kdir" "$mvkdir"
echo 'CONFIG_MODVERSIONS=y' >> "$mvkdir/.config"
echo '#define UTS_RELEASE "6.1.0-klive-none"' > "$mvkdir/include/generated/utsrelease.h"
bad "no klive.ko for a MODVERSIONS kernel" "no klive.ko for 6.1.0-klive-none found" --kdir "$mvkdir" \
	"$good" "$build/changed-plain/new/changed.o" -o "$build/out.ko"
bad "unreadable --klive-symvers" "cannot read klive.ko's Module.symvers" --kdir "$mvkdir" \
	--klive-symvers "$b/none.symvers" "$good" "$build/changed-plain/new/changed.o" -o "$build/out.ko"

# Several pairs go into one patch.
"$pg" --list --kdir "$kdir" --system-map "$build/changed-plain/System.map" \
	"$build/changed-plain/old/changed.o" "$build/changed-plain/new/changed.o" \
	"$build/string-plain/old/string.o" "$build/string-plain/new/string.o" >"$build/multi.out" 2>"$build/multi.err"
rc=$?
# string.o's symbols are not in changed's System.map: greet must be refused as unknown
if [ $rc = 1 ] && grep -qx 'changed calc' "$build/multi.out" && grep -qx 'changed greet' "$build/multi.out" &&
   grep -q "symbol 'greet' is not in System.map" "$build/multi.err"; then
	result 0 "two pairs in one patch"
else
	result 1 "two pairs in one patch" "rc=$rc $(cat "$build/multi.out" "$build/multi.err")"
fi

# Without a symbol list: the patch carries the neighbours of each local
# symbol it names (klive.ko finds it at load time), and a fresh copy of a
# print-once flag to fall back on; with a list, none.
sl=$build/staticlocal_once-plain
sp=$build/sympos-plain
"$pg" --list --kdir "$kdir" "$sl/old/staticlocal_once.o" "$sl/new/staticlocal_once.o" >"$build/nomap1.out" 2>"$build/nomap1.err"
rc1=$?
"$pg" --list --kdir "$kdir" "$sp/old/sympos.o" "$sp/new/sympos.o" >"$build/nomap2.out" 2>"$build/nomap2.err"
rc2=$?
if [ $rc1 = 0 ] && [ $rc2 = 0 ] &&
   grep -qx 'symev __already_done.0 run [0-9]* near [1-9][0-9]* fresh __already_done.0.klive_fresh' "$build/nomap1.out" &&
   grep -qx 'symev __already_done.1 run [0-9]* near [1-9][0-9]* fresh __already_done.1.klive_fresh' "$build/nomap1.out" &&
   ! grep -q '^symev wo_' "$build/nomap1.out" &&
   grep -qx 'symev sp_dup run 4 near 3 text' "$build/nomap2.out" &&
   grep -qx 'symev sp_twin run 4 near 3 text' "$build/nomap2.out" &&
   ! grep -q '^symev' "$sp/out" "$sl/out" &&
   grep -q "no System.map (--system-map): klive.ko tells local symbols" "$build/nomap2.err"; then
	result 0 "no symbol list: neighbours of local symbols recorded for klive.ko"
else
	result 1 "no symbol list: neighbours of local symbols recorded for klive.ko" \
		"rc=$rc1,$rc2 $(cat "$build/nomap1.out" "$build/nomap1.err" "$build/nomap2.out" "$build/nomap2.err")"
fi
# -fdata-sections: a static in a section of its own has no run; what the
# patch carries for klive.ko is its object's other symbols of the area.
sd=$build/sympos_datasec-fsections
"$pg" --list --kdir "$kdir" "$sd/old/sympos_datasec.o" "$sd/new/sympos_datasec.o" >"$build/nomap4.out" 2>"$build/nomap4.err"
rc=$?
[ $rc = 0 ] && grep -qx 'symev sd_count run 1 near 1' "$build/nomap4.out"
result $? "no symbol list: a static in a section of its own is found by its neighbours" \
	"rc=$rc $(cat "$build/nomap4.out" "$build/nomap4.err")"
# Globals get no neighbours (kallsyms does not tell klive.ko a symbol's
# binding): one warning names them, only without a list.
if grep -qx "patchgen: $kdir: warning: without the kernel's symbol list, klive.ko takes the global symbol 'sp_alpha' only if it is the only one of that name in kallsyms: .*" "$build/nomap2.err" &&
   ! grep -q '^symev sp_alpha' "$build/nomap2.out" &&
   ! grep -q 'takes the global symbol' "$sp/err"; then
	result 0 "no symbol list: the global names left to klive.ko are named in one warning"
else
	result 1 "no symbol list: the global names left to klive.ko are named in one warning" \
		"$(cat "$build/nomap2.out" "$build/nomap2.err" "$sp/err")"
fi
# A kdir for the running kernel: its /proc/kallsyms is the list, when it
# shows addresses (this host's kernel has none of the case's symbols).
rk=$build/kdir-running
cp -r "$kdir" "$rk"
echo "#define UTS_RELEASE \"$(uname -r)\"" > "$rk/include/generated/utsrelease.h"
"$pg" --list --kdir "$rk" "$sp/old/sympos.o" "$sp/new/sympos.o" >"$build/running.out" 2>"$build/running.err"
rc=$?
if head -n1 /proc/kallsyms | grep -q '^0* '; then
	grep -qx 'symev sp_dup run 4 near 3 text' "$build/running.out"
else
	[ $rc = 1 ] && grep -q "symbol 'sp_[a-z]*' is not in System.map" "$build/running.err" &&
		! grep -q '^symev' "$build/running.out"
fi
result $? "the running kernel's /proc/kallsyms is the default symbol list" \
	"rc=$rc $(cat "$build/running.out" "$build/running.err")"
# A local name defined by two objects of one patch: only a list tells them apart.
"$pg" --list --kdir "$kdir" "$sp/old/sympos.o" "$sp/new/sympos.o" \
	"$build/sympos-fsections/old/sympos.o" "$build/sympos-fsections/new/sympos.o" \
	>"$build/nomap3.out" 2>"$build/nomap3.err"
rc=$?
if [ $rc = 1 ] && grep -q "local symbol 'sp_[a-z]*' is also defined in .*: without the kernel's symbol list" "$build/nomap3.err"; then
	result 0 "no symbol list: a local name of two objects is refused"
else
	result 1 "no symbol list: a local name of two objects is refused" "rc=$rc $(cat "$build/nomap3.out" "$build/nomap3.err")"
fi

# Objects without DWARF (no -g): refused by default with one line naming
# the reason and the opt-in; with --no-layout-check built, with a warning
# that type layouts were not checked, once for each such object, and the
# patch marked for klive.ko's log line; none with DWARF.
nd=$build/nodwarf
mkdir -p "$nd/old" "$nd/new"
nodebug=()
for f in "${cflags[@]}"; do [ "$f" = -g ] || nodebug+=("$f"); done
gcc "${nodebug[@]}" -c "$here/cases/changed/old.c" -o "$nd/old/changed.o" &&
gcc "${nodebug[@]}" -c "$here/cases/changed/new.c" -o "$nd/new/changed.o"
"$pg" --kdir "$kdir" --system-map "$build/changed-plain/System.map" \
	"$nd/old/changed.o" "$nd/new/changed.o" -o "$nd/fix.ko" >"$nd/out0" 2>"$nd/err0"
rc=$?
if [ $rc = 1 ] && [ ! -e "$nd/fix.ko" ] && [ "$(wc -l <"$nd/err0")" = 1 ] &&
   grep -qx "patchgen: $nd/old/changed.o: no DWARF: the layouts of the types the changed code uses cannot be checked; .*--no-layout-check.*" "$nd/err0"; then
	result 0 "objects without DWARF: refused by default"
else
	result 1 "objects without DWARF: refused by default" "rc=$rc $(cat "$nd/out0" "$nd/err0")"
fi
"$pg" --list --no-layout-check --kdir "$kdir" --system-map "$build/changed-plain/System.map" \
	"$nd/old/changed.o" "$nd/new/changed.o" >"$nd/out" 2>"$nd/err"
rc=$?
if [ $rc = 0 ] && grep -qx 'changed calc' "$nd/out" &&
   [ "$(grep -c 'warning: no DWARF, type layouts not checked (--no-layout-check)' "$nd/err")" = 2 ] &&
   grep -q "^patchgen: $nd/old/changed.o: warning: no DWARF" "$nd/err" &&
   ! grep -q 'no DWARF' "$build/changed-plain/err"; then
	result 0 "objects without DWARF, --no-layout-check: built, layouts not checked (warning)"
else
	result 1 "objects without DWARF, --no-layout-check: built, layouts not checked (warning)" "rc=$rc $(cat "$nd/out" "$nd/err")"
fi
# the patch tells klive.ko (--list: layouts unchecked); with DWARF it is checked
"$pg" --list --no-layout-check --kdir "$kdir" --system-map "$build/changed-plain/System.map" \
	"$build/changed-plain/old/changed.o" "$build/changed-plain/new/changed.o" >"$nd/out2" 2>"$nd/err2"
rc=$?
if [ $rc = 0 ] && grep -qx 'layouts unchecked (--no-layout-check)' "$nd/out" &&
   ! grep -q 'unchecked' "$nd/out2" "$nd/err2" "$build/changed-plain/out"; then
	result 0 "--no-layout-check: the patch tells klive.ko only when layouts were not checked"
else
	result 1 "--no-layout-check: the patch tells klive.ko only when layouts were not checked" \
		"rc=$rc $(cat "$nd/out" "$nd/out2" "$nd/err2")"
fi
# Compressed debug info (-gz, CONFIG_DEBUG_INFO_COMPRESSED): still read; and
# split DWARF (types in .dwo files patchgen is not given): a warning.
dwarf_variant() {	# dwarf_variant ID NAME CASE EXPECTED-STDERR-TEXT FLAGS...
	local name=$2 case=$3 text=$4 w=$build/dwarf-$1 rc
	shift 4
	mkdir -p "$w"
	(cd "$w" && gcc "${nodebug[@]}" "$@" -c "$here/cases/$case/old.c" -o old.o &&
		gcc "${nodebug[@]}" "$@" -c "$here/cases/$case/new.c" -o new.o)
	sysmap "$w/old.o" "$here/cases/$case" "$w/System.map"
	"$pg" --list "${dv_pg[@]}" --kdir "$kdir" --system-map "$w/System.map" "$w/old.o" "$w/new.o" \
		>"$w/out" 2>"$w/err"
	rc=$?
	if grep -qF -- "$text" "$w/err" && ! grep -q 'runtime error\|AddressSanitizer' "$w/err"; then
		result 0 "$name"
	else
		result 1 "$name" "rc=$rc $(cat "$w/out" "$w/err")"
	fi
}
dv_pg=()	# patchgen options of the next dwarf_variant
dwarf_variant gz "compressed DWARF (-gz): layout change refused" layout_added_member \
	"struct foo changed layout (member 'bar' added at offset 16; size 16 -> 24)" -g -gz
dwarf_variant split "split DWARF: refused by default" layout_added_member \
	"old.o: split DWARF (the types are in a .dwo file): the layouts of the types the changed code uses cannot be checked" \
	-g -gsplit-dwarf
dv_pg=(--no-layout-check)
dwarf_variant split-optin "split DWARF, --no-layout-check: layouts not checked (warning)" layout_added_member \
	"old.o: warning: split DWARF (the types are in a .dwo file), type layouts not checked (--no-layout-check)" \
	-g -gsplit-dwarf

# A type OLD only declares, on a kernel with BTF: NEW's layout is recorded
# for klive.ko to compare with the kernel's (--list: layout T from NEW).
bk=$build/kdir-btf
cp -r "$kdir" "$bk"
echo 'CONFIG_DEBUG_INFO_BTF=y' >> "$bk/.config"
dd=$build/layout_declared_only-plain
"$pg" --list --kdir "$bk" --system-map "$dd/System.map" "$dd/old/layout_declared_only.o" \
	"$dd/new/layout_declared_only.o" >"$build/btf.out" 2>"$build/btf.err"
rc=$?
if [ $rc = 0 ] && grep -qx 'layout struct foo from NEW (OLD does not define it)' "$build/btf.out" &&
   ! grep -q '^layout' "$dd/out"; then
	result 0 "a type OLD only declares: NEW's layout recorded for klive.ko's BTF check"
else
	result 1 "a type OLD only declares: NEW's layout recorded for klive.ko's BTF check" \
		"rc=$rc $(cat "$build/btf.out" "$build/btf.err")"
fi

# --help documents every option
"$pg" --help >"$build/help" 2>&1
rc=$?
missing=""
for opt in --kdir --target --name --klive-symvers --system-map --no-system-map --no-layout-check --sign-key --sign-cert --list --keep-tmp -o; do
	grep -qF -- "$opt" "$build/help" || missing="$missing $opt"
done
result "$([ $rc = 0 ] && [ -z "$missing" ] && echo 0 || echo 1)" "--help documents the options" "rc=$rc missing:$missing"

# Hostile objects (malformed/NAME: old.o, new.o, expect, System.map, target):
# fuzzing's reproducers and crafted ones (malformed/craft.py), each breaking
# the object's geometry. Each ends as expect says: a malformed one with
# exactly one line 'patchgen: FILE: REASON' and exit status 1, never with a
# sanitizer report.
for dir in "$here"/malformed/*/; do
	name=$(basename "$dir")
	args=(--list --no-layout-check --kdir "$kdir")	# no DWARF in them
	[ -f "$dir/System.map" ] && args+=(--system-map "$dir/System.map")
	[ -f "$dir/target" ] && args+=(--target "$(cat "$dir/target")")
	"$pg" "${args[@]}" "$dir/old.o" "$dir/new.o" >"$build/malformed.out" 2>"$build/malformed.err"
	rc=$?
	problems=$(check_expect "$dir/expect" "$rc" "$build/malformed.out" "$build/malformed.err")
	if grep -q '^!' "$dir/expect"; then
		[ "$(wc -l <"$build/malformed.err")" = 1 ] || problems="$problems not one line on stderr;"
		grep -q '^patchgen: [^:]*: ' "$build/malformed.err" || problems="$problems no 'patchgen: FILE: ' prefix;"
	fi
	result "$([ -z "$problems" ] && echo 0 || echo 1)" "malformed: $name" \
		"$problems$(printf '\n--- stdout\n%s\n--- stderr\n%s' "$(cat "$build/malformed.out")" "$(cat "$build/malformed.err")")"
done

# libFuzzer over the same stages for a minute (make fuzz: ten); passes when
# it finds no crash.
fuzz_secs=${FUZZ_TEST_SECONDS:-60}
bash "$here/fuzz/run.sh" "$fuzz_secs" >"$build/fuzz.out" 2>&1
rc=$?
echo "# $(tail -n1 "$build/fuzz.out")"
result $rc "fuzz patchgen --list (${fuzz_secs}s, no crash)" "$(tail -n 40 "$build/fuzz.out")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
