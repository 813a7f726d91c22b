#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make kunit` (busybox sh, from the initramfs): load
# llfree.ko and morsel.ko, built with their KUnit suites. KUnit runs a
# module's suites while it loads, printing KTAP to the console; the markers
# around each insmod let scripts/kunit.sh hand each module's part to
# kunit.py parse. llfree.ko is loaded without taking over memory, as in a
# kernel that has it built in; its suites start backends of their own.
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

for m in llfree morsel; do
	args=
	[ "$m" = llfree ] && args=takeover=0
	echo "KUNIT-LOG-BEGIN $m"
	insmod ./$m.ko $args
	rc=$?
	echo "KUNIT-LOG-END $m"
	[ $rc = 0 ] && pass kunit.$m.load || fail kunit.$m.load "insmod $m.ko: status $rc"
	rmmod $m && pass kunit.$m.unload || fail kunit.$m.unload "rmmod $m failed"
done
