#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare a guest: build the hook kernel (cached), llfree.ko and morsel.ko
# against it as DKMS would, and the static memstress, then pack SCRIPT with
# them (and any EXTRA files) into OUT/NAME.cpio.gz. Prints the kernel build
# directory.
#
# Usage: image.sh OUT NAME SCRIPT [EXTRA...]
# KERNEL_CONFIG selects the config fragment (default test-kernel.config).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
out=$1 name=$2 script=$3
shift 3

kout=$("$HERE/build-kernel.sh" "${KERNEL_CONFIG:-$HERE/test-kernel.config}")
mkdir -p "$out"
make -s -C "$REPO" modules KDIR="$kout" KMOD_OUT="${out#"$REPO"/}/kmod" >&2
gcc -static -O2 -Wall -Wextra -Werror -pthread "$REPO/tools/vm/memstress.c" \
	-o "$out/memstress"
# morsel.ko exists only for a kernel with the morsel hooks.
morsel=()
if grep -qx 'CONFIG_MORSEL_HOOKS=y' "$kout/.config"; then
	morsel=("$out/kmod/morsel.ko")
fi
"$HERE/initramfs.sh" "$out/$name.cpio.gz" "$script" "$out/kmod/llfree.ko" \
	"${morsel[@]}" "$out/memstress" "$@"
echo "$kout"
