#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the build and test dependencies that are missing (Debian 12).
# Silent when everything is present; needs root otherwise.
set -euo pipefail

pkgs=(
	build-essential clang llvm libclang-rt-14-dev	# user space, both compilers, sanitizers
	bc bison flex libelf-dev libssl-dev dwarves cpio kmod	# kernel builds
	qemu-system-x86 python3	# kunit.py
	xz-utils rsync linux-source-6.12	# kernel tree for KUnit and checkpatch
	linux-headers-6.12-amd64 linux-headers-amd64	# modules-check: 6.12 and 6.1
	busybox-static pkgconf	# VM and packaging tests (pkgconf: test-pkg)
	debhelper dh-dkms lintian debootstrap zstd	# make deb, test-pkg
	rpm rpmlint createrepo-c dnf elfutils	# make rpm (elfutils: eu-strip for -debuginfo), test-pkg (dnf --installroot)
)

missing=()
for p in "${pkgs[@]}"; do
	# Status is "install ok installed" only for a fully installed package.
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root for apt-get (run: sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
