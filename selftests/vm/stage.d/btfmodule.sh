# btfmodule.sh - stage hook: a module of the Debian kernel itself, which carries the module's BTF.
#
# Sourced by stage.sh. For Debian's kernels, copies veth.ko (uncompressed)
# from the installed kernel package into $guest: the test of module type
# layouts loads it and checks patches against /sys/kernel/btf/veth. Kernels
# built here have no module BTF; their test skips.
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid guest
case "$kid" in
deb*) mod=/lib/modules/$(kernel_release "$kid")/kernel/drivers/net/veth.ko ;;
*) mod= ;;
esac
if [ -z "$mod" ]; then
	:
elif [ -r "$mod" ]; then
	cp "$mod" "$guest/veth.ko"
elif [ -r "$mod.xz" ]; then
	xz -dc "$mod.xz" >"$guest/veth.ko"
fi
unset mod
