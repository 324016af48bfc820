#!/bin/bash
# run.sh [SECONDS] - fuzz patchgen's --list stages (fuzz_list.c) with libFuzzer.
#
# Runs for SECONDS (default $FUZZ_SECONDS, else 600). Seeds: the host
# fixtures and seeds/*/{old,new}.c (what the fixtures lack) compiled as
# ../run.sh compiles them, the objects of ../malformed, and a few real kernel
# objects when build/deb61 has them; new inputs collect in build/fuzz/corpus
# across runs. Exit status 0 when no crash was found; otherwise the input is
# saved under build/fuzz/crashes/ and the last line names it (rerun it:
# PATCHGEN_FUZZ_KDIR=build/fuzz/kdir PATCHGEN_FUZZ_SYSMAP=build/fuzz/System.map
# FUZZ_LIST_VERBOSE=1 build/patchgen-fuzz/fuzz_list FILE).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
secs=${1:-${FUZZ_SECONDS:-600}}
out=$repo/build/fuzz
fuzzer=$repo/build/patchgen-fuzz/fuzz_list

mkdir -p "$out"
if ! make -s -C "$repo/patchgen" fuzz >"$out/build.log" 2>&1; then
	cat "$out/build.log"
	echo "fuzz: cannot build the fuzzer (needs clang and libclang-rt-14-dev: scripts/install-deps.sh)"
	exit 1
fi
rm -rf "$out/seeds" "$out/kdir" "$out/tmp"
mkdir -p "$out/seeds" "$out/corpus" "$out/crashes" "$out/tmp" "$out/kdir/include/generated"

# The same stand-in kernel as ../run.sh's.
printf '0x00000000\t%s\tvmlinux\tEXPORT_SYMBOL\t\n' seq_puts seq_putc printk __fentry__ \
	__x86_return_thunk > "$out/kdir/Module.symvers"
echo 'CONFIG_X86_64=y' > "$out/kdir/.config"
echo '#define UTS_RELEASE "6.1.0-test"' > "$out/kdir/include/generated/utsrelease.h"

# One input: OLD's length (4 bytes, little-endian), OLD, NEW.
pack() {	# pack OLD NEW OUT
	local n
	n=$(stat -c %s "$1")
	{
		printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8 & 255)) \
			$((n >> 16 & 255)) $((n >> 24 & 255)))"
		cat "$1" "$2"
	} > "$3"
}

cflags=(-O2 -mfentry -pg -mrecord-mcount -mcmodel=kernel -fno-PIE -fno-pic -mno-red-zone
	-fno-asynchronous-unwind-tables -fno-stack-protector -ffreestanding -fno-common -w)
olds=()
for dir in "$repo"/selftests/host/cases/*/ "$here"/seeds/*/; do
	name=$(basename "$dir")
	for variant in plain fsections; do
		flags=("${cflags[@]}")
		[ $variant = fsections ] && flags+=(-ffunction-sections -fdata-sections)
		w=$out/tmp/$name-$variant
		gcc "${flags[@]}" -c "$dir/old.c" -o "$w-old.o" &&
			gcc "${flags[@]}" -c "$dir/new.c" -o "$w-new.o" &&
			pack "$w-old.o" "$w-new.o" "$out/seeds/$name-$variant" &&
			olds+=("$w-old.o")
	done
done
for dir in "$repo"/selftests/host/malformed/*/; do
	[ -f "$dir/old.o" ] && pack "$dir/old.o" "$dir/new.o" "$out/seeds/malformed-$(basename "$dir")"
done
# real kernel objects: a changed module, a changed vmlinux object, an unchanged one
deb=$repo/build/deb61
for p in "src/klive_sample/klive_sample.o src/klive_sample-fixed/klive_sample.o" \
	 "cmdline/old.o cmdline/new.o" "src/klive/core/reloc.o src/klive/core/reloc.o"; do
	set -- $p
	if [ -f "$deb/$1" ] && [ -f "$deb/$2" ]; then
		pack "$deb/$1" "$deb/$2" "$out/seeds/real-$(basename "$(dirname "$deb/$2")")-$(basename "$2" .o)"
		olds+=("$deb/$1")
	fi
done
# A System.map with the seeds' symbols (same-named ones from several objects too).
{
	for i in $(seq 1 120); do printf 'ffffffff81%06x t filler_%d\n' "$i" "$i"; done
	for o in "${olds[@]}"; do nm "$o" | awk 'NF == 3 { print }'; done
	echo "ffffffff82000000 D saved_command_line"
} > "$out/System.map"

echo "fuzz: $(ls "$out/seeds" | wc -l) seeds, $(ls "$out/corpus" | wc -l) corpus inputs, ${secs}s"
PATCHGEN_FUZZ_KDIR=$out/kdir PATCHGEN_FUZZ_SYSMAP=$out/System.map \
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$fuzzer" -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
	-artifact_prefix="$out/crashes/" "$out/corpus" "$out/seeds" >"$out/fuzz.log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$out/fuzz.log")
if [ $rc = 0 ]; then
	echo "fuzz: ${runs:-?} runs in ${time:-?}s, no crash (log: build/fuzz/fuzz.log)"
	exit 0
fi
grep -m1 -A30 -E 'ERROR|runtime error|fuzz_list:|deadly signal' "$out/fuzz.log"
echo "fuzz: crash after ${runs:-?} runs: $(sed -n 's/.*Test unit written to //p' "$out/fuzz.log" | tail -n1)"
exit 1
