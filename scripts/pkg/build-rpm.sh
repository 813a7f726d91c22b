#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make rpm`: build llfree-morsel-dkms-<version>-1.noarch.rpm (and the SRPM)
# with rpmbuild from rpm/llfree-morsel-dkms.spec, then rpmlint it with
# rpm/llfree-morsel-dkms.rpmlintrc. Everything under build/pkg/.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO"
ver=$(cat VERSION)
out=$REPO/build/pkg
top=$out/rpmbuild
name=llfree-morsel-$ver

scripts/pkg/check-version.sh >/dev/null || { scripts/pkg/check-version.sh; exit 1; }
for t in rpmbuild rpmlint; do
	command -v "$t" >/dev/null || { echo "build-rpm: $t missing (make deps)" >&2; exit 1; }
done

rm -rf "$top"
mkdir -p "$top"/{SOURCES,SPECS,tar/"$name"}
scripts/pkg/dkms-tree.sh "$top/tar/$name"
cp dkms.conf README.md COPYING "$top/tar/$name/"
mkdir -p "$top/tar/$name/scripts/pkg"
cp scripts/pkg/60-morsel.rules scripts/pkg/morsel.sysusers "$top/tar/$name/scripts/pkg/"
# Reproducible tarball: sorted, fixed owner and times.
tar -C "$top/tar" --sort=name --owner=0 --group=0 --numeric-owner \
	--mtime="@$(git log -1 --format=%ct 2>/dev/null || echo 0)" -czf "$top/SOURCES/$name.tar.gz" "$name"
cp rpm/llfree-morsel-dkms.spec "$top/SPECS/"
rpmbuild --define "_topdir $top" -ba "$top/SPECS/llfree-morsel-dkms.spec" >"$top/build.log" 2>&1 || {
	tail -n 30 "$top/build.log" >&2
	echo "build-rpm: rpmbuild failed, see $top/build.log" >&2
	exit 1
}
rm -f "$out"/llfree-morsel-dkms-*.rpm
cp "$top"/RPMS/noarch/*.rpm "$top"/SRPMS/*.rpm "$out/"
echo "build-rpm: $(cd "$out" && ls llfree-morsel-dkms-*.rpm | tr '\n' ' ')"

lrc=0
rpmlint -r rpm/llfree-morsel-dkms.rpmlintrc rpm/llfree-morsel-dkms.spec "$out"/llfree-morsel-dkms-*.rpm \
	>"$out/rpmlint.txt" 2>&1 || lrc=$?
echo "build-rpm: rpmlint exit $lrc (build/pkg/rpmlint.txt):"
cat "$out/rpmlint.txt"
exit "$lrc"
