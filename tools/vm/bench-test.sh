#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench-kernel` (QEMU and User-Mode Linux): rounds of
# llfree_bench.ko with buddy serving alloc_pages(), with llfree.ko loaded
# (default per-CPU cache) and with llfree.ko pcp_frames=0, alternating which
# goes first, all in one boot. Round 0 is the warm-up the host discards.
# Kernel command line: bench_rounds=N (default 6), bench_mb=MiB for
# llfree.ko (default 1536), bench_poweroff=1 to power off at the end (UML).
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p"; }
rounds=$(arg bench_rounds)
mb=$(arg bench_mb)
rounds=${rounds:-6}
mb=${mb:-1536}

run() {
	case $1 in
	buddy) insmod ./llfree_bench.ko tag=buddy round="$2" &&
		rmmod llfree_bench ;;
	llfree) insmod ./llfree.ko size_mb="$mb" &&
		insmod ./llfree_bench.ko tag=llfree round="$2" &&
		rmmod llfree_bench && rmmod llfree ;;
	llfree-nopcp) insmod ./llfree.ko size_mb="$mb" pcp_frames=0 &&
		insmod ./llfree_bench.ko tag=llfree-nopcp round="$2" &&
		rmmod llfree_bench && rmmod llfree ;;
	esac
}

ok=1
r=0
while [ "$r" -lt "$rounds" ]; do
	if [ $((r % 2)) = 0 ]; then order="buddy llfree llfree-nopcp"
	else order="llfree-nopcp llfree buddy"; fi
	for t in $order; do
		run "$t" "$r" || { echo "FAIL bench.$t.round$r: module failed"; ok=0; }
	done
	r=$((r + 1))
done
[ "$ok" = 1 ] && echo "PASS bench.rounds"
dmesg | grep 'llfree_bench: '
if [ "$(arg bench_poweroff)" = 1 ]; then
	echo "VM-DONE rc=0"
	poweroff -f
fi
