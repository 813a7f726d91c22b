#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the pressure boot of `make vm-test` (4 GiB, DMA32 and Normal
# zones): llfree.ko takes 90 % of RAM, then the watermark and reserve rules
# of docs/hooks.md are checked by llfree_pressure.ko (high-order GFP_ATOMIC,
# GFP_DMA32, lowmem_reserve), and an anonymous hog larger than RAM must be
# OOM-killed with the kernel staying quiet and LLFree consistent.
S=/sys/kernel/mm/llfree
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

if ! insmod ./llfree.ko percent=90; then
	fail pressure.load "insmod percent=90 failed"
	exit 1
fi
pass pressure.load
echo "llfree: managed $(cat $S/managed) frames, free $(cat $S/free)"
grep -E '^Node|^ +(pages free|nr_free_pages|nr_free_backend|min|low|high|protection)' \
	/proc/zoneinfo
# In every zone the backend's free frames are part of the free pages.
bad=$(awk '$1 == "Node" { zone = $4 }
	$1 == "nr_free_pages" { free[zone] = $2 }
	$1 == "nr_free_backend" { if ($2 > free[zone]) print zone }' /proc/zoneinfo)
[ -z "$bad" ] && pass pressure.zoneinfo ||
	fail pressure.zoneinfo "nr_free_backend above nr_free_pages in $bad"

if insmod ./llfree_pressure.ko && rmmod llfree_pressure; then
	dmesg | sed -n 's/.*llfree_pressure: \(PASS\|FAIL\) /\1 pressure./p'
	dmesg | grep 'llfree_pressure: lowmem-reserve:\|llfree_pressure: SKIP'
else
	fail pressure.module "llfree_pressure.ko failed to load"
fi

# Tracepoints: at 90 %, the hog below runs LLFree out of some orders.
T=/sys/kernel/tracing
mount -t tracefs nodev $T 2>/dev/null
echo >$T/trace
echo 1 >$T/events/llfree/llfree_exhausted/enable
echo 1 >$T/events/llfree/llfree_fallback/enable

# The OOM killer's report has stack traces: keep them off the console (the
# host treats those as splats) and look for real ones in dmesg instead.
total_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
overcommit=$(cat /proc/sys/vm/overcommit_memory)
echo 1 >/proc/sys/vm/overcommit_memory
echo 1 >/proc/sys/kernel/printk
./memstress hold $((total_mb + 512)) >/dev/null 2>&1
rc=$?
echo 7 >/proc/sys/kernel/printk
echo "$overcommit" >/proc/sys/vm/overcommit_memory
if [ "$rc" -ne 0 ] && dmesg | grep -q 'Out of memory: Killed process'; then
	pass pressure.oom-killed
else
	fail pressure.oom-killed "hog exited $rc without an OOM kill"
fi
echo 0 >$T/events/llfree/enable
grep -m2 ' llfree_exhausted: \| llfree_fallback: ' $T/trace
grep -Eq ' llfree_exhausted: zone=(DMA32|Normal) order=[0-9]+$' $T/trace &&
	pass pressure.trace.llfree_exhausted ||
	fail pressure.trace.llfree_exhausted "no llfree_exhausted event"
grep -Eq ' llfree_fallback: order=[0-9]+ reason=(empty|exhausted)$' $T/trace &&
	pass pressure.trace.llfree_fallback ||
	fail pressure.trace.llfree_fallback "no llfree_fallback event"
splat=$(dmesg | grep -E 'WARNING:|BUG:|KASAN:|Oops|general protection|Kernel panic|UBSAN:' | head -3)
[ -z "$splat" ] && pass pressure.oom-quiet || fail pressure.oom-quiet "$splat"
sync
echo 3 >/proc/sys/vm/drop_caches
sleep 1
case "$(cat $S/validate)" in
*corrupt*) fail pressure.validate "$(cat $S/validate | head -3)" ;;
*) pass pressure.validate ;;
esac
[ "$(cat $S/free_error)" = 0 ] && pass pressure.no-free-errors ||
	fail pressure.no-free-errors "$(cat $S/free_error) refused frees"
rmmod llfree && pass pressure.unload || fail pressure.unload "rmmod failed"
