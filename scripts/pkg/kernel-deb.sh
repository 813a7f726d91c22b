#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make kernel-deb`: linux-image and linux-headers .debs of a hook kernel,
# Debian's linux-source-6.12 + patches/6.12, built with the kernel's own
# `make bindeb-pkg`. Prints the paths of the two .debs.
#
# Usage: kernel-deb.sh [--config test|debian|FILE] [--localversion STR] [--out DIR]
#   --config test    (default) scripts/vm/test-kernel.config, the small debug
#                    kernel of `make vm-test`: bindeb-pkg runs in its cached
#                    build directory (scripts/vm/build-kernel.sh), so it only
#                    relinks and packs. With --localversion the directory is
#                    copied first and only relinked under the new release
#                    (the second kernel of the upgrade test).
#   --config debian  Debian's own configuration (package linux-config-6.12,
#                    config.amd64_none_amd64) + the hook options: a kernel to
#                    run every day. A full build: hours on two cores.
#   --config FILE    a complete .config of your own; the hooks are added.
#   --localversion   appended to the release (default: none for test,
#                    "-llfree" otherwise).
#   --out DIR        also copy the .debs there.
#
# Compared with plain bindeb-pkg, the headers package gets the kernel's
# .config (dkms 3.0.x reads it for BUILD_EXCLUSIVE_CONFIG) and a postinst
# that runs /etc/kernel/header_postinst.d like Debian's own headers packages
# do, so installing the headers alone triggers DKMS. The .debs are cached in
# <cache>/kernel-deb/<build key><localversion>/ (scripts/cache.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
# shellcheck source=scripts/cache.sh
. "$REPO/scripts/cache.sh"
config=test lv='' lv_set=0 out=''
# The options again for the re-exec under the kernel-build lock below (the
# loop shifts them away).
args=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--config) config=$2 ;;
	--localversion) lv=$2 lv_set=1 ;;
	--out) out=$2 ;;
	*) echo "usage: $0 [--config test|debian|FILE] [--localversion STR] [--out DIR]" >&2; exit 2 ;;
	esac
	shift 2
done
[ "$config" = test ] || [ "$lv_set" = 1 ] || lv=-llfree
if ! [[ $lv =~ ^[-+.a-z0-9]*$ ]]; then
	echo "kernel-deb: --localversion may only use - + . a-z 0-9" >&2
	exit 2
fi

# Cached .debs of the test kernel: found without the kernel-build lock
# (same directory name as scripts/vm/build-kernel.sh gives its build).
if [ "$config" = test ] && tree=$("$REPO/scripts/kernel-tree.sh" --no-stage 2>/dev/null); then
	chash=$(sha256sum <"$REPO/scripts/vm/test-kernel.config" | cut -c1-12)
	dest=$CACHE/kernel-deb/test-$(basename "$tree")-$chash$lv
	if [ -f "$dest/.ready" ] && [ -f "$CACHE/build/test-$(basename "$tree")-$chash/.llfree-build-ready" ]; then
		touch "$dest/.ready"
		if [ -n "$out" ]; then
			mkdir -p "$out"
			cp "$dest"/*.deb "$out/"
		fi
		ls "$dest"/linux-image-*.deb "$dest"/linux-headers-*.deb
		exit 0
	fi
fi

# Building: one kernel build at a time on this machine, and the packages
# bindeb-pkg leaves next to the build directory are ours until moved.
if [ -z "${LLFREE_KDEB_LOCKED:-}" ]; then
	LLFREE_KDEB_LOCKED=1 exec "$REPO/scripts/kbuild-lock.sh" "$0" ${args[@]+"${args[@]}"}
fi

tree=$("$REPO/scripts/kernel-tree.sh")
mk=(make -s -C "$tree" ARCH=x86_64)

# The hook options this patch series has.
hooks=()
for opt in LLFREE_HOOKS MORSEL_HOOKS; do
	grep -rqs "^config $opt\$" "$tree/mm" "$tree/arch/x86" "$tree/init" && hooks+=("$opt")
done

case $config in
test)
	base=$("$REPO/scripts/vm/build-kernel.sh")
	name=$(basename "$base")
	;;
*)
	if [ "$config" = debian ]; then
		src=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
		if [ ! -r "$src" ]; then
			echo "kernel-deb: $src missing: apt-get install linux-config-6.12" >&2
			exit 1
		fi
		cfg=$(xzcat "$src")
	else
		cfg=$(cat "$config")
	fi
	chash=$( (printf '%s\n' "$cfg"; sha256sum <"${BASH_SOURCE[0]}") | sha256sum | cut -c1-12)
	name=$(basename "${config%.config}")-$(basename "$tree")-$chash
	base=$CACHE/build/$name
	if [ ! -f "$base/.config" ]; then
		mkdir -p "$base"
		printf '%s\n' "$cfg" >"$base/.config"
		# Debian's configuration names Debian's signing certificates, which
		# only Debian's build has; kbuild makes its own module signing key.
		# No debug info: it would triple the build and make a 1 GiB -dbg .deb.
		"$tree/scripts/config" --file "$base/.config" \
			--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
			--set-str MODULE_SIG_KEY certs/signing_key.pem \
			--disable DEBUG_INFO_DWARF5 --disable DEBUG_INFO_DWARF4 \
			--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --enable DEBUG_INFO_NONE \
			--disable DEBUG_INFO_BTF
		for opt in "${hooks[@]}"; do
			"$tree/scripts/config" --file "$base/.config" --enable "$opt"
		done
		"${mk[@]}" O="$base" olddefconfig
	fi
	;;
esac
for opt in "${hooks[@]}"; do
	grep -qx "CONFIG_$opt=y" "$base/.config" || {
		echo "kernel-deb: $base/.config lacks CONFIG_$opt=y" >&2
		exit 1
	}
done

key=$name$lv
dest=$CACHE/kernel-deb/$key
if [ ! -f "$dest/.ready" ]; then
	objdir=$base
	if [ "$config" = test ] && [ -n "$lv" ]; then
		# The test build directory is shared with vm-test: building another
		# release in it would change what other users of it load. Copy it
		# (0.5 GiB) and relink the copy.
		objdir=$CACHE/kernel-deb/obj/$key
		mkdir -p "$objdir"
		# A copy a killed run left half done is completed here.
		rsync -a --delete --exclude=/debian "$base/" "$objdir/"
	fi
	release=$("${mk[@]}" O="$objdir" LOCALVERSION="$lv" kernelrelease)
	pkgver=$release-1
	# Where bindeb-pkg writes: kbuild resolves O= (it may be a link).
	parent=$(dirname "$(realpath "$objdir")")
	echo "kernel-deb: bindeb-pkg $release in $objdir" >&2
	start=$SECONDS
	touch "$parent/.bindeb-start-$key"
	"${mk[@]}" O="$objdir" LOCALVERSION="$lv" \
		KDEB_PKGVERSION="$pkgver" KDEB_CHANGELOG_DIST=bookworm KDEB_COMPRESS=gzip \
		-j"$(nproc)" bindeb-pkg >"$parent/bindeb-pkg-$key.log" 2>&1 || {
		tail -n 30 "$parent/bindeb-pkg-$key.log" >&2
		echo "kernel-deb: bindeb-pkg failed, see $parent/bindeb-pkg-$key.log" >&2
		exit 1
	}
	# The point of reusing the build directory: say how much was rebuilt.
	nobj=$(find "$objdir/" -name '*.o' -newer "$parent/.bindeb-start-$key" | wc -l)
	rm -f "$parent/.bindeb-start-$key"
	touch "$objdir"
	echo "kernel-deb: bindeb-pkg took $((SECONDS - start))s, compiled $nobj objects" \
		"(of $(find "$objdir/" -name '*.o' | wc -l))" >&2
	mkdir -p "$CACHE/kernel-deb"
	tmp=$(mktemp -d "$CACHE/kernel-deb/.tmp.XXXXXX")
	chmod 755 "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	image=linux-image-${release}_${pkgver}_amd64.deb
	headers=linux-headers-${release}_${pkgver}_amd64.deb
	mv "$parent/$image" "$tmp/"
	# The headers package: add .config and the header_postinst.d hooks.
	dpkg-deb -R "$parent/$headers" "$tmp/h"
	cp "$objdir/.config" "$tmp/h/usr/src/linux-headers-$release/.config"
	cat >"$tmp/h/DEBIAN/postinst" <<-EOF
	#!/bin/sh
	# Like Debian's linux-headers packages: let DKMS and others build for
	# this kernel (added by llfree-morsel scripts/pkg/kernel-deb.sh).
	set -e
	if [ "\$1" = configure ] && [ -d /etc/kernel/header_postinst.d ]; then
		DEB_MAINT_PARAMS="\$*" run-parts --report --exit-on-error --arg=$release \\
			/etc/kernel/header_postinst.d
	fi
	exit 0
	EOF
	chmod 755 "$tmp/h/DEBIAN/postinst"
	(cd "$tmp/h" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
		xargs -0r md5sum >DEBIAN/md5sums)
	dpkg-deb --root-owner-group -Zgzip -b "$tmp/h" "$tmp/$headers" >/dev/null
	rm -rf "$tmp/h"
	rm -f "$parent/$headers" "$parent"/linux-libc-dev_"${pkgver}"_amd64.deb \
		"$parent"/linux-upstream_"${pkgver}"_amd64.{buildinfo,changes}
	rm -rf "$dest"
	mv "$tmp" "$dest"
	trap - EXIT
	touch "$dest/.ready"
fi
touch "$dest/.ready"	# most recently used
# Every patch or config change makes new .debs (20 MiB) and, for a second
# release, a copied build (0.5 GiB): keep six of the one, two of the other.
cache_prune "$CACHE/kernel-deb" 6 .ready
cache_prune "$CACHE/kernel-deb/obj" 2
if [ -n "$out" ]; then
	mkdir -p "$out"
	cp "$dest"/*.deb "$out/"
fi
ls "$dest"/linux-image-*.deb "$dest"/linux-headers-*.deb
