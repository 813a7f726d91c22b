#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make observe`: the perf, trace-cmd and bpftrace one-liners
# of docs/observing.md, run against llfree.ko and morsel.ko under a
# workload. The three programs are the host's, with their libraries
# (observe-root.tar, unpacked to /).
tar -xf ./observe-root.tar -C /
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
run() {
	echo
	echo "# $1"
	sh -c "$1" 2>&1
}

insmod ./llfree.ko percent=50
insmod ./morsel.ko
run "perf list 'llfree:*' 'morsel:*'"

# llfree.ko
run "perf stat -a -e 'llfree:*' -- ./memstress thp 2"
run "trace-cmd record -e llfree:llfree_alloc -f 'order >= 9' -o /tmp/alloc.dat ./memstress thp 1 >/dev/null"
run "trace-cmd report -i /tmp/alloc.dat | grep -m5 -o 'llfree_alloc:.*'"
run "perf record -a -e llfree:llfree_free -o /tmp/free.data -- ./memstress munmap 1 >/dev/null"
run "perf script -i /tmp/free.data -F trace:comm,cpu,event,trace | grep -m5 memstress"
run "bpftrace -e 'tracepoint:llfree:llfree_alloc { @allocs[args->order, args->cached] = count(); }' -c './memstress forkexec 1'"
run "perf stat -a -e llfree:llfree_exhausted,llfree:llfree_fallback -- ./memstress anon 2"
run "trace-cmd record -e llfree:llfree_release -o /tmp/release.dat sh -c 'echo 1 >/sys/kernel/mm/llfree/release'"
run "trace-cmd report -i /tmp/release.dat | grep -o 'llfree_release:.*'"

# morsel.ko
run "perf stat -e 'morsel:*' -- ./morselctl create -l pmd -w -L /test/run.sh -s write -p obs -m 0600 4M >/dev/null"
run "trace-cmd record -e morsel -o /tmp/morsel.dat ./morselctl dump -H 1 obs 0 64 >/dev/null"
run "trace-cmd report -i /tmp/morsel.dat | grep -o 'morsel_[a-z]*:.*'"
run "perf trace --no-syscalls -e 'morsel:*' -- ./morselctl dump -H 1 obs 0 64 >/dev/null"
run "bpftrace -e 'tracepoint:morsel:morsel_fault { @faults[args->level, args->result] = count(); }' -c './morselctl dump -H 1 obs 0 64'"
run "trace-cmd record -e morsel:morsel_destroy -o /tmp/destroy.dat ./morselctl destroy obs"
run "trace-cmd report -i /tmp/destroy.dat | grep -o 'morsel_[a-z]*:.*'"
rmmod morsel
rmmod llfree
