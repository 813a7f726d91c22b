#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Copy what DKMS needs to build the modules (the DKMS source set) into DEST:
# Kbuild, Kconfig, VERSION and the C sources and headers of include/,
# src/ and kunit/ (plus any Kbuild/Makefile below src/). The Debian and RPM
# packages both install exactly this set under /usr/src/llfree-morsel-<version>/;
# dkms.conf is added by dh_dkms or the spec, with the version filled in.
#
# Usage: dkms-tree.sh DEST
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
dest=$1
mkdir -p "$dest"
cd "$REPO"
cp Kbuild Kconfig VERSION "$dest/"
rsync -a -m --include='*/' --include='*.[ch]' --include=Kbuild --include=Makefile \
	--exclude='*' include src kunit "$dest/"
# Files only, mode 644, directories 755: whatever the checkout's umask was.
find "$dest" -type d -exec chmod 755 {} +
find "$dest" -type f -exec chmod 644 {} +
