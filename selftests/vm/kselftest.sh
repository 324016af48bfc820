#!/bin/bash
# kselftest.sh DESTDIR - put the kernel's kselftest headers into a build directory.
#
# Copies kselftest_harness.h and kselftest.h of the Debian 6.1 source
# (the extracted tree if there is one, else straight from the tarball), so
# test programs build with -I DESTDIR. Never copy them into the repository.
set -e
. "$(dirname "$0")/kernels.sh"
dest=$1
[ -n "$dest" ] || die "usage: $0 DESTDIR"
headers="kselftest_harness.h kselftest.h"
src=$(kernel_srcdir deb61)
mkdir -p "$dest"
if [ -f "$src/.klive-extracted" ]; then
	for h in $headers; do
		cp "$src/tools/testing/selftests/$h" "$dest/$h"
	done
else
	pkg=$(kernel_srcpkg deb61)
	tarball=/usr/src/$pkg.tar.xz
	[ -r "$tarball" ] || die "missing $tarball (apt-get install $pkg)"
	members=""
	for h in $headers; do
		members="$members $pkg/tools/testing/selftests/$h"
	done
	# shellcheck disable=SC2086 # members is a list
	tar -C "$dest" -xJf "$tarball" --strip-components=4 $members
fi
