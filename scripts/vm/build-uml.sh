#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the hook kernel as User-Mode Linux (ARCH=um: the kernel as a host
# x86_64 program, native speed, one CPU) and print its build directory.
# Same tree as build-kernel.sh (Debian's linux-source-6.12 + patches/6.12),
# configured from bench-uml.config on top of Kconfig defaults, built with
# O= into ~/.cache/llfree-morsel/build/uml-<tree key>-<config hash>.
#
# Usage: build-uml.sh [CONFIG_FRAGMENT]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
CACHE=${LLFREE_CACHE:-$HOME/.cache/llfree-morsel}
FRAGMENT=$(realpath "${1:-$HERE/bench-uml.config}")

tree=$("$REPO/scripts/kernel-tree.sh")
chash=$(sha256sum <"$FRAGMENT" | cut -c1-12)
out=$CACHE/build/uml-$(basename "$tree")-$chash

if [ -f "$out/.llfree-build-ready" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$out"
cp "$FRAGMENT" "$out/.config"
make -s -C "$tree" O="$out" ARCH=um olddefconfig >&2
missing=$(grep -E '^CONFIG_' "$FRAGMENT" | while read -r line; do
	grep -qxF "$line" "$out/.config" || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "build-uml: options lost by olddefconfig:" >&2
	echo "$missing" >&2
	exit 1
fi

echo "build-uml: building $out (a few minutes)" >&2
"$REPO/scripts/kbuild-lock.sh" make -s -C "$tree" O="$out" ARCH=um \
	-j"$(nproc)" linux modules >&2
touch "$out/.llfree-build-ready"
echo "$out"
