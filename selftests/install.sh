#!/bin/bash
# install.sh - make install, the klive command's install state, and DKMS, on the host (TAP).
#
# make install into a DESTDIR for each Debian kernel's headers (files, the
# module index libkmod reads, the unit's command); klive install/uninstall
# with KLIVE_STATE_DIR; DKMS: make dkms-src, then dkms add, build and
# install klive.ko for each installed Debian kernel, and remove it again.
set -u -o pipefail
cd "$(dirname "$0")/.."
. selftests/vm/kernels.sh
t=build/install-test
n=0 fails=0
rm -rf "$t"
mkdir -p "$t"
result() {	# result OK NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
		[ -n "${3:-}" ] && printf '#   %s\n' "${3//$'\n'/$'\n'#   }"
	fi
}
echo "1..7"

# 1-2: make install for both Debian kernels' headers
for kid in deb61 deb612; do
	kdir=$(kernel_kdir "$kid")
	rel=$(kernel_release "$kid")
	d=$t/$kid
	problems=
	make -s install DESTDIR="$PWD/$d" PREFIX=/usr KDIR="$kdir" >"$t/$kid.log" 2>&1 ||
		problems="make install failed: $(tail -n 5 "$t/$kid.log")"
	for f in usr/bin/patchgen usr/sbin/klive usr/share/man/man1/patchgen.1 \
		usr/share/man/man8/klive.8 "lib/modules/$rel/updates/klive.ko" \
		lib/systemd/system/klive.service usr/include/klive/klive_shadow.h \
		usr/include/klive/klive_state.h usr/include/klive/klive_livepatch.h \
		usr/include/klive/klp/linux/livepatch.h; do
		[ -f "$d/$f" ] || problems="$problems missing $f;"
	done
	grep -q "^updates/klive.ko:" "$d/lib/modules/$rel/modules.dep" 2>/dev/null ||
		problems="$problems modules.dep lacks klive;"
	[ "$(modinfo -F vermagic "$d/lib/modules/$rel/updates/klive.ko" 2>/dev/null | cut -d' ' -f1)" = "$rel" ] ||
		problems="$problems klive.ko is not for $rel;"
	grep -qx 'ExecStart=/usr/sbin/klive load-installed' "$d/lib/systemd/system/klive.service" ||
		problems="$problems wrong ExecStart;"
	result "$([ -z "$problems" ] && echo 0 || echo 1)" "make install for $kid ($rel)" "$problems"
done

# 3-4: klive install / uninstall keep and forget a patch for its release
fix=build/demo-deb61/cmdline_fix.ko
[ -f "$fix" ] || fix=$(ls build/*/guest/cmdline_fix.ko 2>/dev/null | head -n1)
if [ -n "$fix" ] && [ -f "$fix" ]; then
	rel=$(modinfo -F vermagic "$fix" | cut -d' ' -f1)
	st=$t/state
	KLIVE_STATE_DIR=$st cli/klive install "$fix" >"$t/inst.out" 2>&1
	rc=$?
	result "$([ $rc = 0 ] && [ -f "$st/$rel/cmdline_fix.ko" ] && cmp -s "$fix" "$st/$rel/cmdline_fix.ko" && echo 0 || echo 1)" \
		"klive install keeps the patch under its release" "rc=$rc $(cat "$t/inst.out")"
	KLIVE_STATE_DIR=$st cli/klive uninstall cmdline_fix >"$t/uninst.out" 2>&1
	rc=$?
	KLIVE_STATE_DIR=$st cli/klive install "$t/deb61/lib/modules/$(kernel_release deb61)/updates/klive.ko" >"$t/bad.out" 2>&1
	rc2=$?
	result "$([ $rc = 0 ] && [ ! -e "$st/$rel/cmdline_fix.ko" ] && [ $rc2 = 1 ] && grep -q 'not a klive patch module' "$t/bad.out" && echo 0 || echo 1)" \
		"klive uninstall forgets it; a module that is no klive patch is refused" "rc=$rc rc2=$rc2 $(cat "$t/uninst.out" "$t/bad.out")"
else
	result 0 "klive install # SKIP no cmdline_fix.ko built (run with deb61)"
	result 0 "klive uninstall # SKIP no cmdline_fix.ko built (run with deb61)"
fi

# 5-7: DKMS builds and installs klive.ko for every installed Debian kernel
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# never leave a klive.ko in the host's /lib/modules: patchgen would use it
undo_dkms() {
	dkms remove -m klive -v "$ver" --all >/dev/null 2>&1
	rm -rf "/usr/src/klive-$ver"
}
trap undo_dkms EXIT
undo_dkms
make -s dkms-src >"$t/dkms-src.log" 2>&1 && dkms add -m klive -v "$ver" >"$t/dkms-add.log" 2>&1
rc=$?
result "$([ $rc = 0 ] && echo 0 || echo 1)" "make dkms-src; dkms add klive/$ver" "$(cat "$t/dkms-src.log" "$t/dkms-add.log")"
for kid in deb61 deb612; do
	rel=$(kernel_release "$kid")
	dkms build -m klive -v "$ver" -k "$rel" >"$t/dkms-$kid.log" 2>&1 &&
		dkms install -m klive -v "$ver" -k "$rel" >>"$t/dkms-$kid.log" 2>&1
	rc=$?
	ko=$(find "/lib/modules/$rel/updates/dkms" -name 'klive.ko*' 2>/dev/null | head -n1)
	magic=$([ -n "$ko" ] && modinfo -F vermagic "$ko" | cut -d' ' -f1)
	result "$([ $rc = 0 ] && [ "$magic" = "$rel" ] && echo 0 || echo 1)" \
		"dkms build and install klive.ko for $kid ($rel)" "rc=$rc ko=$ko magic=$magic $(tail -n 5 "$t/dkms-$kid.log")"
done
undo_dkms
echo "$((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
