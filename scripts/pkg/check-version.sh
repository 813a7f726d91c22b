#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VERSION is the one version of the project. Check that everything else
# agrees with it: debian/changelog (native package: the whole version), the
# RPM spec's Version:, and dkms.conf (which must carry the #MODULE_VERSION#
# placeholder the packages fill in from VERSION, never a literal version).
# Prints a PASS/FAIL line per file; exits 1 on any disagreement.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rc=0
ver=$(tr -d ' \n' <VERSION)
if ! [[ $ver =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	echo "FAIL pkg.version.file: VERSION '$ver' is not MAJOR.MINOR.PATCH"
	exit 1
fi

deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)
if [ "$deb" = "$ver" ]; then
	echo "PASS pkg.version.debian-changelog"
else
	echo "FAIL pkg.version.debian-changelog: debian/changelog says '$deb', VERSION says '$ver'"
	rc=1
fi

spec=$(sed -n 's/^Version:[[:space:]]*//p' rpm/llfree-morsel.spec)
if [ "$spec" = "$ver" ]; then
	echo "PASS pkg.version.rpm-spec"
else
	echo "FAIL pkg.version.rpm-spec: rpm/llfree-morsel.spec says '$spec', VERSION says '$ver'"
	rc=1
fi
# The newest %changelog entry must be for this version too.
clog=$(sed -n '/^%changelog/,$p' rpm/llfree-morsel.spec | sed -n 's/^\* .* - \([^ -]*\)-[^ ]*$/\1/p' | head -n 1)
if [ "$clog" = "$ver" ]; then
	echo "PASS pkg.version.rpm-changelog"
else
	echo "FAIL pkg.version.rpm-changelog: newest %changelog entry is '$clog', VERSION says '$ver'"
	rc=1
fi

if grep -qx 'PACKAGE_VERSION="#MODULE_VERSION#"' dkms.conf; then
	echo "PASS pkg.version.dkms-conf"
else
	echo "FAIL pkg.version.dkms-conf: dkms.conf must say PACKAGE_VERSION=\"#MODULE_VERSION#\" (filled from VERSION)"
	rc=1
fi
exit $rc
