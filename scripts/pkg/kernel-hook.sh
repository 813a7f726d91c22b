#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# llfree-morsel-dkms kernel hook, installed as
#   /etc/kernel/postinst.d/zz-llfree-morsel-dkms         (linux-image installed)
#   /etc/kernel/header_postinst.d/zz-llfree-morsel-dkms  (linux-headers installed)
# and run by the package's postinst with --all.
#
# Why: Debian 12's dkms (3.0.10) counts a module skipped by BUILD_EXCLUSIVE as
# a failure of `dkms autoinstall`, so its own hook would fail the install of
# every stock kernel's headers. On such dkms versions our dkms.conf leaves
# AUTOINSTALL empty (dkms then ignores us) and this hook does the work: build
# and install for a kernel that has CONFIG_LLFREE_HOOKS or
# CONFIG_MORSEL_HOOKS, say "skipped" for any other, and always exit 0 so that
# no kernel package ever fails because of this module. On newer dkms
# (autoinstall works) it only builds what dkms has not built yet.
#
# Usage: zz-llfree-morsel-dkms KERNELRELEASE [IMAGE]   |   --all

NAME=llfree-morsel
TAG=llfree-morsel-dkms

command -v dkms >/dev/null 2>&1 || exit 0

# The versions of ours that dkms knows (normally one). After `apt-get remove`
# this file stays (a conffile) but dkms no longer knows us: nothing to do.
versions() {
	for d in /var/lib/dkms/$NAME/*/source; do
		[ -e "$d" ] || continue
		d=${d%/source}
		echo "${d##*/}"
	done
}

one_kernel() {
	kver=$1
	build=/lib/modules/$kver/build
	if [ ! -e "$build/include" ]; then
		# postinst.d runs before the headers of a new kernel may be
		# configured; header_postinst.d runs again once they are.
		return 0
	fi
	conf=
	for f in "$build/include/config/auto.conf" "$build/.config"; do
		if [ -r "$f" ]; then
			conf=$f
			break
		fi
	done
	if [ -z "$conf" ] || ! grep -qE '^CONFIG_(LLFREE|MORSEL)_HOOKS=y' "$conf"; then
		echo "$TAG: skipped $kver: kernel lacks the hook patch" \
			"(neither CONFIG_LLFREE_HOOKS nor CONFIG_MORSEL_HOOKS; see README, 'Troubleshooting')"
		return 0
	fi
	for ver in $(versions); do
		if dkms status -m "$NAME" -v "$ver" -k "$kver" 2>/dev/null | grep -q ': installed'; then
			continue
		fi
		echo "$TAG: building $NAME/$ver for $kver"
		dkms install -m "$NAME" -v "$ver" -k "$kver"
		rc=$?
		case $rc in
		0) ;;
		77) echo "$TAG: skipped $kver: kernel lacks the hook patch" ;;
		*)
			echo "$TAG: WARNING: building $NAME/$ver for $kver failed (dkms exit $rc);" \
				"see /var/lib/dkms/$NAME/$ver/build/make.log" >&2
			;;
		esac
	done
	return 0
}

if [ "${1:-}" = --all ]; then
	for b in /lib/modules/*/build; do
		[ -e "$b" ] || continue
		b=${b%/build}
		one_kernel "${b##*/}"
	done
elif [ -n "${1:-}" ]; then
	one_kernel "$1"
fi
exit 0
