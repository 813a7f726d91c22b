#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make demo`: llfree.ko taking over part of RAM and serving
# a workload, shown through its sysfs and debugfs files; then a morsel made
# and shared with morselctl (when morsel.ko is in the image).
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

# ---------------------------------------------------------------- morsels
if [ -f ./morsel.ko ]; then
	echo
	echo "=== Morsels: a memory object that is a page-table subtree"
	insmod ./morsel.ko
	# Something to load: a small "model file".
	i=1
	while [ $i -le 400 ]; do
		echo "weight[$i] = 0.$((i * 7919 % 10000))"
		i=$((i + 1))
	done >/tmp/model.txt
	echo "--- process 1 (morselctl create): a 64 MiB PMD-level morsel (one link maps"
	echo "    1 GiB of address space), load /tmp/model.txt ($(wc -c </tmp/model.txt) bytes)"
	echo "    into it, seal it against writes, publish it as 'demo-model' (mode 0644);"
	echo "    then morselctl exits: the published name keeps the morsel alive"
	./morselctl create -l pmd -w -L /tmp/model.txt -s write -p demo-model -m 0644 64M
	echo "--- process 2 (morselctl dump) opens 'demo-model' by name, attaches it"
	echo "    read-only and prints the first 4 lines it reads:"
	./morselctl dump -H 3 demo-model 0 4096 >/tmp/read.txt &
	pid=$!
	sleep 1
	head -4 /tmp/read.txt
	echo "--- while process 2 ($pid) is attached: its mapping (/proc/$pid/maps), the"
	echo "    whole 1 GiB span as one VMA, and its page tables in all (VmPTE; the"
	echo "    attach added one entry to them, no table):"
	grep ' /morsel' "/proc/$pid/maps"
	grep VmPTE "/proc/$pid/status"
	echo "--- the listing (debugfs morsel/list) and the global counters (sysfs):"
	./morselctl list
	wait
	echo "--- after process 2 detached:"
	./morselctl info demo-model
	echo "--- morselctl destroy demo-model: counters back to zero"
	./morselctl destroy demo-model
	./morselctl list
	rmmod morsel
fi
