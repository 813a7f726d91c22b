#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench-frag`: the same churn (tools/vm/fragchurn.c) on
# buddy and on LLFree managing the same amount of free memory, in one boot;
# afterwards, with a quarter of the churn still alive, how many free 2 MiB
# frames each can hand out. Buddy: orders >= 9 in /proc/buddyinfo and by
# allocating (llfree_frag.ko, no reclaim or compaction). LLFree (with its
# default per-CPU cache and with pcp_frames=0): free_huge and by allocating.
# Kernel command line: frag_mb (managed MiB, default 1024), frag_work (peak
# churn MiB, default 768), frag_rounds (default 20), frag_seed.
S=/sys/kernel/mm/llfree
D=/sys/kernel/debug/llfree
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p"; }
mb=$(arg frag_mb)
work=$(arg frag_work)
rounds=$(arg frag_rounds)
seed=$(arg frag_seed)
mb=${mb:-1024}
work=${work:-768}
rounds=${rounds:-20}
seed=${seed:-12345}

# Free 2 MiB frames on buddy's lists (order 10 counts twice).
buddy_huge() {
	# Fields 5.. are orders 0..10 (busybox awk has no ^).
	awk '{ n += $14 + 2 * $15 } END { print n + 0 }' /proc/buddyinfo
}
count() {
	echo 1 >/sys/module/llfree_frag/parameters/count
	dmesg | sed -n 's/.*llfree_frag: counted \([0-9]*\).*/\1/p' | tail -n 1
}
llfree_alloc9() { awk '$1 == 9 && NF == 3 { print $2 }' "$D/stats"; }
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}

# Run the churn and leave its survivors in place (fd 3 ends it).
churn_start() {
	rm -f /tmp/go /tmp/churn.out
	mkfifo /tmp/go
	./fragchurn "$work" "$rounds" "$seed" </tmp/go >/tmp/churn.out &
	churn_pid=$!
	exec 3>/tmp/go
	while ! grep -q ready /tmp/churn.out; do
		kill -0 "$churn_pid" 2>/dev/null || break
		sleep 1
	done
	cat /tmp/churn.out
	grep -q ready /tmp/churn.out
}
churn_end() {
	echo >&3
	exec 3>&-
	wait "$churn_pid"
	rm -f /tmp/go /tmp/churn.*
	settle
}

ok=1
settle
free_mb=$(awk '/^MemFree:/ { print int($2 / 1024) }' /proc/meminfo)
if insmod ./llfree_frag.ko hold_mb=$((free_mb - mb)) && churn_start; then
	echo "RESULT buddy before-churn-free-mb $mb buddyinfo $(buddy_huge) allocated $(count)"
	churn_end
	rmmod llfree_frag
else
	echo "FAIL frag.buddy: churn or module failed"
	ok=0
fi

for variant in llfree llfree-nopcp; do
	extra=
	[ "$variant" = llfree-nopcp ] && extra=pcp_frames=0
	# shellcheck disable=SC2086
	if insmod ./llfree.ko size_mb="$mb" $extra && insmod ./llfree_frag.ko &&
		churn_start; then
		huge=$(cat $S/free_huge)
		before=$(llfree_alloc9)
		count >/dev/null
		after=$(llfree_alloc9)
		echo "RESULT $variant free_huge $huge allocated $((after - before)) cached $(cat $S/cached)"
		churn_end
		rmmod llfree_frag
		rmmod llfree
	else
		echo "FAIL frag.$variant: churn or module failed"
		ok=0
	fi
done
[ "$ok" = 1 ] && echo "PASS frag.phases"
