#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench-morsel`: load morsel.ko with per-user limits
# large enough for the biggest object, run morsel_bench once for every size
# on the kernel command line (morsel_gib=1,6.82), unload.
gib=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^morsel_gib=//p')
runs=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^morsel_runs=//p')
# 16 GiB of pages: above anything this VM holds, so only memory limits.
if insmod ./morsel.ko max_pages_per_user=4194304; then
	echo "PASS bench-morsel.load"
else
	echo "FAIL bench-morsel.load: insmod failed"
	exit 1
fi
grep -E '^(MemTotal|MemAvailable|PageTables):' /proc/meminfo
cat /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/mm/transparent_hugepage/shmem_enabled
# Kernel messages would land in the middle of the table: keep them in the
# ring buffer and print it after the table (run.sh still sees any splat).
dmesg -n 1
./morsel_bench ${gib:+--gib $gib} ${runs:+--runs $runs} --sharers 8
echo "morsel-bench: end of table"
rmmod morsel && echo "PASS bench-morsel.rmmod" || echo "FAIL bench-morsel.rmmod: refused"
dmesg
