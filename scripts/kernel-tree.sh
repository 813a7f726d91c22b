#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of a Linux 6.12 source tree ready for kunit.py and checkpatch.
#
# The tree is Debian's linux-source-6.12 plus patches/6.12/*.patch, extracted
# once into <cache>/trees/<version>-<patch hash>/ (scripts/cache.sh) and reused
# (kunit.py builds out of tree with O=, so the extraction stays clean). On every
# call this checkout is (re)staged into it as mm/llfree_morsel: CI runs from
# fresh clones in other directories, so the link must follow the caller.
#
# Usage: kernel-tree.sh [--no-stage]
#   --no-stage  only extract and patch (checkpatch needs nothing more)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=scripts/cache.sh
. "$REPO/scripts/cache.sh"
TARBALL=/usr/src/linux-source-6.12.tar.xz
PKG=linux-source-6.12
STAGE=1

case "${1:-}" in
--no-stage) STAGE=0 ;;
"") ;;
*) echo "usage: $0 [--no-stage]" >&2; exit 2 ;;
esac

# Re-pointing the link under a running kernel build would break it: staging
# waits for the kernel-build lock (kunit.sh already holds it and passes it on).
if [ "$STAGE" = 1 ] && [ -z "${LLFREE_TREE_LOCKED:-}" ]; then
	LLFREE_TREE_LOCKED=1 exec "$REPO/scripts/kbuild-lock.sh" "$0" "$@"
fi

if [ ! -r "$TARBALL" ]; then
	echo "$0: $TARBALL missing (apt-get install $PKG, or make deps)" >&2
	exit 1
fi

shopt -s nullglob
patches=("$REPO"/patches/6.12/*.patch)
shopt -u nullglob

# Key: the Debian package version (the tarball changes only with it) and the
# names and contents of the patches, in the order they are applied.
version=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || stat -c %Y "$TARBALL")
phash=$(for p in "${patches[@]}"; do
		basename "$p"
		sha256sum <"$p"
	done | sha256sum | cut -c1-12)
key=$(printf '%s' "6.12-$version" | tr -c 'A-Za-z0-9._+-' '_')-$phash
trees=$CACHE/trees
tree=$trees/$key
mkdir -p "$trees"

# One lock for extraction and staging: concurrent callers must neither unpack
# the same tree twice nor re-point the link under each other's feet.
exec 9>"$trees/.lock"
flock 9

if [ ! -f "$tree/.llfree-tree-ready" ]; then
	echo "kernel-tree: extracting $TARBALL (+${#patches[@]} patches) into $tree" >&2
	tmp=$(mktemp -d "$trees/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$TARBALL" -C "$tmp" --strip-components=1
	for p in "${patches[@]}"; do
		echo "kernel-tree: applying $(basename "$p")" >&2
		patch -d "$tmp" -p1 --quiet --forward <"$p"
	done
	chmod 755 "$tmp"
	touch "$tmp/.llfree-tree-ready"
	rm -rf "$tree"
	mv "$tmp" "$tree"
	trap - EXIT
fi

# Every change to the patch series makes a new tree (1.7 GiB): keep the
# three most recently used (their KUnit builds are pruned by kunit.sh).
touch "$tree/.llfree-tree-ready"
cache_prune "$trees" "${LLFREE_KEEP_TREES:-3}" .llfree-tree-ready

if [ "$STAGE" = 1 ]; then
	ln -sfn "$REPO" "$tree/mm/llfree_morsel"
	line='source "mm/llfree_morsel/Kconfig"'
	grep -qxF "$line" "$tree/mm/Kconfig" || printf '\n%s\n' "$line" >>"$tree/mm/Kconfig"
	line='obj-y += llfree_morsel/'
	grep -qxF "$line" "$tree/mm/Makefile" || printf '\n%s\n' "$line" >>"$tree/mm/Makefile"
fi

echo "$tree"
