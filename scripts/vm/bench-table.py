#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the tables of `make bench-kernel` from a guest log.

Usage: bench-table.py LOG TITLE UNIT

Rows: workload, order, pass (cold/hot), CPUs. For each allocator the median
over the rounds after the warm-up round 0 of the per-operation cost, and
LLFree/buddy ratios (below 1: LLFree cheaper). "repeat" is one alloc+free
pair, reported in the alloc column.
"""
import re
import statistics
import sys

PAT = re.compile(r'llfree_bench: (\S+) round (\d+) (\w+) (\w+) order (\d+) '
                 r'cpus (\d+) alloc_ns (\d+) free_ns (\d+) failed (\d+)')
WORKLOADS = ['bulk', 'repeat', 'random']


def main():
    log, title, unit = sys.argv[1:4]
    rows = {}
    failed = {}
    rounds = set()
    for line in open(log, errors='replace'):
        m = PAT.search(line)
        if not m:
            continue
        tag, rnd, wl, pas, order, cpus, a, f, x = m.groups()
        rnd = int(rnd)
        rounds.add(rnd)
        key = (wl, int(order), pas, int(cpus))
        failed[tag] = failed.get(tag, 0) + int(x)
        if rnd == 0:
            continue
        rows.setdefault(key, {}).setdefault(tag, []).append((int(a), int(f)))
    kept = sorted(r for r in rounds if r)
    print(f"\n### {title}\n")
    print(f"{unit} per operation, median of {len(kept)} rounds "
          f"(warm-up round discarded); ratio = LLFree / buddy.\n")
    print("| workload | order | pass | cpus | buddy alloc | buddy free "
          "| LLFree alloc | LLFree free | ratio alloc | ratio free "
          "| no-pcp alloc | no-pcp free | ratio alloc | ratio free |")
    print("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")

    def med(vals, i):
        return statistics.median(v[i] for v in vals)

    def ratio(x, y):
        return f"{x / y:.2f}" if y else "-"

    for key in sorted(rows, key=lambda k: (k[1], WORKLOADS.index(k[0]),
                                           k[2] != 'cold', k[3])):
        r = rows[key]
        if 'buddy' not in r:
            continue
        ba, bf = med(r['buddy'], 0), med(r['buddy'], 1)
        cells = [key[0], str(key[1]), key[2], str(key[3]), f"{ba:.0f}",
                 f"{bf:.0f}" if key[0] != 'repeat' else "-"]
        for tag in ('llfree', 'llfree-nopcp'):
            if tag not in r:
                cells += ["-"] * 4
                continue
            la, lf = med(r[tag], 0), med(r[tag], 1)
            cells += [f"{la:.0f}", f"{lf:.0f}" if key[0] != 'repeat' else "-",
                      ratio(la, ba),
                      ratio(lf, bf) if key[0] != 'repeat' else "-"]
        print("| " + " | ".join(cells) + " |")
    bad = {t: n for t, n in failed.items() if n}
    if bad:
        print(f"\nFailed allocations (all rounds): {bad}")
    if not rows:
        print("no measurements in the log")
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
