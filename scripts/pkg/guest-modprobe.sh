#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the package test (busybox sh in an initramfs that carries
# /lib/modules/<release> of the Debian root the .deb was installed into):
# modprobe every module DKMS installed into updates/dkms, check it is live,
# show llfree serving, and remove it again. Prints PASS/FAIL lines.
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

kver=$(uname -r)
dir=/lib/modules/$kver/updates/dkms
mods=$(cd "$dir" 2>/dev/null && ls *.ko* 2>/dev/null | sed 's/\.ko.*$//')
if [ -z "$mods" ]; then
	fail pkg.guest.modules "nothing in $dir"
	exit 1
fi
echo "guest: DKMS modules for $kver: $mods"
for m in $mods; do
	if ! grep -q "^$m\.ko" /lib/modules/$kver/modules.dep &&
		! grep -q "updates/dkms/$m\.ko" /lib/modules/$kver/modules.dep; then
		fail pkg.guest.$m.depmod "$m not in modules.dep (depmod did not run?)"
		continue
	fi
	if modprobe "$m"; then
		pass pkg.guest.$m.modprobe
	else
		fail pkg.guest.$m.modprobe "modprobe $m failed"
		continue
	fi
	if [ -d /sys/module/$m ]; then
		pass pkg.guest.$m.live
	else
		fail pkg.guest.$m.live "/sys/module/$m missing"
	fi
	if [ "$m" = llfree ]; then
		if [ -r /sys/kernel/mm/llfree/managed ]; then
			echo "guest: llfree manages $(cat /sys/kernel/mm/llfree/managed) frames"
			pass pkg.guest.llfree.serving
		else
			fail pkg.guest.llfree.serving "/sys/kernel/mm/llfree/managed missing"
		fi
	fi
	if modprobe -r "$m"; then
		pass pkg.guest.$m.remove
	else
		fail pkg.guest.$m.remove "modprobe -r $m failed"
	fi
done
