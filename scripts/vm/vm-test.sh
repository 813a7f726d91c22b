#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make vm-test`: build the hook test kernel, build llfree.ko against it as
# DKMS would, pack the guest tests into an initramfs, and boot it under QEMU
# TCG with 1, 2 and 4 vCPUs on 5- and 4-level paging. Then the morsel tests
# (tools/vm/morsel-test.sh: morsel.ko, morsel_test, morsel_attack,
# morsel_random, morsel_race, morselctl) and the pressure boot
# (tools/vm/pressure-test.sh: llfree.ko at 90 %, 4 GiB)
# in their own boots, on 5- and 4-level paging. Prints PASS/FAIL lines (the
# guest's, plus boot and dmesg verdicts per boot).
#
# Usage: vm-test.sh [CONFIGS]   CONFIGS like "1:5 2:4 4:5" (vCPUs:paging levels)
# MORSEL_CONFIGS (default "3:5 3:4"; empty: none; morsel_attack's TLB test
# needs a CPU each for a writer, an unmapper and a discarder), MORSEL_SECONDS
# (random sequence per boot, default 45), MORSEL_RACE_SECONDS (race harness
# per boot, default MORSEL_SECONDS) and MORSEL_SEED (default: the clock).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=$REPO/build/vm
CONFIGS=${1:-"1:5 2:4 4:5"}
MORSEL_CONFIGS=${MORSEL_CONFIGS-"3:5 3:4"}

kout=$("$HERE/image.sh" "$OUT" llfree "$REPO/tools/vm/llfree-test.sh")

status=0
for cfg in $CONFIGS; do
	smp=${cfg%%:*} paging=${cfg##*:}
	"$HERE/run.sh" "llfree-smp$smp-l$paging" "$kout/arch/x86/boot/bzImage" \
		"$OUT/llfree.cpio.gz" "$OUT/llfree-smp$smp-l$paging.log" \
		--smp "$smp" --paging "$paging" --mem 2048 || status=1
done

# llfree.ko at 90 % of a 4 GiB guest: watermark and reserve rules, OOM.
if ! mkdir -p "$OUT/kbench" ||
	! cp "$REPO/tools/kbench/Kbuild" "$REPO/tools/kbench/"*.[ch] "$OUT/kbench/" ||
	! "$REPO/scripts/kbuild-lock.sh" make -s -C "$kout" M="$OUT/kbench" modules >&2 ||
	! "$HERE/initramfs.sh" "$OUT/pressure.cpio.gz" "$REPO/tools/vm/pressure-test.sh" \
		"$OUT/kmod/llfree.ko" "$OUT/memstress" "$OUT/kbench/llfree_pressure.ko"; then
	echo "FAIL vm.llfree-pressure.image: building the pressure module or image failed"
	status=1
else
	"$HERE/run.sh" llfree-pressure "$kout/arch/x86/boot/bzImage" \
		"$OUT/pressure.cpio.gz" "$OUT/llfree-pressure.log" \
		--smp 2 --paging 5 --mem 4096 || status=1
fi

if [ -n "$MORSEL_CONFIGS" ]; then
	if ! "$HERE/morsel-tools.sh" "$OUT/morsel-tools" >"$OUT/morsel-tools.list" ||
		! mapfile -t tools <"$OUT/morsel-tools.list" ||
		! "$HERE/image.sh" "$OUT" morsel "$REPO/tools/vm/morsel-test.sh" \
			"${tools[@]}" >/dev/null; then
		echo "FAIL vm.morsel.image: building the morsel tools or guest image failed"
		exit 1
	fi
	seed=${MORSEL_SEED:-$(date +%s)}
	seconds=${MORSEL_SECONDS:-45}
	race_seconds=${MORSEL_RACE_SECONDS:-$seconds}
	for cfg in $MORSEL_CONFIGS; do
		smp=${cfg%%:*} paging=${cfg##*:}
		"$HERE/run.sh" "morsel-smp$smp-l$paging" "$kout/arch/x86/boot/bzImage" \
			"$OUT/morsel.cpio.gz" "$OUT/morsel-smp$smp-l$paging.log" \
			--smp "$smp" --paging "$paging" --mem 2048 --append \
			"morsel_paging=$paging morsel_seconds=$seconds morsel_seed=$seed morsel_race_seconds=$race_seconds" ||
			status=1
	done
fi
exit $status
