#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boot the hook kernel under QEMU with llfree.ko and show it
# serving allocations, then morsel.ko: a morsel created, loaded from a file,
# published, and mapped by a second process (tools/vm/demo.sh in the guest).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=$REPO/build/demo

"$REPO/scripts/deps.sh"
echo "demo: building the hook kernel (cached after the first run), llfree.ko," \
	"morsel.ko and morselctl" >&2
mkdir -p "$OUT"
"$HERE/morsel-tools.sh" "$OUT/tools" >/dev/null
kout=$("$HERE/image.sh" "$OUT" demo "$REPO/tools/vm/demo.sh" "$OUT/tools/morselctl")
echo "demo: booting $(basename "$(dirname "$kout")")/$(basename "$kout") under QEMU (2 vCPUs, 2 GiB)" >&2
status=0
"$HERE/run.sh" demo "$kout/arch/x86/boot/bzImage" "$OUT/demo.cpio.gz" \
	"$OUT/demo.log" --smp 2 --paging 5 --mem 2048 >"$OUT/verdict" || status=$?
# The guest's own output, without the kernel's boot messages.
sed -n '/^VM-START/,/^VM-DONE/p' "$OUT/demo.log" | grep -v '^\[ *[0-9]*\.[0-9]*\]'
cat "$OUT/verdict"
exit $status
