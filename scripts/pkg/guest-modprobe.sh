#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the package test (busybox sh in an initramfs that carries
# /lib/modules/<release> of the Debian root the .deb was installed into):
# modprobe every module DKMS installed into updates/dkms, check it is live,
# show llfree serving, and remove it again. With morsel.ko loaded, run the
# packaged /usr/bin/morselctl and /usr/local/bin/morsel-pkgcheck (built in
# the root with pkg-config), both with the root's libmorsel.so.1, libc and
# ld.so, and the static build of the latter. Prints PASS/FAIL lines.
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# morselctl CMD...: run it, keep stdout in $out, stderr in $err, status in $rc.
ctl() {
	rc=0
	out=$(/usr/bin/morselctl "$@" 2>/tmp/ctl.err) || rc=$?
	err=$(cat /tmp/ctl.err)
}
# one_line NAME WANT-RC: the last ctl call failed with WANT-RC and exactly
# one line on stderr.
one_line() {
	if [ "$rc" = "$2" ] && [ -n "$err" ] && [ "$(echo "$err" | wc -l)" = 1 ]; then
		pass "$1 ($err)"
	else
		fail "$1" "exit $rc (want $2), stderr: $(echo "$err" | tr '\n' '|')"
	fi
}

morsel_checks() {
	ver=$(cat /test/pkg-version)
	if [ ! -x /usr/bin/morselctl ]; then
		fail pkg.guest.morselctl.present "/usr/bin/morselctl not in the image"
		return
	fi
	# The packaged binary resolves libmorsel.so.1 (the package's file, not
	# a static copy) through the root's ld.so.
	libs=$(/lib64/ld-linux-x86-64.so.2 --list /usr/bin/morselctl 2>&1)
	if echo "$libs" | grep -qE 'libmorsel\.so\.1 => /(usr/)?lib/x86_64-linux-gnu/libmorsel\.so\.1 '; then
		pass pkg.guest.morselctl.links-libmorsel
	else
		fail pkg.guest.morselctl.links-libmorsel "ld.so --list: '$(echo "$libs" | tr '\n' '|')' (not dynamic, or no libmorsel.so.1)"
	fi
	ctl version
	[ "$rc" = 0 ] && [ "$out" = "morselctl $ver" ] && pass pkg.guest.morselctl.version ||
		fail pkg.guest.morselctl.version "exit $rc, '$out' $err"

	printf 'hello from the installed morselctl\n' >/tmp/pkg.in
	ctl create -w -p pkgtest -m 0644 -L /tmp/pkg.in 2M
	echo "$out"
	if [ "$rc" = 0 ] && echo "$out" | grep -q '^loaded 35 bytes from /tmp/pkg.in$'; then
		pass pkg.guest.morselctl.create
	else
		fail pkg.guest.morselctl.create "exit $rc: $err"
	fi
	ctl info pkgtest
	if [ "$rc" = 0 ] && echo "$out" | grep -qx 'name       pkgtest' &&
		echo "$out" | grep -qx 'level      pte (span 2097152 bytes)' &&
		echo "$out" | grep -qx 'length     2097152 bytes' &&
		echo "$out" | grep -qx 'flags      writable' &&
		echo "$out" | grep -qx 'pages      1 (4 KiB)' &&
		echo "$out" | grep -qx 'attaches   0' &&
		echo "$out" | grep -qx 'owner      uid 0 gid 0 mode 0644'; then
		pass pkg.guest.morselctl.info
	else
		fail pkg.guest.morselctl.info "exit $rc: $(echo "$out $err" | tr '\n' '|')"
	fi
	ctl list
	echo "$out"
	id=$(echo "$out" | awk '$2 == "pkgtest" { print $1 }')
	if [ "$rc" = 0 ] &&
		[ "$(echo "$out" | head -n 1 | tr -s ' ')" = "ID NAME LEVEL LENGTH PAGES TABLES ATTACHES PIDS" ] &&
		echo "$out" | grep -qE "^$id +pkgtest +pte +2097152 +1 +1 +0 +-\$" &&
		[ "$(echo "$out" | tail -n 1)" = "total: morsels 1, pages 1, tables 1, attaches 0" ]; then
		pass pkg.guest.morselctl.list
	else
		fail pkg.guest.morselctl.list "exit $rc: $(echo "$out $err" | tr '\n' '|')"
	fi
	ctl dump pkgtest 0 34
	[ "$rc" = 0 ] && [ "$out" = "hello from the installed morselctl" ] &&
		pass pkg.guest.morselctl.dump || fail pkg.guest.morselctl.dump "exit $rc, read '$out' $err"
	# Errors: one line each, 1 for failures, 2 for usage.
	ctl info no-such-morsel
	one_line pkg.guest.morselctl.error-missing 1
	ctl create -p pkgtest 4K
	one_line pkg.guest.morselctl.error-name-taken 1
	ctl create -m 999 -p other 4K
	one_line pkg.guest.morselctl.error-usage 2
	ctl dump pkgtest 3M
	one_line pkg.guest.morselctl.error-offset 1
	ctl destroy pkgtest
	[ "$rc" = 0 ] && pass pkg.guest.morselctl.destroy || fail pkg.guest.morselctl.destroy "exit $rc: $err"
	ctl info pkgtest
	one_line pkg.guest.morselctl.gone 1

	# The program built against libmorsel-dev with pkg-config: shared
	# (the package's libmorsel.so.1), then static (libmorsel.a).
	/usr/local/bin/morsel-pkgcheck pkg.guest.libmorsel ||
		fail pkg.guest.libmorsel.run "morsel-pkgcheck exited $?"
	/usr/local/bin/morsel-pkgcheck-static pkg.guest.libmorsel-static ||
		fail pkg.guest.libmorsel-static.run "morsel-pkgcheck-static exited $?"
	ctl list
	[ "$rc" = 0 ] && [ "$(echo "$out" | tail -n 1)" = "total: morsels 0, pages 0, tables 0, attaches 0" ] &&
		pass pkg.guest.morselctl.all-gone || fail pkg.guest.morselctl.all-gone "$(echo "$out $err" | tr '\n' '|')"
}

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
	[ "$m" = morsel ] && morsel_checks
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
