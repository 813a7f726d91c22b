#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-kernel`: boot a non-debug hook kernel under QEMU TCG and run
# tools/kbench/llfree_bench.ko with buddy and then with llfree.ko in the same
# boot; print ns/op for both and the buddy/LLFree ratio. TCG distorts
# absolute times; the ratios are the result.
#
# Usage: bench-kernel.sh [VCPUS]   (default 4)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=$REPO/build/bench-kernel
smp=${1:-4}

kout=$("$HERE/build-kernel.sh" "$HERE/bench-kernel.config")
mkdir -p "$OUT/kbench"
cp "$REPO/tools/kbench/Kbuild" "$REPO/tools/kbench/llfree_bench.c" "$OUT/kbench/"
"$REPO/scripts/kbuild-lock.sh" make -s -C "$kout" M="$OUT/kbench" modules >&2
KERNEL_CONFIG=$HERE/bench-kernel.config "$HERE/image.sh" "$OUT" bench \
	"$REPO/tools/vm/bench-test.sh" "$OUT/kbench/llfree_bench.ko" >/dev/null
"$HERE/run.sh" bench "$kout/arch/x86/boot/bzImage" "$OUT/bench.cpio.gz" \
	"$OUT/bench.log" --smp "$smp" --paging 5 --mem 4096 --timeout 1800 >&2 || {
	echo "bench-kernel: the benchmark boot failed, see $OUT/bench.log" >&2
	exit 1
}

python3 - "$OUT/bench.log" <<'PY'
import re, sys
rows = {}
pat = re.compile(r'llfree_bench: (\w+) (\w+) order (\d+) cpus (\d+) alloc_ns (\d+) free_ns (\d+) failed (\d+)')
for line in open(sys.argv[1]):
    m = pat.search(line)
    if m:
        tag, wl, order, cpus, a, f, failed = m.groups()
        rows.setdefault((wl, int(order), int(cpus)), {})[tag] = (int(a), int(f), int(failed))
print(f"{'workload':8} {'order':>5} {'cpus':>4} | {'buddy alloc':>11} {'free':>6} | {'llfree alloc':>12} {'free':>6} | {'ratio alloc':>11} {'free':>6}")
for key in sorted(rows, key=lambda k: (k[1], ['bulk', 'repeat', 'random'].index(k[0]), k[2])):
    r = rows[key]
    if 'buddy' not in r or 'llfree' not in r:
        continue
    (ba, bf, bx), (la, lf, lx) = r['buddy'], r['llfree']
    ra = f"{ba / la:.2f}" if la else "-"
    rf = f"{bf / lf:.2f}" if lf else "-"
    note = f"  (failed: buddy {bx}, llfree {lx})" if bx or lx else ""
    print(f"{key[0]:8} {key[1]:>5} {key[2]:>4} | {ba:>11} {bf:>6} | {la:>12} {lf:>6} | {ra:>11} {rf:>6}{note}")
print("ratio = buddy ns / LLFree ns (above 1: LLFree faster); ns per operation under QEMU TCG")
PY
