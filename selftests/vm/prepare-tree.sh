#!/bin/bash
# prepare-tree.sh KID - make the kernel build tree of kernel id KID ready.
#
# deb61/deb612: Debian's source with Debian's config, modules_prepare only,
# enough to build single objects (make fs/proc/cmdline.o).
# nolp61: the same source fully built with nolp61.config (livepatch off).
# Trees are cached under KLIVE_CACHE and rebuilt only when an input changes.
set -e
. "$(dirname "$0")/kernels.sh"
kid=$1
[ -n "$kid" ] || die "usage: $0 KERNEL-ID"

src=$(kernel_srcdir "$kid")
obj=$(kernel_objtree "$kid")
cfg=$(kernel_config "$kid")
[ -r "$cfg" ] || die "missing kernel config $cfg"

# Options Kconfig derives (no prompt) that klive relies on on top of the
# fragment's own "=y" lines.
DERIVED_OPTIONS="HAVE_RELIABLE_STACKTRACE STACKTRACE DYNAMIC_FTRACE_WITH_REGS"

# Fail loudly unless .config $1 has every "=y" of fragment $2 plus the
# derived options, and none of the fragment's "is not set" options.
verify_config() {
	local conf=$1 frag=$2 opt missing="" unwanted=""
	for opt in $(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=y$/\1/p' "$frag") \
		$DERIVED_OPTIONS; do
		grep -qx "CONFIG_$opt=y" "$conf" || missing="$missing $opt"
	done
	for opt in $(sed -n 's/^# CONFIG_\([A-Z0-9_]*\) is not set$/\1/p' "$frag"); do
		grep -q "^CONFIG_$opt=" "$conf" && unwanted="$unwanted $opt"
	done
	[ -z "$missing$unwanted" ] && return 0
	[ -z "$missing" ] || echo "error: $conf lacks:$missing" >&2
	[ -z "$unwanted" ] || echo "error: $conf must not set:$unwanted" >&2
	die "kernel config of $kid does not meet the requirements of $frag"
}

# kcsan61 is nolp61 plus its own fragment.
frags=$cfg
[ "$kid" = kcsan61 ] && frags="$(kernel_config nolp61) $cfg"

# The stamp names every input; a change of any rebuilds the tree.
# shellcheck disable=SC2086 # a list of files
stamp="$(cat $frags | sha256sum | cut -c1-16) $(kernel_pkgversion "$kid")"
tree_ready() {
	[ -f "$obj/.klive-ready" ] && [ "$(cat "$obj/.klive-ready")" = "$stamp" ]
}
tree_ready && exit 0

# One lock per source tree: trees sharing a source build one at a time, and
# build-objs.sh never patches a source another tree is being built from.
mkdir -p "$KLIVE_CACHE"
exec 9>"$(kernel_srclock "$kid")"
flock 9
tree_ready && exit 0

if [ ! -f "$src/.klive-extracted" ]; then
	tarball=/usr/src/$(kernel_srcpkg "$kid").tar.xz
	[ -r "$tarball" ] || die "missing $tarball (apt-get install $(kernel_srcpkg "$kid"))"
	echo "  EXTRACT $tarball"
	rm -rf "$(dirname "$src")"
	mkdir -p "$(dirname "$src")"
	tar -C "$(dirname "$src")" -xf "$tarball"
	touch "$src/.klive-extracted"
fi

mkdir -p "$obj"
jobs=$(nproc)
log="$obj/.klive-build.log"
echo "  PREPARE $kid in $obj (log: $log)"
case "$kid" in
nolp61|kcsan61)
	rm -f "$obj/.config"
	{
		make -C "$src" O="$obj" tinyconfig &&
		# shellcheck disable=SC2086 # a list of files
		"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
			"$obj/.config" $frags &&
		make -C "$src" O="$obj" olddefconfig
	} >"$log" 2>&1 || { tail -n 30 "$log"; die "configuring $kid failed"; }
	for f in $frags; do
		verify_config "$obj/.config" "$f"
	done
	make -C "$src" O="$obj" -j"$jobs" bzImage modules >>"$log" 2>&1 ||
		{ tail -n 30 "$log"; die "building $kid failed"; }
	[ -f "$obj/Module.symvers" ] || die "$kid: no Module.symvers after the build"
	;;
*)
	cp "$cfg" "$obj/.config"
	make -C "$src" O="$obj" olddefconfig >"$log" 2>&1
	make -C "$src" O="$obj" -j"$jobs" modules_prepare >>"$log" 2>&1 ||
		{ tail -n 30 "$log"; die "preparing $kid failed"; }
	;;
esac
echo "$stamp" >"$obj/.klive-ready"
