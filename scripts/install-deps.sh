#!/bin/bash
# install-deps.sh - install the Debian 12 packages klive's build, demo and tests need.
#
# Idempotent and quick when everything is present; needs root otherwise.
set -e
pkgs="build-essential make gcc pkg-config bc flex bison libssl-dev dwarves
python3 perl rsync cpio gzip xz-utils kmod util-linux
libelf-dev libdw-dev libcapstone-dev libkmod-dev
clang libclang-rt-14-dev
busybox-static qemu-system-x86 dkms
linux-image-amd64 linux-headers-amd64 linux-source-6.1
linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "error: missing Debian packages:$missing (run as root, or apt-get install them)" >&2
	exit 1
fi
echo "  APT     installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# The kernels are only booted in VMs: no initramfs for the host is needed.
apt-get install -y -q --no-install-recommends $missing >/dev/null
