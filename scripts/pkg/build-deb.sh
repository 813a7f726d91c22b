#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: build the binary packages of the source package llfree-morsel
# with `dpkg-buildpackage -us -uc -b` from a copy of the packaging inputs
# under build/pkg/deb/ (dpkg-buildpackage writes its results into the parent
# of the source directory, which must not be the checkout's parent), then
# run lintian on them:
#   llfree-morsel-dkms_<version>_all.deb     module sources, udev rule, morsel(4)
#   libmorsel1_<version>_amd64.deb           libmorsel.so.1
#   libmorsel-dev_<version>_amd64.deb        header, libmorsel.a, morsel.pc, libmorsel(3)
#   morsel-tools_<version>_amd64.deb         morselctl, morselctl(1), bash completion
# Results: build/pkg/*.deb, build/pkg/lintian.txt.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO"
ver=$(cat VERSION)
out=build/pkg
work=$out/deb
src=$work/llfree-morsel-$ver

scripts/pkg/check-version.sh >/dev/null || { scripts/pkg/check-version.sh; exit 1; }
for t in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$t" >/dev/null || { echo "build-deb: $t missing (make deps)" >&2; exit 1; }
done

rm -rf "$work"
mkdir -p "$src/scripts/pkg"
mkdir -p "$src/tools"
cp -a debian dkms.conf Kbuild Kconfig VERSION COPYING README.md include src kunit man "$src/"
cp -a tools/morsel "$src/tools/"
cp -a scripts/pkg/dkms-tree.sh scripts/pkg/kernel-hook.sh scripts/pkg/60-morsel.rules "$src/scripts/pkg/"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	tail -n 30 "$work/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed, see $work/build.log" >&2
	exit 1
}
# Default profile; errors and warnings fail (info and pedantic tags would be
# listed but do not count). As root, lintian runs as nobody: it warns when
# run with root privileges.
# The checkout's parents need not be searchable by nobody (mktemp -d is
# 0700): lint copies in a directory of their own.
run=()
[ "$(id -u)" -eq 0 ] && run=(runuser -u nobody --)
lint=$(mktemp -d)
trap 'rm -rf "$lint"' EXIT
cp "$work"/*.changes "$work"/*.deb "$work"/*.buildinfo "$lint/"
chmod -R a+rX "$lint"
lrc=0
(cd "$lint" && HOME=/tmp "${run[@]}" lintian --fail-on error,warning ./*.changes) >"$work/lintian.txt" 2>&1 || lrc=$?

rm -f "$out"/llfree-morsel-dkms_*.deb "$out"/libmorsel*.deb "$out"/morsel-tools*.deb
mv "$work"/*.deb "$work/lintian.txt" "$out/"
for p in llfree-morsel-dkms_"$ver"_all libmorsel1_"$ver"_amd64 libmorsel-dev_"$ver"_amd64 \
	morsel-tools_"$ver"_amd64; do
	[ -f "$out/$p.deb" ] || { echo "build-deb: $p.deb was not built" >&2; exit 1; }
	echo "build-deb: $out/$p.deb"
done
echo "build-deb: lintian exit $lrc, $(wc -l <"$out/lintian.txt") lines of output (build/pkg/lintian.txt)"
cat "$out/lintian.txt"
exit "$lrc"
