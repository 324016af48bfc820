#!/bin/bash
# kernels.sh - resolve the test kernels from what apt installed; never a fixed ABI.
#
# Sourced by the other scripts. Kernels are named by a short id:
#   deb61   Debian's stock 6.1 (the linux-image-amd64 meta-package)
#   deb612  Debian's 6.12 (the linux-image-6.12-amd64 meta-package)
#   nolp61  the Debian 6.1 source built here with livepatch off
#   kcsan61 nolp61 with the kernel concurrency sanitizer (KCSAN); not in the
#           default list: KLIVE_TEST_KERNELS=kcsan61 make check
# Every cache lives under KLIVE_CACHE, outside the source tree.

KLIVE_CACHE=${KLIVE_CACHE:-/var/cache/klive}
KLIVE_KERNELS="deb61 deb612 nolp61"

die() { echo "error: $*" >&2; exit 1; }

# CPU models the VM tests of kernel id $1 run under (run-vm.sh's KLIVE_CPU):
# under TCG the model decides which mitigations the kernel patches in, and
# servers run them. rethunk: EPYC-Rome, return thunks (6.1, 6.12);
# stuffing: Skylake with retbleed=stuff, call-depth tracking (6.12);
# default: QEMU's CPU, neither.
kernel_cpus() {
	case "$1" in
	deb61) echo "rethunk" ;;
	deb612) echo "rethunk stuffing" ;;
	*) echo "default" ;;
	esac
}

# The image package a meta-package depends on, e.g. linux-image-6.1.0-56-amd64.
meta_target() {
	dpkg-query -W -f='${Depends}' "$1" 2>/dev/null |
		tr ',' '\n' | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n1
}

# ABI release (uname -r) of kernel id $1.
kernel_release() {
	local pkg
	case "$1" in
	deb61|nolp61|kcsan61) pkg=$(meta_target linux-image-amd64) ;;
	deb612) pkg=$(meta_target linux-image-6.12-amd64) ;;
	*) die "unknown kernel id '$1' (known: $KLIVE_KERNELS)" ;;
	esac
	[ -n "$pkg" ] || die "kernel '$1' is not installed (run: bash .ci/run, or apt-get install the packages it names)"
	pkg=${pkg#linux-image-}
	echo "${pkg%-unsigned}"
}

# Debian package version of kernel id $1 (must equal the source package's).
kernel_pkgversion() {
	dpkg-query -W -f='${Version}' "linux-image-$(kernel_release "$1")" 2>/dev/null ||
		dpkg-query -W -f='${Version}' "linux-image-$(kernel_release "$1")-unsigned"
}

# linux-source-X.Y package of kernel id $1.
kernel_srcpkg() {
	case "$1" in
	deb61|nolp61|kcsan61) echo linux-source-6.1 ;;
	deb612) echo linux-source-6.12 ;;
	esac
}

# Extracted, pristine Debian source for kernel id $1 (shared by build trees).
kernel_srcdir() {
	local pkg ver
	pkg=$(kernel_srcpkg "$1")
	ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || die "$pkg is not installed"
	echo "$KLIVE_CACHE/src/$pkg-$ver/$pkg"
}

# Build tree (make O=) that vmlinux objects of kernel id $1 come from.
kernel_objtree() {
	echo "$KLIVE_CACHE/build/$1-$(kernel_release "$1")"
}

# Directory external modules for kernel id $1 are built against.
kernel_kdir() {
	case "$1" in
	nolp61|kcsan61) kernel_objtree "$1" ;;
	*) echo "/usr/src/linux-headers-$(kernel_release "$1")" ;;
	esac
}

# Bootable image of kernel id $1.
kernel_image() {
	case "$1" in
	nolp61|kcsan61) echo "$(kernel_objtree "$1")/arch/x86/boot/bzImage" ;;
	*) echo "/boot/vmlinuz-$(kernel_release "$1")" ;;
	esac
}

# Kernel config that objects of kernel id $1 are built with.
kernel_config() {
	case "$1" in
	nolp61|kcsan61) echo "$(dirname "${BASH_SOURCE[0]}")/$1.config" ;;
	*) echo "/boot/config-$(kernel_release "$1")" ;;
	esac
}

# Lock file serializing every writer of kernel id $1's source tree (deb61 and
# nolp61 share one): tree builds and temporary source patches.
kernel_srclock() {
	echo "$KLIVE_CACHE/.lock-$(kernel_srcpkg "$1")"
}

# Must the objects pair whose NEW object is $2, built by build-objs.sh from
# fix $3 for kernel id $1, be built (again)? Yes if missing, if the fix is
# newer, or if the kernel tree was rebuilt since (another configuration:
# the run-pre check would rightly refuse the stale objects).
objs_stale() {
	[ ! -f "$2" ] || [ "$3" -nt "$2" ] || [ "$(kernel_objtree "$1")/.klive-ready" -nt "$2" ]
}

# patchgen options the objects of kernel id $1 need: a kernel built without
# debug info (nolp61, kcsan61: CONFIG_DEBUG_INFO_NONE) gives objects whose
# type layouts nothing can check, which patchgen refuses unless told.
kernel_pgflags() {
	if grep -qx 'CONFIG_DEBUG_INFO_NONE=y' "$(kernel_objtree "$1")/.config" 2>/dev/null; then
		echo --no-layout-check
	fi
}
