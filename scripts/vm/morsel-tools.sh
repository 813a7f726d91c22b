#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the morsel user-space tools statically for the guest (busybox
# initramfs, no libc): morselctl, morsel_test, morsel_attack, morsel_random,
# morsel_race, morsel_bench.
# Prints their paths, one per line.
#
# Usage: morsel-tools.sh OUTDIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
out=$1
mkdir -p "$out"
for prog in morselctl morsel_test morsel_attack morsel_random morsel_race morsel_bench; do
	gcc -static -std=gnu11 -O2 -Wall -Wextra -Werror -pthread -I"$REPO/include/uapi" \
		-I"$REPO/tools/morsel" "$REPO/tools/morsel/$prog.c" \
		"$REPO/tools/morsel/libmorsel.c" -o "$out/$prog"
	echo "$out/$prog"
done
