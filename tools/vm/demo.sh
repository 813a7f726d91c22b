#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make demo`: llfree.ko taking over part of RAM and serving
# a workload, shown through its sysfs and debugfs files.
S=/sys/kernel/mm/llfree
D=/sys/kernel/debug/llfree
show() {
	echo "--- $1"
	grep -E '^(Mem(Total|Free)|AnonHugePages):' /proc/meminfo
	if [ -d $S ]; then
		for f in running managed free free_huge fallback; do
			printf '%-10s %s\n' "$f" "$(cat $S/$f)"
		done
	fi
}

show "before loading llfree.ko"
insmod ./llfree.ko percent=50
dmesg | grep 'llfree:' | tail -2
show "llfree.ko loaded (free memory inside LLFree still counts as MemFree)"
echo "--- workload: fork/exec, anonymous memory, page cache, THP, munmap"
./memstress all 2
show "after the workload"
echo "--- allocations served by LLFree, by order and class ($D/stats)"
sed -n '/^order/,$p' $D/stats
echo "--- first trees ($D/trees: H huge frame, F free, 0-9 free tenths)"
head -6 $D/trees
echo "--- validate: $(cat $S/validate | tail -1)"
rmmod llfree
dmesg | grep -E 'llfree: (validate|released)' | tail -2
show "after rmmod (all memory back with buddy)"
