#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of a cached Debian 12 root file system tarball for the
# package tests (scripts/pkg/test-pkg.sh), making it first if needed.
#
# debootstrap --variant=minbase bookworm, plus the tool chain DKMS builds with
# (but not dkms itself: installing our .deb must pull it in), the apt lists,
# and the .debs of dkms and of Debian's stock kernel headers downloaded (not
# installed) into var/cache/apt/archives, so that a test run needs no network.
# Cached as <cache>/debroot/bookworm-<recipe hash>-<YYYYMM>.tar.zst
# (scripts/cache.sh): the recipe is this file; the month makes it pick up
# archive updates. A run killed halfway leaves only a .tmp.* directory.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=scripts/cache.sh
. "$REPO/scripts/cache.sh"
MIRROR=${LLFREE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${LLFREE_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
SUITE=bookworm
# DKMS builds need a compiler, make and kmod; objtool and sign-file in the
# hook kernel's headers link against libelf and libssl. pkgconf: the test
# compiles a program against libmorsel-dev with pkg-config.
INCLUDE=gcc,make,libc6-dev,kmod,patch,dpkg-dev,libelf1,libssl3,ca-certificates,pkgconf
# Downloaded only: the test installs them.
DOWNLOAD="dkms linux-headers-amd64"

key=$SUITE-$(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-12)-$(date -u +%Y%m)
dir=$CACHE/debroot
tarball=$dir/$key.tar.zst
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if [ -s "$tarball" ]; then
	touch "$tarball"
	cache_prune "$dir" 2
	echo "$tarball"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "debroot: debootstrap needs root" >&2
	exit 1
fi
command -v debootstrap >/dev/null || { echo "debroot: debootstrap missing (make deps)" >&2; exit 1; }

tmp=$(mktemp -d "$dir/.tmp.XXXXXX")
# Mounts made below are private to this process and vanish with it.
cleanup() { rm -rf --one-file-system "$tmp"; }
trap cleanup EXIT
root=$tmp/root
echo "debroot: debootstrap $SUITE into $root (a few minutes, network: $MIRROR)" >&2
debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$root" "$MIRROR" >"$tmp/debootstrap.log" 2>&1 || {
	tail -n 30 "$tmp/debootstrap.log" >&2
	exit 1
}
cat >"$root/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
SRC
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Keep downloaded packages: the test installs them offline.
echo 'APT::Keep-Downloaded-Packages "true";' >"$root/etc/apt/apt.conf.d/90keep"
unshare --mount --propagation private bash -euc '
	root=$1; shift
	mount -t proc proc "$root/proc"
	chroot "$root" apt-get update -qq
	chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq --no-install-recommends \
		dist-upgrade
	chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq --no-install-recommends \
		--download-only install "$@"
' _ "$root" $DOWNLOAD >&2
rm -f "$root/etc/resolv.conf"
tar -C "$root" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$tmp/root.tar.zst"
mv "$tmp/root.tar.zst" "$tarball"
# Older recipes and months.
cache_prune "$dir" 2
echo "debroot: cached $tarball ($(du -h "$tarball" | cut -f1))" >&2
echo "$tarball"
