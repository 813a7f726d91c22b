#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the hook test kernel and print its build directory.
#
# Debian's linux-source-6.12 + patches/6.12 (via kernel-tree.sh), configured
# from test-kernel.config on top of Kconfig defaults (olddefconfig, as kunit.py
# does, which keeps the build near five minutes on two cores), built with O=
# into <cache>/build/test-<tree key>-<config hash> (scripts/cache.sh; ready
# once .llfree-build-ready exists, so a killed build is resumed by the next
# run). Our modules are built separately against that directory, as DKMS
# would.
#
# With --uml, the same tree as User-Mode Linux (ARCH=um: the kernel as a
# host x86_64 program, native speed, one CPU), from bench-uml.config by
# default, into <cache>/build/uml-<tree key>-<config hash>.
#
# Usage: build-kernel.sh [--uml] [CONFIG_FRAGMENT]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
# shellcheck source=scripts/cache.sh
. "$REPO/scripts/cache.sh"
# The options again for the re-exec under the kernel-build lock below.
args=("$@")
arch=x86_64 kind=test targets=(bzImage modules) fragment=$HERE/test-kernel.config
if [ "${1:-}" = --uml ]; then
	arch=um kind=uml targets=(linux modules) fragment=$HERE/bench-uml.config
	shift
fi
FRAGMENT=$(realpath "${1:-$fragment}")

tree=$("$REPO/scripts/kernel-tree.sh" --no-stage)
chash=$(sha256sum <"$FRAGMENT" | cut -c1-12)
out=$CACHE/build/$kind-$(basename "$tree")-$chash

if [ -f "$out/.llfree-build-ready" ]; then
	touch "$out/.llfree-build-ready"
	cache_prune "$CACHE/build" 4 .llfree-build-ready
	echo "$out"
	exit 0
fi
# One kernel build at a time; whoever waited may find it built.
if [ -z "${LLFREE_BUILD_LOCKED:-}" ]; then
	LLFREE_BUILD_LOCKED=1 exec "$REPO/scripts/kbuild-lock.sh" "$0" "${args[@]}"
fi
tree=$("$REPO/scripts/kernel-tree.sh")
if [ ! -f "$out/.llfree-build-ready" ]; then
	mkdir -p "$out"
	cp "$FRAGMENT" "$out/.config"
	make -s -C "$tree" O="$out" ARCH="$arch" olddefconfig >&2

	# Like kunit.py: every option asked for must survive olddefconfig, or
	# the kernel would silently lack what the tests rely on.
	missing=$(grep -E '^CONFIG_' "$FRAGMENT" | while read -r line; do
		grep -qxF "$line" "$out/.config" || echo "$line"
	done)
	if [ -n "$missing" ]; then
		echo "build-kernel: options lost by olddefconfig:" >&2
		echo "$missing" >&2
		exit 1
	fi

	echo "build-kernel: building $out (several minutes)" >&2
	start=$SECONDS
	make -s -C "$tree" O="$out" ARCH="$arch" -j"$(nproc)" "${targets[@]}" >&2
	touch "$out/.llfree-build-ready"
	echo "TIME build.$(basename "$FRAGMENT" .config) $((SECONDS - start))" >&2
fi
# Each patch or config change makes a new build (0.3-0.7 GiB): keep four
# (the test, benchmark and UML kernels of the newest patch series, and one
# more).
cache_prune "$CACHE/build" 4 .llfree-build-ready
echo "$out"
