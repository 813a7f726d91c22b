#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench-kernel`: the same benchmark module, first with
# buddy serving alloc_pages(), then with llfree.ko loaded, in one boot.
if insmod ./llfree_bench.ko tag=buddy && rmmod llfree_bench; then
	echo "PASS bench.buddy"
else
	echo "FAIL bench.buddy: benchmark module failed"
fi
if insmod ./llfree.ko percent=60 && insmod ./llfree_bench.ko tag=llfree &&
	rmmod llfree_bench && rmmod llfree; then
	echo "PASS bench.llfree"
else
	echo "FAIL bench.llfree: benchmark with llfree.ko failed"
fi
dmesg | grep 'llfree_bench: .* order '
