#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-morsel`: boot the non-debug hook kernel (bench-kernel.config)
# under QEMU TCG with enough memory and run tools/morsel/morsel_bench in one
# boot: time to make an N GiB object accessible in a new process (morsel
# attach + touch vs memfd mmap(MAP_POPULATE) + touch, 4 KiB and THP),
# page-table bytes per additional sharer, fork time. Prints the guest's
# table and ratios. TCG distorts absolute times; compare within one run.
#
# Usage: bench-morsel.sh [GIB_LIST [MEM_MIB]]
#   GIB_LIST  object sizes, comma separated (default "1,6.82" with 10 GiB of
#             guest memory, else "1")
#   MEM_MIB   guest memory (default 10240; the 6.82 GiB run needs about 9 GiB)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=$REPO/build/bench-morsel
mem=${2:-10240}
if [ -n "${1:-}" ]; then
	gib=$1
elif [ "$mem" -ge 10240 ]; then
	gib=1,6.82
else
	gib=1
fi

mkdir -p "$OUT"
mapfile -t tools < <("$HERE/morsel-tools.sh" "$OUT/tools")
[ "${#tools[@]}" -eq 4 ] || { echo "bench-morsel: building the tools failed" >&2; exit 1; }
kout=$(KERNEL_CONFIG=$HERE/bench-kernel.config "$HERE/image.sh" "$OUT" bench \
	"$REPO/tools/vm/morsel-bench.sh" "${tools[@]}")
echo "bench-morsel: booting $(basename "$kout") with ${mem} MiB, objects of $gib GiB" >&2
"$HERE/run.sh" bench-morsel "$kout/arch/x86/boot/bzImage" "$OUT/bench.cpio.gz" \
	"$OUT/bench.log" --smp 2 --paging 5 --mem "$mem" --timeout 3000 \
	--append "morsel_gib=$gib morsel_runs=${BENCH_RUNS:-3}" >"$OUT/verdict" || {
	cat "$OUT/verdict"
	echo "bench-morsel: the benchmark boot failed, see $OUT/bench.log" >&2
	exit 1
}
# The guest's table, without kernel messages and the machine-readable lines.
sed -n '/^morsel_bench:/,/^morsel-bench: end of table/p' "$OUT/bench.log" |
	grep -Ev '^(\[ *[0-9]+\.[0-9]+\]|BENCH |morsel-bench: end|PASS |FAIL )'
echo "times in ms under QEMU TCG (2 vCPUs, non-debug kernel): compare ratios, not absolutes"
cat "$OUT/verdict"
