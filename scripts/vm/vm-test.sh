#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make vm-test`: build the hook test kernel, build llfree.ko against it as
# DKMS would, pack the guest tests into an initramfs, and boot it under QEMU
# TCG with 1, 2 and 4 vCPUs on 5- and 4-level paging. Prints PASS/FAIL lines
# (the guest's, plus boot and dmesg verdicts per boot).
#
# Usage: vm-test.sh [CONFIGS]   CONFIGS like "1:5 2:4 4:5" (vCPUs:paging levels)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=$REPO/build/vm
CONFIGS=${1:-"1:5 2:4 4:5"}

kout=$("$HERE/image.sh" "$OUT" llfree "$REPO/tools/vm/llfree-test.sh")

status=0
for cfg in $CONFIGS; do
	smp=${cfg%%:*} paging=${cfg##*:}
	"$HERE/run.sh" "llfree-smp$smp-l$paging" "$kout/arch/x86/boot/bzImage" \
		"$OUT/llfree.cpio.gz" "$OUT/llfree-smp$smp-l$paging.log" \
		--smp "$smp" --paging "$paging" --mem 2048 || status=1
done
exit $status
