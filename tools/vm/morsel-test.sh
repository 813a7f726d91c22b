#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the morsel part of `make vm-test` (busybox sh, from the
# initramfs): load morsel.ko, run the functional tests (morsel_test), the
# adversarial tests (morsel_attack, each followed by a look at the kernel
# log: some attacks show only there), the seeded random sequence
# (morsel_random), the randomized race harness (morsel_race: workers of
# three uids racing every morsel call, then a look at the kernel log), a
# morselctl round trip, the tracepoints and their fields, check the global
# counters are back at zero and that the module unloads and reloads. The
# host (run.sh) also fails the boot on any WARN/BUG/KASAN/lockdep report.
#
# Kernel command line (set by scripts/vm/vm-test.sh):
#   morsel_paging=4|5    the paging mode this boot must have
#   morsel_seconds=N     how long the random sequence runs (default 60)
#   morsel_seed=N        its seed (default: from the clock; printed)
#   morsel_race_seconds=N  how long the race harness runs (default: morsel_seconds)
#   morsel_attack_rounds=N  rounds of each racing attack (default 20)
S=/sys/kernel/mm/morsel
D=/sys/kernel/debug/morsel
# The group the package's udev rule (60-morsel.rules) gives /dev/morsel.
MORSEL_GID=1001
SPLAT='WARNING:|BUG:|KASAN:|Oops|general protection|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|Call Trace:|UBSAN:'

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p"; }
counters() {
	for c in morsels pages tables attaches; do
		printf '%s=%s ' "$c" "$(cat $S/$c 2>/dev/null)"
	done
}
# All four counters zero (freeing waits for an RCU grace period: retry).
counters_zero() {
	i=0
	while [ $i -lt 50 ]; do
		[ "$(counters)" = "morsels=0 pages=0 tables=0 attaches=0 " ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}
# phase NAME: the time since the last phase goes out as `TIME morsel.<last>`.
phase_name= phase_start=
phase() {
	now=$(cut -d. -f1 /proc/uptime)
	[ -z "$phase_name" ] || echo "TIME morsel.$phase_name $((now - phase_start))"
	phase_name=$1 phase_start=$now
}
# PASS NAME if the kernel log after the line MARK has no report.
log_clean() {
	report=$(dmesg | sed -n "/$1/,\$p" | grep -E -m1 "$SPLAT")
	[ -z "$report" ] && pass "$2" || fail "$2" "kernel report: $report"
}

paging=$(arg morsel_paging)
seconds=$(arg morsel_seconds)
seed=$(arg morsel_seed)
rounds=$(arg morsel_attack_rounds)
race_seconds=$(arg morsel_race_seconds)
[ -n "$seconds" ] || seconds=60
[ -n "$seed" ] || seed=$(date +%s)
[ -n "$rounds" ] || rounds=20
[ -n "$race_seconds" ] || race_seconds=$seconds

if insmod ./morsel.ko; then
	pass morsel.load
else
	fail morsel.load "insmod failed"
	exit 1
fi
dmesg | grep 'morsel' | tail -3
[ -c /dev/morsel ] && pass morsel.device || fail morsel.device "no /dev/morsel"
[ "$(stat -c %a /dev/morsel)" = 660 ] && chgrp $MORSEL_GID /dev/morsel &&
	pass morsel.device-mode || fail morsel.device-mode "$(ls -l /dev/morsel)"
ls -l /dev/morsel
echo "morsel-test: max_pages_per_user=$(cat /sys/module/morsel/parameters/max_pages_per_user)"
[ -d $S ] && [ -f $D/list ] && pass morsel.sysfs-debugfs ||
	fail morsel.sysfs-debugfs "missing $S or $D/list"
counters_zero && pass morsel.counters-idle || fail morsel.counters-idle "$(counters)"

phase test
./morsel_test ${paging:+--paging $paging}
echo "morsel-test: counters after morsel_test: $(counters)"
for t in tlb-munmap walk-destroy ro-attach pkey load-seal owner; do
	phase "attack-$t"
	echo "morsel-attack-mark-$t" >/dev/kmsg
	./morsel_attack --rounds "$rounds" "$t"
	log_clean "morsel-attack-mark-$t" "morsel.attack.$t.kernel-log"
done
echo "morsel-test: counters after morsel_attack: $(counters)"
phase random
./morsel_random "$seconds" "$seed"
echo "morsel-test: counters after morsel_random: $(counters)"
# Five workers: root, a member of the device's group, root, a member, and
# a user outside the group who lives on passed fds.
phase race
echo "morsel-race-mark" >/dev/kmsg
./morsel_race "$race_seconds" "$seed" 5
log_clean "morsel-race-mark" "morsel.race.kernel-log"
echo "morsel-test: counters after morsel_race: $(counters)"

phase morselctl
# morselctl: a published morsel outlives the command that made it.
printf 'hello from a file, loaded into a morsel\n' >/tmp/morselctl.in
out=$(./morselctl create -w -p ctl-test -m 0644 -L /tmp/morselctl.in 2M 2>&1)
rc=$?
echo "$out"
if [ $rc = 0 ] && echo "$out" | grep -q 'loaded 40 bytes'; then
	pass morsel.ctl-create
else
	fail morsel.ctl-create "rc $rc"
fi
info=$(./morselctl info ctl-test)
echo "$info"
echo "$info" | grep -q '^name *ctl-test$' && echo "$info" | grep -q '^pages *1 ' &&
	echo "$info" | grep -q '^attaches *0$' && pass morsel.ctl-info ||
	fail morsel.ctl-info "unexpected info"
./morselctl list
./morselctl list | grep -q 'ctl-test' && pass morsel.ctl-list || fail morsel.ctl-list "name not listed"
got=$(./morselctl dump ctl-test 0 40)
[ "$got" = "hello from a file, loaded into a morsel" ] && pass morsel.ctl-dump ||
	fail morsel.ctl-dump "read '$got'"
./morselctl create -p ctl-test 4K 2>/dev/null
[ $? = 1 ] && pass morsel.ctl-name-taken || fail morsel.ctl-name-taken "duplicate name not refused"
./morselctl info no-such-morsel 2>/dev/null
[ $? = 1 ] && pass morsel.ctl-missing || fail morsel.ctl-missing "missing name not exit 1"
./morselctl bogus 2>/dev/null
[ $? = 2 ] && pass morsel.ctl-usage || fail morsel.ctl-usage "bad command not exit 2"
./morselctl destroy ctl-test && pass morsel.ctl-destroy || fail morsel.ctl-destroy "failed"
./morselctl info ctl-test 2>/dev/null && fail morsel.ctl-gone "still there after destroy" ||
	pass morsel.ctl-gone

# Tracepoints (events/morsel): a small workload through morselctl, then
# every event it must cause, with its fields.
T=/sys/kernel/tracing
mount -t tracefs nodev $T 2>/dev/null
if [ -w $T/events/morsel/enable ]; then
	echo >$T/trace
	echo 1 >$T/events/morsel/enable
	printf 'traced\n' >/tmp/trace.in
	./morselctl create -w -p trace-test -L /tmp/trace.in 4M >/dev/null &&
		./morselctl populate trace-test 0 8K &&
		./morselctl dump trace-test 0 6 >/dev/null &&
		./morselctl discard trace-test 4K 4K &&
		./morselctl seal trace-test write &&
		./morselctl destroy trace-test || fail morsel.trace.workload "a morselctl command failed"
	echo 0 >$T/events/morsel/enable
	cat $T/trace >/tmp/trace.out
	id=$(sed -n 's/.* morsel_create: id=\([0-9]*\) level=2 flags=0x1 length=4194304 uid=0$/\1/p' /tmp/trace.out)
	for want in \
		"morsel_create: id=$id level=2 flags=0x1 length=4194304 uid=0" \
		"morsel_load: id=$id offset=0x0 length=7 ret=7" \
		"morsel_populate: id=$id offset=0x0 length=8192 ret=0" \
		"morsel_fault: id=$id level=2 address=0x[0-9a-f]+ flags=0x[0-9a-f]+ result=0x100" \
		"morsel_link: id=$id level=2 mm=[0-9a-f]+ addr=0x[0-9a-f]+000000" \
		"morsel_unlink: id=$id level=2 mm=[0-9a-f]+ addr=0x[0-9a-f]+000000" \
		"morsel_discard: id=$id offset=0x1000 length=4096 ret=0" \
		"morsel_revoke: id=$id pages=[0-9]+" \
		"morsel_seal: id=$id seals=0x1 now=0x1 ret=0" \
		"morsel_destroy: id=$id pages=1"; do
		event=${want%%:*}
		if [ -n "$id" ] && grep -Eq " $want\$" /tmp/trace.out; then
			pass "morsel.trace.$event"
		else
			fail "morsel.trace.$event" "no line matching '$want'"
		fi
	done
	grep ' morsel_' /tmp/trace.out | head -n 12
else
	fail morsel.trace "no $T/events/morsel (CONFIG_FTRACE, tracefs)"
fi

counters_zero && pass morsel.counters-final || fail morsel.counters-final "$(counters)"
phase end
cat $D/list

if rmmod morsel; then
	pass morsel.rmmod
else
	fail morsel.rmmod "rmmod refused"
fi
[ -e /dev/morsel ] && fail morsel.unloaded "/dev/morsel still there" || pass morsel.unloaded
if insmod ./morsel.ko && ./morselctl create -p reload 4K >/dev/null &&
	./morselctl destroy reload && rmmod morsel; then
	pass morsel.reload
else
	fail morsel.reload "second load/use/unload failed"
fi
