#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel + initramfs under QEMU TCG and judge the serial log.
#
# Usage: run.sh NAME BZIMAGE INITRD LOG [--smp N] [--mem MiB] [--paging 4|5]
#               [--timeout SEC] [--append ARGS] [--qemu-args ARGS]
# Prints the PASS/FAIL lines the guest wrote, then `PASS vm.NAME.boot` and
# `PASS vm.NAME.dmesg` (no WARN, BUG, KASAN, lockdep or Oops report), and
# TIME lines for the boot and for the guest's phases. Exits 1 on any failure.
set -euo pipefail

name=$1 kernel=$2 initrd=$3 log=$4
shift 4
smp=2 mem=2048 paging=5 timeout=900 append= qemu_args=
while [ $# -gt 0 ]; do
	case $1 in
	--smp) smp=$2 ;;
	--mem) mem=$2 ;;
	--paging) paging=$2 ;;
	--timeout) timeout=$2 ;;
	--append) append=$2 ;;
	--qemu-args) qemu_args=$2 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done

cpu=max
[ "$paging" = 4 ] && cpu=max,-la57

mkdir -p "$(dirname "$log")"
start=$SECONDS
status=0
timeout --foreground "$timeout" qemu-system-x86_64 -accel tcg -cpu "$cpu" \
	-smp "$smp" -m "$mem" -nographic -no-reboot -serial mon:stdio \
	-kernel "$kernel" -initrd "$initrd" $qemu_args \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=7 $append" \
	</dev/null >"$log" 2>&1 || status=$?
sed -i 's/\r$//' "$log"
echo "TIME vm.$name $((SECONDS - start))"
# The guest's own phases (`TIME <part> <seconds>` lines), for make check's table.
sed -n "s/^TIME \([^ ]*\) \([0-9]*\)$/TIME vm.$name.\1 \2/p" "$log"

fail=0
grep -aE '^(PASS|FAIL) ' "$log" | sed "s/^\(PASS\|FAIL\) /\1 vm.$name./" || true
if grep -aq '^FAIL ' "$log"; then
	fail=1
fi
if grep -aq '^VM-DONE' "$log"; then
	echo "PASS vm.$name.boot"
else
	echo "FAIL vm.$name.boot: no VM-DONE (qemu status $status), see $log"
	fail=1
fi
splat='WARNING:|BUG:|KASAN:|Oops|general protection|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|Call Trace:|UBSAN:'
if grep -aEq "$splat" "$log"; then
	echo "FAIL vm.$name.dmesg: kernel report in $log:"
	grep -aE -m5 "$splat" "$log" | sed 's/^/    /'
	fail=1
else
	echo "PASS vm.$name.dmesg"
fi
exit $fail
