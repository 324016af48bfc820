# readme.sh - stage hook: the README's "build a fix" commands, exactly as typed, in a copy of the tree.
#
# Sourced by stage.sh. In build/KID/readme (a copy of Makefile, core,
# include, patchgen, cli) runs `make KDIR=...` and `patchgen/patchgen
# --kdir ... old.o new.o -o fix.ko` on the cmdline fix's objects, with no
# other flag: patchgen must find klive.ko's symbol versions itself. Puts
# klive.ko, fix.ko and the klive command into $guest/readme.
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out kdir guest
readme=$out/readme
echo "  README  $kid: make KDIR=...; patchgen/patchgen --kdir ... old.o new.o -o fix.ko"
mkdir -p "$readme"
# the tree's own build products stay out: make must build them for this kernel
rsync -a --delete --exclude build --exclude '*.o' --exclude '*.ko' --exclude '*.mod' \
	--exclude '*.mod.c' --exclude '.*.cmd' --exclude Module.symvers --exclude modules.order \
	--exclude patchgen/patchgen --exclude cli/klive \
	"$repo/Makefile" "$repo/core" "$repo/include" "$repo/patchgen" "$repo/cli" "$readme/"
cp "$out/cmdline/old.o" "$out/cmdline/new.o" "$readme/"
rm -f "$readme/fix.ko"
(cd "$readme" && make KDIR="$kdir" >make.log 2>&1) ||
	{ tail -n 30 "$readme/make.log"; die "README: make KDIR=$kdir failed for $kid"; }
# the Debian kernels' objects have DWARF; nolp61's need --no-layout-check
(cd "$readme" && patchgen/patchgen --kdir "$kdir" "${pgflags[@]}" old.o new.o -o fix.ko >patchgen.log 2>&1) ||
	{ cat "$readme/patchgen.log"; die "README: patchgen failed for $kid"; }
mkdir -p "$guest/readme"
cp "$readme/core/klive.ko" "$readme/fix.ko" "$readme/cli/klive" "$guest/readme/"
unset readme
