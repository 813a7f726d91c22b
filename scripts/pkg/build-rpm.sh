#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make rpm`: build the packages of rpm/llfree-morsel.spec with rpmbuild
# (the SRPM llfree-morsel-<version>-1.src.rpm and
# llfree-morsel-dkms-<version>-1.noarch.rpm, libmorsel, libmorsel-devel and
# morsel-tools -<version>-1.x86_64.rpm), then rpmlint them with
# rpm/llfree-morsel.rpmlintrc. Everything under build/pkg/.
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
mkdir -p "$top/tar/$name/scripts/pkg" "$top/tar/$name/tools"
cp scripts/pkg/60-morsel.rules scripts/pkg/morsel.sysusers "$top/tar/$name/scripts/pkg/"
# libmorsel, morselctl and the man pages (tools/morsel/Makefile).
cp -a tools/morsel "$top/tar/$name/tools/"
cp -a man "$top/tar/$name/"
# Reproducible tarball: sorted, fixed owner and times.
tar -C "$top/tar" --sort=name --owner=0 --group=0 --numeric-owner \
	--mtime="@$(git log -1 --format=%ct 2>/dev/null || echo 0)" -czf "$top/SOURCES/$name.tar.gz" "$name"
cp rpm/llfree-morsel.spec "$top/SPECS/"
# This Debian host's rpm, made to build like Fedora's, where
# redhat-rpm-config sets these up:
#  - debuginfo and debugsource packages (find-debuginfo strips the
#    binaries into them), inserted before %install as Fedora does;
#  - brp-compress (man pages) run by bash: Debian's /bin/sh (dash) lacks
#    the `read -d` it uses; Fedora's /bin/sh is bash;
#  - no brp-elfperms: Fedora's list of brp scripts leaves shared libraries
#    executable (0755, as its guidelines and rpmlint want).
# --nodeps: BuildRequires (gcc, make) are Fedora package names; here rpm's
# database is empty and the tools come from apt.
cat >"$top/fedora-like.macros" <<'MACROS'
%_enable_debug_packages 1
%_debugsource_packages 1
%_debuginfo_subpackages 1
%install %{?_enable_debug_packages:%{?buildsubdir:%{debug_package}}}\
%%install\
%{nil}
%__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}
%__brp_elfperms %{nil}
MACROS
rpmbuild --nodeps --load "$top/fedora-like.macros" --define "_topdir $top" \
	-ba "$top/SPECS/llfree-morsel.spec" >"$top/build.log" 2>&1 || {
	tail -n 30 "$top/build.log" >&2
	echo "build-rpm: rpmbuild failed, see $top/build.log" >&2
	exit 1
}
rm -f "$out"/*.rpm
cp "$top"/RPMS/*/*.rpm "$top"/SRPMS/*.rpm "$out/"
for p in llfree-morsel-"$ver"-1.src llfree-morsel-dkms-"$ver"-1.noarch libmorsel-"$ver"-1.x86_64 \
	libmorsel-devel-"$ver"-1.x86_64 morsel-tools-"$ver"-1.x86_64; do
	[ -f "$out/$p.rpm" ] || { echo "build-rpm: $p.rpm was not built" >&2; exit 1; }
done
echo "build-rpm: $(cd "$out" && ls ./*.rpm | tr '\n' ' ')"

# All of them, the -debuginfo and -debugsource packages included.
lrc=0
rpmlint -r rpm/llfree-morsel.rpmlintrc rpm/llfree-morsel.spec "$out"/*.rpm \
	>"$out/rpmlint.txt" 2>&1 || lrc=$?
echo "build-rpm: rpmlint exit $lrc (build/pkg/rpmlint.txt):"
cat "$out/rpmlint.txt"
exit "$lrc"
