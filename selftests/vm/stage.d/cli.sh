# cli.sh - stage hook: the klive command, klive.ko installed for it, and patches to refuse.
#
# Sourced by stage.sh. Puts into $guest: klive (dynamically linked: the
# initramfs takes its libraries along), klive.ko installed under
# .rootfs/lib/modules/RELEASE/updates with depmod's indexes (the guest's
# /lib/modules, where libkmod finds it as modprobe would), and
# otherrel_fix.ko, a copy of cmdline_fix.ko whose vermagic names another
# release.
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out kdir guest klive_dir
make -s -C "$repo/cli" >/dev/null || die "building the klive command failed"
cp "$repo/cli/klive" "$guest/"
cli_rel=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
mkdir -p "$guest/.rootfs/lib/modules/$cli_rel/updates"
cp "$klive_dir/klive.ko" "$guest/.rootfs/lib/modules/$cli_rel/updates/"
depmod -b "$guest/.rootfs" "$cli_rel" 2>/dev/null ||
	die "depmod for the guest's /lib/modules/$cli_rel failed"
# same length, another release: its last digit changed
python3 - "$guest/cmdline_fix.ko" "$guest/otherrel_fix.ko" "$cli_rel" <<'PY' >"$guest/otherrel_fix.release"
import re
import sys
src, dst, old = sys.argv[1:4]
i = max(m.start() for m in re.finditer(r"[0-9]", old))
new = old[:i] + str((int(old[i]) + 1) % 10) + old[i + 1:]
data = open(src, "rb").read()
key = b"vermagic=" + old.encode()
assert key in data, "no vermagic to change"
open(dst, "wb").write(data.replace(key, b"vermagic=" + new.encode()))
print(new)
PY
unset cli_rel
# the systemd unit as `make install PREFIX=/klive` would write it: the guest
# runs its ExecStart as boot would
sed 's|@SBINDIR@|/klive|' "$repo/cli/klive.service.in" >"$guest/klive.service"
