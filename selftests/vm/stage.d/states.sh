# states.sh - stage hook: patches built by patchgen that declare a system state (samples/shadow/state.patch).
#
# Sourced by stage.sh after shadow.sh (kid repo out kdir guest klive_dir,
# patchgen). Builds klive_shadow_demo with fix.patch and state.patch for
# state versions 1 and 2, and puts cumulative patches into $guest:
# state_v1.ko, state_v2.ko and state_v2b.ko (the same as state_v2 under
# another name), and state_none.ko (fix.patch alone: no state).
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out kdir guest
for st_ver in 1 2; do
	st_dir=$out/src/shadow-state$st_ver
	echo "  BUILD   $kid shadow (fixed, state version $st_ver)"
	rm -rf "$st_dir"
	mkdir -p "$st_dir/samples/shadow"
	cp -r "$repo/include" "$st_dir/"
	cp "$repo"/samples/shadow/Kbuild "$repo"/samples/shadow/*.c "$st_dir/samples/shadow/"
	for st_patch in fix state; do
		patch -d "$st_dir/samples/shadow" -p1 -s -f --no-backup-if-mismatch \
			<"$repo/samples/shadow/$st_patch.patch" ||
			die "samples/shadow/$st_patch.patch does not apply"
	done
	make -C "$kdir" M="$st_dir/samples/shadow" KBUILD_EXTRA_SYMBOLS="$klive_dir/Module.symvers" \
		KCFLAGS="-DKLIVE_DEMO_STATE_VERSION=$st_ver" -j2 modules >"$st_dir/build.log" 2>&1 ||
		{ tail -n 30 "$st_dir/build.log"; die "building the shadow sample with state $st_ver for $kid failed"; }
	patchgen --replace --target klive_shadow_demo -o "$guest/state_v$st_ver.ko" \
		"$out/src/shadow/samples/shadow/klive_shadow_demo.o" \
		"$st_dir/samples/shadow/klive_shadow_demo.o"
done
patchgen --replace --target klive_shadow_demo --name state_v2b -o "$guest/state_v2b.ko" \
	"$out/src/shadow/samples/shadow/klive_shadow_demo.o" \
	"$out/src/shadow-state2/samples/shadow/klive_shadow_demo.o"
patchgen --replace --target klive_shadow_demo -o "$guest/state_none.ko" \
	"$out/src/shadow/samples/shadow/klive_shadow_demo.o" \
	"$out/src/shadow-fixed/samples/shadow/klive_shadow_demo.o"
unset st_ver st_dir st_patch
