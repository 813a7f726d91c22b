#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make vm-test` (busybox sh, run from the initramfs): load
# llfree.ko, check it serves the workloads, unload it with frames still in
# use, and check that MemFree comes back. Prints PASS/FAIL lines.
#
# Tolerance: MemFree after unload may be below its value before load by
# what the kernel's own caches grew meanwhile (slab, KASAN quarantine, which
# may hold 1/32 of RAM); the workload runs once before the baseline to take
# most of that out. 64 MiB in a 2 GiB guest (docs/llfree-module.md).
S=/sys/kernel/mm/llfree
D=/sys/kernel/debug/llfree
TOLERANCE_KB=65536

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
memfree() { awk '/^MemFree:/ { print $2 }' /proc/meminfo; }
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$D/stats"; }
order_allocs() { awk -v o="$1" '$1 == o && NF == 3 { print $2 }' "$D/stats"; }
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}

# Warm up without LLFree first: the workload's first run grows slab caches
# and fills KASAN's quarantine, which would otherwise look like a leak.
./memstress all 1 >/dev/null
settle
before=$(memfree)
if insmod ./llfree.ko percent=50; then
	pass llfree.load
else
	fail llfree.load "insmod failed"
	exit 1
fi
managed=$(cat $S/managed)
loaded=$(memfree)
echo "llfree: managed $managed frames; MemFree $before kB before, $loaded kB loaded"
[ "$managed" -gt 0 ] && pass llfree.managed || fail llfree.managed "no memory taken"
# Free memory inside LLFree still counts as free.
diff=$((before - loaded))
[ "${diff#-}" -lt "$TOLERANCE_KB" ] && pass llfree.memfree-loaded ||
	fail llfree.memfree-loaded "MemFree moved by $diff kB at load"

# Tracepoints (events/llfree): on around the workload, then its events.
T=/sys/kernel/tracing
mount -t tracefs nodev $T 2>/dev/null
echo >$T/trace
echo 1 >$T/events/llfree/enable 2>/dev/null || fail llfree.trace "no $T/events/llfree"
./memstress all 3 || fail llfree.memstress "workload failed"
echo 0 >$T/events/llfree/enable 2>/dev/null
cat $T/trace >/tmp/llfree.trace
grep -m3 ' llfree_alloc: \| llfree_free: ' /tmp/llfree.trace
for want in "llfree_alloc: pfn=0x[0-9a-f]+ order=0 class=[0-9] cpu=[0-9]+ cached=[01]" \
	"llfree_alloc: pfn=0x[0-9a-f]+000 order=9 class=[0-9] cpu=[0-9]+ cached=0" \
	"llfree_free: pfn=0x[0-9a-f]+ order=0 cpu=[0-9]+ cached=[01] refused=0"; do
	event=${want%%:*}
	grep -Eq " $want\$" /tmp/llfree.trace && pass "llfree.trace.$event.$(echo "$want" | sed 's/.*order=\([0-9]*\).*/order\1/')" ||
		fail "llfree.trace.$event" "no line matching '$want'"
done
cat "$D/stats"
small=$(order_allocs 0)
huge=$(order_allocs 9)
[ "${small:-0}" -gt 0 ] && pass llfree.served-order0 || fail llfree.served-order0 "no order-0 allocation served"
[ "${huge:-0}" -gt 0 ] && pass llfree.served-order9 || fail llfree.served-order9 "no THP (order 9) allocation served"
movable=$(awk '$1 == "class" && $2 == "movable" { print $3 }' "$D/stats")
[ "${movable:-0}" -gt 0 ] && pass llfree.served-movable || fail llfree.served-movable "no movable allocation served"
[ "$(stat_of free_error)" = 0 ] && pass llfree.no-free-errors || fail llfree.no-free-errors "$(stat_of free_error) refused frees"
head -3 "$D/trees"

settle
v=$(cat $S/validate)
case "$v" in
*corrupt*) fail llfree.validate-idle "$v" ;;
*) pass llfree.validate-idle ;;
esac

# Unload while a process still holds frames LLFree handed out.
./memstress hold 64 >/tmp/hold.log &
holder=$!
sleep 2
if rmmod llfree; then
	pass llfree.rmmod-with-frames-out
else
	fail llfree.rmmod-with-frames-out "rmmod refused"
fi
dmesg | grep -q 'llfree: validate .*: ok' && pass llfree.validate-release ||
	fail llfree.validate-release "$(dmesg | grep 'llfree: validate' | head -3)"
# Every managed frame was either released to buddy or handed over in use
# (the message rounds the released part to MiB).
released=$(dmesg | grep 'llfree: released' | head -n 1)
echo "$released"
accounted=$(echo "$released" | awk '{ for (i = 1; i < NF; i++) {
	if ($(i + 1) == "MiB") mib = $i; if ($(i + 1) == "frames") n = $i }
	print mib * 256 + n }')
off=$((managed - accounted))
[ -n "$accounted" ] && [ "${off#-}" -lt 256 ] && pass llfree.release-accounted ||
	fail llfree.release-accounted "managed $managed frames, release accounted for ${accounted:-none}"
[ -d $S ] && fail llfree.unloaded "sysfs still present" || pass llfree.unloaded
# The held frames are buddy's now: freeing them must not touch LLFree.
kill "$holder"
wait "$holder" 2>/dev/null
./memstress munmap 1 >/dev/null || fail llfree.after-unload "workload failed after unload"
settle
after=$(memfree)
echo "llfree: MemFree $before kB before load, $after kB after unload"
diff=$((before - after))
[ "$diff" -lt "$TOLERANCE_KB" ] && pass llfree.memfree-returned ||
	fail llfree.memfree-returned "MemFree $diff kB below its value before load"

# Load and unload again: nothing left behind by the first round. Release
# through sysfs first, with its tracepoint on (unloading a module drops
# its events from the trace buffer).
if insmod ./llfree.ko size_mb=64; then
	echo >$T/trace
	echo 1 >$T/events/llfree/llfree_release/enable
	echo 1 >$S/release
	# Every frame of the 64 MiB returned to buddy or handed over in use.
	sum=$(sed -n 's/.* llfree_release: returned=\([0-9]*\) handed_over=\([0-9]*\)$/\1 \2/p' \
		$T/trace | awk '{ print $1 + $2 }')
	[ "$sum" = 16384 ] && pass llfree.trace.llfree_release ||
		fail llfree.trace.llfree_release "$(grep llfree_release $T/trace || echo 'no event')"
	echo 0 >$T/events/llfree/llfree_release/enable
fi
if lsmod | grep -q '^llfree ' && rmmod llfree; then
	pass llfree.reload
else
	fail llfree.reload "second load/unload failed"
fi

# pcp_frames (the per-CPU cache): out-of-range and malformed values are
# refused at load, and the parameter cannot be changed while loaded.
for bad in 1025 4294967296 -1 abc; do
	if insmod ./llfree.ko size_mb=64 pcp_frames=$bad 2>/dev/null; then
		rmmod llfree
		fail "llfree.pcp-param-$bad" "pcp_frames=$bad accepted"
	else
		pass "llfree.pcp-param-$bad"
	fi
done
if insmod ./llfree.ko size_mb=256 pcp_frames=64; then
	if echo 5 >/sys/module/llfree/parameters/pcp_frames 2>/dev/null; then
		fail llfree.pcp-param-readonly "pcp_frames writable at run time"
	else
		pass llfree.pcp-param-readonly
	fi
	./memstress munmap 2 >/dev/null || fail llfree.pcp-workload "workload failed"
	# Cached frames count as free; MemFree sees them (not hidden).
	free=$(cat $S/free) cached=$(cat $S/cached)
	[ "$cached" -le "$free" ] && pass llfree.pcp-cached-in-free ||
		fail llfree.pcp-cached-in-free "cached $cached above free $free"
	# A CPU going offline leaves its cached frames to the others.
	if [ -w /sys/devices/system/cpu/cpu1/online ]; then
		taskset 2 ./memstress munmap 1 >/dev/null
		before=$(cat $S/cached)
		echo 0 >/sys/devices/system/cpu/cpu1/online
		after=$(cat $S/cached)
		echo 1 >/sys/devices/system/cpu/cpu1/online
		echo "llfree: cached $before frames before CPU 1 went offline, $after after"
		[ "$after" -lt "$before" ] && pass llfree.pcp-hotplug-drain ||
			fail llfree.pcp-hotplug-drain "cached $before -> $after"
	fi
	case "$(cat $S/validate)" in
	*corrupt*) fail llfree.pcp-validate "$(cat $S/validate | head -3)" ;;
	*) pass llfree.pcp-validate ;;
	esac
	rmmod llfree && pass llfree.pcp-unload || fail llfree.pcp-unload "rmmod failed"
else
	fail llfree.pcp-load "insmod pcp_frames=64 failed"
fi
