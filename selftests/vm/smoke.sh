#!/bin/bash
# smoke.sh [KID...] - check the VM harness end to end on each kernel (default: all).
#
# Builds the artefacts, boots an initramfs running smoke_test (kselftest
# TAP) and counts its results with tap-count.sh. Logs: build/KID/smoke.log.
set -e
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernels.sh"
repo=$(cd "$here/../.." && pwd)
kids=${*:-$KLIVE_KERNELS}

"$here/kselftest.sh" "$repo/build/kselftest"
mkdir -p "$repo/build/vm"
echo "  CC      smoke_test"
gcc -static -O2 -Wall -Wextra -Werror -isystem "$repo/build/kselftest" \
	-o "$repo/build/vm/smoke_test" "$here/smoke_test.c"

logs=()
for kid in $kids; do
	"$here/build-artifacts.sh" "$kid"
	out=$repo/build/$kid
	guest=$out/smoke
	rm -rf "$guest"
	mkdir -p "$guest"
	cp "$repo/build/vm/smoke_test" "$out/klive_sample.ko" "$guest/"
	[ ! -f "$out/klp_version.ko" ] || cp "$out/klp_version.ko" "$guest/"
	cat >"$guest/run" <<'RUN'
#!/bin/sh
# run - the smoke test's guest side.
cat /proc/version
exec ./smoke_test
RUN
	chmod +x "$guest/run"
	"$here/mkinitramfs.sh" "$out/smoke.cpio.gz" "$guest"
	"$here/run-vm.sh" "$kid" "$out/smoke.cpio.gz" "$out/smoke.log" || true
	logs+=("$kid" "$out/smoke.log")
done
"$here/tap-count.sh" "${logs[@]}"
