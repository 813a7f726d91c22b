#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make test-pkg`: build the packages and install them the way users do.
# Prints `PASS pkg.<name>` / `FAIL pkg.<name>: why` lines (and the VM's).
#
#  1. VERSION agrees with debian/changelog, the spec and dkms.conf; dkms.conf
#     picks the right modules, skip and AUTOINSTALL for fake kernels; the man
#     pages format cleanly and agree with docs/morsel.md and the code
#     (scripts/pkg/check-man.sh).
#  2. `make deb` (lintian: no output at all) and `make rpm` (rpmlint: no errors
#     or warnings with rpm/llfree-morsel.rpmlintrc): llfree-morsel-dkms,
#     libmorsel1/libmorsel, libmorsel-dev/-devel, morsel-tools.
#  3. Hook-kernel packages (scripts/pkg/kernel-deb.sh): kernel A is the cached
#     test kernel, kernel B the same build relinked as <release>-upgrade.
#  4. In a debootstrap'd Debian 12 root (scripts/pkg/debroot.sh, cached):
#     kernel A image + headers; `apt-get install` of the four .debs (pulls in
#     Debian's dkms 3.0.10) -> DKMS builds and installs the modules Kbuild
#     builds for A; their files; scripts/pkg/morsel-pkgcheck.c compiled in the
#     root with `pkg-config --cflags --libs morsel` (and once statically,
#     libmorsel.a); kernel B's headers -> modules for B appear by
#     themselves; Debian's stock linux-headers-amd64 -> skipped, apt exits 0
#     (and, as a control, dkms' own hook without our workaround exits 11);
#     then boot kernel A in QEMU with that root's /lib/modules, modprobe the
#     modules and, against the DKMS-built morsel.ko, run the installed
#     morselctl and that program: dynamically, with the root's
#     libmorsel.so.1, libc and ld.so carried into the initramfs (what ldd
#     says in the root), and statically (scripts/pkg/guest-modprobe.sh);
#     purge -> modules, DKMS tree, sources, hooks and library files gone.
#  5. RPM: `dnf --installroot` of the four packages from a local createrepo_c
#     repo; the %post and %preun scriptlets run against stand-ins for
#     Fedora's packages (said plainly in the output); their files; the
#     installed morselctl and a program built against the installroot's
#     libmorsel-devel with pkg-config run (library logic only: no module).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
OUT=$REPO/build/pkg-test
NAME=llfree-morsel

if [ "$(id -u)" -ne 0 ]; then
	echo "FAIL pkg.root: the package test needs root (chroot, dnf --installroot)"
	exit 1
fi
# Private mount namespace: the root's /proc and /dev mounts vanish with us.
if [ -z "${LLFREE_PKG_NS:-}" ]; then
	LLFREE_PKG_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

cd "$REPO"
LOGS=$OUT/logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
t0=$SECONDS
tphase=$SECONDS
nfail=0
pass() { echo "PASS pkg.$1"; }
fail() {
	echo "FAIL pkg.$1: $2"
	nfail=$((nfail + 1))
}
# phase ID TEXT: a new phase; the previous one's time goes to make check's
# table as `TIME pkg.<id> <seconds>`.
phase_id=''
phase() {
	[ -z "$phase_id" ] || echo "TIME pkg.$phase_id $((SECONDS - tphase))"
	echo "test-pkg: [$((SECONDS - t0))s] $2"
	phase_id=$1 tphase=$SECONDS
}
ver=$(cat VERSION)

phase version "version"
scripts/pkg/check-version.sh || nfail=$((nfail + 1))
phase dkms-conf "dkms.conf logic (fake kernels)"
scripts/pkg/test-dkms-conf.sh || nfail=$((nfail + 1))
phase man "man pages (check-man.sh)"
scripts/pkg/check-man.sh || nfail=$((nfail + 1))

# ------------------------------------------------------------ build, lint
phase deb "make deb"
if scripts/pkg/build-deb.sh >"$LOGS/deb.log" 2>&1; then
	pass deb.build
	if [ -s build/pkg/lintian.txt ]; then
		fail deb.lintian "lintian printed: $(head -c 300 build/pkg/lintian.txt)"
	else
		pass deb.lintian
	fi
else
	fail deb.build "see $LOGS/deb.log: $(tail -n 3 "$LOGS/deb.log" | tr '\n' ' ')"
fi
deb=build/pkg/llfree-morsel-dkms_${ver}_all.deb
# The library, development and tool packages of the same source package.
lib_debs=()
for p in libmorsel1 libmorsel-dev morsel-tools; do
	f=build/pkg/${p}_${ver}_amd64.deb
	if [ -f "$f" ]; then
		lib_debs+=("$f")
	else
		fail "deb.$p.built" "no $f"
	fi
done

phase rpm "make rpm"
if scripts/pkg/build-rpm.sh >"$LOGS/rpm.log" 2>&1; then
	pass rpm.build
	if grep -q ' 0 errors, 0 warnings' build/pkg/rpmlint.txt; then
		pass rpm.rpmlint
	else
		fail rpm.rpmlint "$(grep -E 'errors|: [EW]: ' build/pkg/rpmlint.txt | head -n 5 | tr '\n' ' ')"
	fi
elif [ -f build/pkg/rpmlint.txt ] && ls build/pkg/llfree-morsel-dkms-"$ver"-*.noarch.rpm >/dev/null 2>&1; then
	pass rpm.build
	fail rpm.rpmlint "$(grep -E 'errors|: [EW]: ' build/pkg/rpmlint.txt | head -n 5 | tr '\n' ' ')"
else
	fail rpm.build "see $LOGS/rpm.log: $(tail -n 3 "$LOGS/rpm.log" | tr '\n' ' ')"
fi

# ---------------------------------------------------- hook-kernel packages
phase kernel-debs "hook-kernel packages (kernel-deb.sh; cached after the first run)"
kdebs=$OUT/kernel-debs
rm -rf "$kdebs"
mkdir -p "$kdebs"
kernel_ok=1
rel_A='' rel_B='' key_A='' key_B=''
for k in A:"" B:-upgrade; do
	kname=${k%%:*} lv=${k#*:}
	if scripts/pkg/kernel-deb.sh --localversion "$lv" --out "$kdebs/$kname" >"$LOGS/kernel-$kname.log" 2>&1; then
		hdr=$(ls "$kdebs/$kname"/linux-headers-*.deb)
		rel=$(basename "$hdr" | sed 's/^linux-headers-\(.*\)_[^_]*_amd64\.deb$/\1/')
		eval "rel_$kname=\$rel"
		if dpkg-deb -c "$hdr" | grep "usr/src/linux-headers-$rel/\.config\$" >/dev/null; then
			pass "kernel-deb.$kname.headers-have-config"
		else
			fail "kernel-deb.$kname.headers-have-config" "no .config in $(basename "$hdr")"
		fi
		pass "kernel-deb.$kname.build ($rel)"
		eval "key_$kname=\$(basename \"\$(dirname \"\$(tail -n 1 \"\$LOGS/kernel-\$kname.log\")\")\")"
	else
		fail "kernel-deb.$kname.build" "see $LOGS/kernel-$kname.log: $(tail -n 3 "$LOGS/kernel-$kname.log" | tr '\n' ' ')"
		kernel_ok=0
	fi
done
# B must be A relinked: both from the same tree and config (a patch edited
# between the two builds would make them differ).
if [ "$kernel_ok" = 1 ] && [ "${key_B:-}" != "${key_A:-}-upgrade" ]; then
	fail kernel-deb.same-base "kernel A ($key_A) and B ($key_B) come from different builds (patches changed meanwhile?)"
fi

# ------------------------------------------------------ Debian 12 root
# Outside build/ (the Makefile scans build/ for dependency files), one per
# machine: concurrent runs from other checkouts wait.
CACHE=${LLFREE_CACHE:-$HOME/.cache/llfree-morsel}
mkdir -p "$CACHE/pkg-test"
exec 7>"$CACHE/pkg-test/.lock"
flock 7
root=$CACHE/pkg-test/root
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}
apt_root() {
	in_root apt-get -y --no-install-recommends -o Dpkg::Use-Pty=0 "$@"
}
# Where DKMS builds modules inside apt: hold the machine's kernel-build lock.
apt_root_build() {
	scripts/kbuild-lock.sh chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		apt-get -y --no-install-recommends -o Dpkg::Use-Pty=0 "$@"
}
# What Kbuild built for that kernel (the `LD [M] ... .ko` lines of the make
# log dkms keeps) must be exactly what DKMS installed for it: dkms.conf's
# module list and the Kbuild must agree (morsel.ko appears in both once
# kernels have CONFIG_MORSEL_HOOKS and src/morsel builds).
check_modules() { # NAME RELEASE
	local name=$1 rel=$2 built installed
	built=$(sed -n 's|^ *LD \[M\] *.*/\([^/]*\)\.ko$|\1|p' \
		"$root/var/lib/dkms/$NAME/$ver/$rel/x86_64/log/make.log" 2>/dev/null | sort | tr '\n' ' ' || true)
	installed=$(cd "$root/usr/lib/modules/$rel/updates/dkms" 2>/dev/null &&
		ls | sed 's/\.ko.*$//' | sort | tr '\n' ' ' || true)
	echo "test-pkg: $rel: Kbuild built [${built% }], DKMS installed [${installed% }]"
	if [ -z "$installed" ]; then
		fail "$name" "no module in /lib/modules/$rel/updates/dkms"
	elif [ "$built" != "$installed" ]; then
		fail "$name" "Kbuild built [${built% }] but DKMS installed [${installed% }]"
	elif [[ " $installed" != *" llfree "* ]]; then
		fail "$name" "llfree.ko missing for a CONFIG_LLFREE_HOOKS kernel"
	else
		pass "$name"
	fi
}

if [ "$kernel_ok" = 1 ] && [ -f "$deb" ]; then
	phase debroot "Debian 12 root (debroot.sh; cached after the first run)"
	tarball=$(scripts/pkg/debroot.sh 2>"$LOGS/debroot.log") || {
		fail deb.root "no Debian root: $(tail -n 3 "$LOGS/debroot.log" | tr '\n' ' ')"
		tarball=
	}
fi
if [ -n "${tarball:-}" ]; then
	rm -rf --one-file-system "$root"
	mkdir -p "$root"
	zstd -dc "$tarball" | tar -C "$root" -xf -
	# /dev: the device nodes debootstrap made are in the tarball.
	mount -t proc proc "$root/proc"
	mkdir -p "$root/tmp/debs"
	cp "$deb" "${lib_debs[@]}" "$kdebs"/A/*.deb "$kdebs"/B/linux-headers-*.deb "$root/tmp/debs/"
	# No `apt-get update`: the cached root has the apt lists and the .debs
	# of dkms and the stock headers, so the installs below need no network.
	pkgdeb=/tmp/debs/$(basename "$deb")
	in_debs() { basename "$(ls "$root"/tmp/debs/"$1"_*.deb)" | sed 's|^|/tmp/debs/|'; }

	phase install-kernel-A "install hook kernel A ($rel_A): image + headers"
	if apt_root install "$(in_debs linux-image-"$rel_A")" "$(in_debs linux-headers-"$rel_A")" \
		>"$LOGS/apt-kernel-A.log" 2>&1; then
		pass deb.hook-kernel-A.install
	else
		fail deb.hook-kernel-A.install "apt-get failed, see $LOGS/apt-kernel-A.log"
	fi

	phase install-dkms "apt-get install ./$(basename "$deb") and the library, dev and tool packages"
	lib_in_root=()
	for f in "${lib_debs[@]}"; do
		lib_in_root+=("/tmp/debs/$(basename "$f")")
	done
	rc=0
	apt_root_build install "$pkgdeb" "${lib_in_root[@]}" >"$LOGS/apt-dkms.log" 2>&1 || rc=$?
	sed -n '/Setting up llfree-morsel-dkms/,$p' "$LOGS/apt-dkms.log" | head -n 25 | sed 's/^/    | /' || true
	if [ "$rc" -eq 0 ]; then
		pass "deb.install (apt exit 0, dkms $(in_root dpkg-query -W -f='${Version}' dkms))"
	else
		fail deb.install "apt-get exited $rc, see $LOGS/apt-dkms.log"
		# The failed build's log is deleted with the root: keep it.
		if cp "$root/var/lib/dkms/$NAME/$ver/build/make.log" "$LOGS/dkms-make.log" 2>/dev/null; then
			echo "test-pkg: DKMS build log: $LOGS/dkms-make.log"
			grep -E 'error|Error' "$LOGS/dkms-make.log" | head -n 5 | sed 's/^/    | /' || true
		fi
	fi
	# /dev/morsel's group and udev rule (docs/morsel.md, "Security model").
	if in_root getent group morsel >/dev/null &&
		grep -q 'GROUP="morsel", MODE="0660"' "$root/lib/udev/rules.d/60-morsel.rules" 2>/dev/null; then
		pass deb.morsel-group-and-udev-rule
	else
		fail deb.morsel-group-and-udev-rule "no group morsel or no /lib/udev/rules.d/60-morsel.rules"
	fi
	in_root dkms status | sed 's/^/    dkms status: /' || true
	if in_root dkms status -m $NAME -v "$ver" -k "$rel_A" | grep -q ': installed'; then
		pass deb.dkms-installed-for-A
	else
		fail deb.dkms-installed-for-A "dkms status does not say installed for $rel_A"
	fi
	check_modules deb.modules-for-A "$rel_A"
	if [ -f "$root/usr/lib/modules/$rel_A/updates/dkms/llfree.ko" ] &&
		vm=$(in_root modinfo -F vermagic "/lib/modules/$rel_A/updates/dkms/llfree.ko") &&
		[ "${vm%% *}" = "$rel_A" ]; then
		pass deb.vermagic-A
	else
		fail deb.vermagic-A "llfree.ko vermagic '${vm:-}' is not for $rel_A"
	fi

	phase libmorsel "libmorsel and morselctl from the packages (in the root)"
	# What each package put where (the multiarch directory on Debian).
	ma=usr/lib/x86_64-linux-gnu
	missing=''
	for f in $ma/libmorsel.so.1 $ma/libmorsel.so.1.0.0 $ma/libmorsel.so $ma/libmorsel.a \
		$ma/pkgconfig/morsel.pc usr/include/morsel/libmorsel.h usr/include/morsel/linux/morsel.h \
		usr/bin/morselctl usr/share/bash-completion/completions/morselctl \
		usr/share/man/man1/morselctl.1.gz usr/share/man/man3/libmorsel.3.gz \
		usr/share/man/man3/morsel_create.3.gz usr/share/man/man4/morsel.4.gz \
		lib/udev/rules.d/60-morsel.rules; do
		[ -e "$root/$f" ] || missing="$missing /$f"
	done
	if [ -z "$missing" ]; then
		pass deb.library-files
	else
		fail deb.library-files "missing:$missing"
	fi
	owner=$(in_root dpkg-query -S /usr/share/man/man4/morsel.4.gz /lib/udev/rules.d/60-morsel.rules \
		2>/dev/null | cut -d: -f1 | sort -u | tr '\n' ' ' || true)
	if [ "$owner" = "llfree-morsel-dkms " ]; then
		pass deb.device-files-owned-by-dkms-package
	else
		fail deb.device-files-owned-by-dkms-package "morsel(4) and the udev rule belong to '$owner'"
	fi
	pcver=$(in_root pkg-config --modversion morsel 2>&1 || true)
	if [ "$pcver" = "$ver" ]; then
		pass "deb.pkg-config.modversion ($pcver)"
	else
		fail deb.pkg-config.modversion "pkg-config --modversion morsel says '$pcver', want $ver"
	fi
	# A user's program: only <libmorsel.h> and pkg-config, nothing from here.
	mkdir -p "$root/tmp/pkgcheck"
	cp scripts/pkg/morsel-pkgcheck.c "$root/tmp/pkgcheck/"
	flags=$(in_root pkg-config --cflags --libs morsel 2>&1 || true)
	echo "test-pkg: pkg-config --cflags --libs morsel: $flags"
	if in_root sh -c 'cd /tmp/pkgcheck && cc -std=gnu11 -O2 -Wall -Wextra -Werror -o morsel-pkgcheck \
		morsel-pkgcheck.c $(pkg-config --cflags --libs morsel)' >"$LOGS/pkgcheck-cc.log" 2>&1 &&
		LC_ALL=C readelf -d "$root/tmp/pkgcheck/morsel-pkgcheck" | grep -q 'NEEDED.*\[libmorsel\.so\.1\]'; then
		pass deb.pkg-config.compile-shared
	else
		fail deb.pkg-config.compile-shared "see $LOGS/pkgcheck-cc.log (or no NEEDED libmorsel.so.1)"
	fi
	if in_root sh -c 'cd /tmp/pkgcheck && cc -std=gnu11 -O2 -Wall -Wextra -Werror -static \
		-o morsel-pkgcheck-static morsel-pkgcheck.c $(pkg-config --static --cflags --libs morsel)' \
		>"$LOGS/pkgcheck-cc-static.log" 2>&1 &&
		! LC_ALL=C readelf -d "$root/tmp/pkgcheck/morsel-pkgcheck-static" 2>/dev/null | grep -q NEEDED; then
		pass deb.pkg-config.compile-static
	else
		fail deb.pkg-config.compile-static "see $LOGS/pkgcheck-cc-static.log (or not static)"
	fi
	# In the root itself: the library's own logic (no /dev/morsel here).
	in_root /tmp/pkgcheck/morsel-pkgcheck --offline pkg.deb.root.libmorsel >"$LOGS/pkgcheck-root.log" 2>&1 ||
		nfail=$((nfail + 1))
	cat "$LOGS/pkgcheck-root.log"
	got=$(in_root morselctl version 2>&1 || true)
	if [ "$got" = "morselctl $ver" ]; then
		pass deb.morselctl.version
	else
		fail deb.morselctl.version "morselctl version says '$got'"
	fi
	rc=0
	err=$(in_root morselctl info some-name 2>&1 >/dev/null) || rc=$?
	if [ "$rc" -eq 1 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] &&
		[[ $err == "morselctl: cannot open /dev/morsel: "* ]]; then
		pass "deb.morselctl.no-device-one-line ($err)"
	else
		fail deb.morselctl.no-device-one-line "exit $rc, stderr '$err'"
	fi

	phase kernel-B "kernel upgrade: install hook kernel B's headers ($rel_B)"
	rc=0
	apt_root_build install "$(in_debs linux-headers-"$rel_B")" >"$LOGS/apt-kernel-B.log" 2>&1 || rc=$?
	grep -E 'llfree-morsel|dkms' "$LOGS/apt-kernel-B.log" | head -n 10 | sed 's/^/    | /' || true
	if [ "$rc" -eq 0 ]; then
		pass deb.hook-kernel-B.install
	else
		fail deb.hook-kernel-B.install "apt-get exited $rc, see $LOGS/apt-kernel-B.log"
	fi
	check_modules deb.autobuilt-for-B "$rel_B"

	phase stock-kernel "stock kernel: install Debian's linux-headers-amd64"
	rc=0
	apt_root install linux-headers-amd64 >"$LOGS/apt-stock.log" 2>&1 || rc=$?
	grep -E 'Setting up linux-headers|llfree-morsel|Error|exited' "$LOGS/apt-stock.log" | head -n 10 | sed 's/^/    | /' || true
	rel_S=$(cd "$root/usr/lib/modules" && ls -d *-amd64 2>/dev/null | head -n 1 || true)
	if [ "$rc" -eq 0 ] && [ -n "$rel_S" ]; then
		pass "deb.stock-headers.apt-exit-0 ($rel_S)"
	else
		fail deb.stock-headers.apt-exit-0 "apt-get exited $rc, see $LOGS/apt-stock.log"
	fi
	if grep -q "llfree-morsel-dkms: skipped $rel_S: kernel lacks the hook patch" "$LOGS/apt-stock.log"; then
		pass deb.stock-headers.says-skipped
	else
		fail deb.stock-headers.says-skipped "no 'skipped' message in $LOGS/apt-stock.log"
	fi
	if [ -n "$rel_S" ] && [ ! -e "$root/usr/lib/modules/$rel_S/updates/dkms" ]; then
		pass deb.stock-headers.no-modules
	else
		fail deb.stock-headers.no-modules "something was installed for $rel_S"
	fi
	rc=0
	in_root dkms build -m $NAME -v "$ver" -k "$rel_S" >"$LOGS/dkms-stock.log" 2>&1 || rc=$?
	if [ "$rc" -eq 77 ]; then
		pass deb.stock-headers.dkms-build-exit-77
	else
		fail deb.stock-headers.dkms-build-exit-77 "dkms build for $rel_S exited $rc, see $LOGS/dkms-stock.log"
	fi
	# Control: with AUTOINSTALL forced on, Debian 12's own dkms hook fails
	# for the stock kernel (the defect the package works around).
	conf=$root/usr/src/$NAME-$ver/dkms.conf
	cp "$conf" "$LOGS/dkms.conf.saved"
	echo 'AUTOINSTALL="yes"' >>"$conf"
	rc=0
	in_root /etc/kernel/header_postinst.d/dkms "$rel_S" >"$LOGS/control.log" 2>&1 || rc=$?
	cp "$LOGS/dkms.conf.saved" "$conf"
	rc2=0
	in_root /etc/kernel/header_postinst.d/dkms "$rel_S" >>"$LOGS/control.log" 2>&1 || rc2=$?
	if [ "$rc" -ne 0 ] && [ "$rc2" -eq 0 ]; then
		pass "deb.workaround-needed (dkms' hook without the workaround: exit $rc; with it: exit 0)"
	else
		fail deb.workaround-needed "dkms' hook exited $rc without and $rc2 with the workaround (see $LOGS/control.log)"
	fi

	phase boot-modprobe "boot hook kernel A in QEMU, modprobe the packaged modules, run morselctl and libmorsel"
	vmout=$OUT/vm
	stage=$vmout/stage
	rm -rf "$vmout"
	mkdir -p "$stage/lib/modules"
	# The installed morselctl and the program built above, with what the
	# root's dynamic linker resolves for them (libmorsel.so.1, libc, ld.so,
	# as `ldd` in the root lists them) at the same paths: the guest runs
	# them as installed, against the root's libraries. The static build
	# is a second check.
	stage_file() { # PATH-IN-ROOT [PATH-IN-GUEST]
		local real
		real=$(chroot "$root" readlink -f "$1") && [ -f "$root$real" ] || return 1
		mkdir -p "$stage$(dirname "${2:-$1}")"
		cp "$root$real" "$stage${2:-$1}"
	}
	staged=1
	for bin in /usr/bin/morselctl /tmp/pkgcheck/morsel-pkgcheck; do
		libs=$(in_root ldd "$bin" 2>&1 | grep -oE '/[^ ]+' || true)
		echo "test-pkg: $bin needs: $(echo "$libs" | tr '\n' ' ')"
		for lib in $libs; do
			stage_file "$lib" || staged=0
		done
	done
	stage_file /usr/bin/morselctl || staged=0
	stage_file /tmp/pkgcheck/morsel-pkgcheck /usr/local/bin/morsel-pkgcheck || staged=0
	stage_file /tmp/pkgcheck/morsel-pkgcheck-static /usr/local/bin/morsel-pkgcheck-static || staged=0
	[ "$staged" = 1 ] || fail vm.stage "could not carry morselctl, the program or their libraries into the image"
	echo "$ver" >"$vmout/pkg-version"
	# The initramfs of the test scripts plus, appended as a second cpio
	# archive (the kernel unpacks both), the root's /lib/modules/<A> and the
	# files above.
	if cp -a "$root/usr/lib/modules/$rel_A" "$stage/lib/modules/" &&
		scripts/vm/initramfs.sh "$vmout/pkg.cpio.gz" scripts/pkg/guest-modprobe.sh "$vmout/pkg-version" &&
		(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >>"$vmout/pkg.cpio.gz"; then
		scripts/vm/run.sh pkg-modprobe "$root/boot/vmlinuz-$rel_A" "$vmout/pkg.cpio.gz" \
			"$vmout/pkg-modprobe.log" --smp 2 --mem 2048 --timeout 600 || nfail=$((nfail + 1))
	else
		fail vm.image "could not pack the root's /lib/modules/$rel_A"
	fi

	phase purge "apt-get purge llfree-morsel-dkms libmorsel1 libmorsel-dev morsel-tools"
	rc=0
	apt_root purge llfree-morsel-dkms libmorsel1 libmorsel-dev morsel-tools >"$LOGS/apt-purge.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass deb.purge
	else
		fail deb.purge "apt-get exited $rc, see $LOGS/apt-purge.log"
	fi
	left=$(cd "$root" && find usr/lib/modules -path '*/updates/dkms/*' 2>/dev/null
		ls -d var/lib/dkms/$NAME usr/src/$NAME-* etc/kernel/*/zz-llfree-morsel-dkms \
			usr/lib/x86_64-linux-gnu/libmorsel* usr/lib/x86_64-linux-gnu/pkgconfig/morsel.pc \
			usr/include/morsel usr/bin/morselctl usr/share/man/man*/morsel* \
			usr/share/man/man3/libmorsel* lib/udev/rules.d/60-morsel.rules 2>/dev/null || true)
	if [ -z "$left" ]; then
		pass deb.purge.nothing-left
	else
		fail deb.purge.nothing-left "left behind: $(echo "$left" | tr '\n' ' ')"
	fi
	umount "$root/proc"
	# 1 GiB: keep it only to look into a failure.
	[ "$nfail" -ne 0 ] || rm -rf --one-file-system "$root"
fi

# ------------------------------------------------------------------ RPM
phase rpm-dnf "RPM: dnf --installroot from a local createrepo_c repo"
rpmout=$OUT/rpm
rpm_pkgs=()
for p in llfree-morsel-dkms-"$ver"-1.noarch libmorsel-"$ver"-1.x86_64 \
	libmorsel-devel-"$ver"-1.x86_64 morsel-tools-"$ver"-1.x86_64; do
	[ -f "build/pkg/$p.rpm" ] && rpm_pkgs+=("build/pkg/$p.rpm")
done
if [ ${#rpm_pkgs[@]} -ne 4 ]; then
	fail rpm.dnf "not all four .rpms built (have: ${rpm_pkgs[*]:-none})"
elif ! command -v dnf >/dev/null || ! command -v createrepo_c >/dev/null; then
	fail rpm.dnf "dnf or createrepo_c missing (make deps)"
else
	# What the packages need from outside themselves: only what Fedora's base
	# system provides (anything else is a packaging error), and the stand-in
	# provides exactly that.
	req_names=$(rpm -qp --requires "${rpm_pkgs[@]}" 2>/dev/null | grep -v '^rpmlib(' | awk '{ print $1 }' | sort -u)
	own=$({ rpm -qp --provides "${rpm_pkgs[@]}"; rpm -qpl "${rpm_pkgs[@]}"; } 2>/dev/null | awk '{ print $1 }' | sort -u)
	external=$(comm -23 <(echo "$req_names") <(echo "$own"))
	base='^(/bin/sh|dkms|shadow-utils|rtld\(GNU_HASH\)|libc\.so\.6(\([A-Z0-9_.]*\))?\(64bit\)|/usr/bin/pkg-config)$'
	unexpected=$(echo "$external" | grep -vE "$base" || true)
	if [ -z "$unexpected" ]; then
		pass "rpm.requires-only-base-system ($(echo "$external" | tr '\n' ' '))"
	else
		fail rpm.requires-only-base-system "requirements Fedora's base system does not provide: $(echo "$unexpected" | tr '\n' ' ')"
	fi
	cat <<-'EOF'
	test-pkg: STAND-INS for Fedora's own packages, which are not reachable here:
	test-pkg:   /bin/sh     = Debian's busybox-static (package llfree-morsel-fedora-standin)
	test-pkg:   dkms        = a shell stub that logs its arguments and answers like dkms
	test-pkg:                 (build: exit 77 unless the kernel's .config has a hook); it builds nothing
	test-pkg:   glibc, shadow-utils, pkgconf = names only (Provides of the stand-in; no files)
	test-pkg:   kernel-devel = two fake /lib/modules/<release>/build trees (a hook kernel and a stock one)
	test-pkg: What is real: the .rpms, rpm's scriptlet execution, dnf's dependency resolution and repo.
	EOF
	rm -rf "$rpmout"
	mkdir -p "$rpmout"/{top,repo,root,cache,standin/bin,standin/sbin}
	cp /bin/busybox "$rpmout/standin/bin/busybox"
	cat >"$rpmout/standin/sbin/dkms" <<-'EOF'
	#!/bin/sh
	# Stand-in for Fedora's dkms (test only): log, and emulate the answers.
	echo "dkms $*" >>/var/log/dkms-standin.log
	action=$1
	kver=
	while [ $# -gt 0 ]; do
		[ "$1" = -k ] && kver=$2
		shift
	done
	case $action in
	build)
		grep -qE '^CONFIG_(LLFREE|MORSEL)_HOOKS=y' "/lib/modules/$kver/build/.config" 2>/dev/null || exit 77
		;;
	--version) echo "dkms-3.3.0" ;;
	esac
	exit 0
	EOF
	provides=$(echo "$external" | grep -E "$base" | grep -vx dkms | sed 's/^/Provides: /')
	cat >"$rpmout/standin.spec" <<-EOF
	# Test-only stand-in for Fedora's /bin/sh, dkms, glibc, shadow-utils and
	# pkgconf (see test-pkg.sh).
	Name: llfree-morsel-fedora-standin
	Version: 1
	Release: 1
	Summary: Test stand-in for Fedora's shell, dkms and base libraries
	License: GPL-2.0-only
	BuildArch: x86_64
	AutoReqProv: no
	Provides: dkms = 3.3.0
	$provides
	%description
	Test only: busybox as /bin/sh, a logging dkms stub, names of base packages.
	%install
	mkdir -p %{buildroot}/bin %{buildroot}/usr/sbin %{buildroot}/var/log
	cp $rpmout/standin/bin/busybox %{buildroot}/bin/busybox
	for a in sh grep cat echo; do ln -s busybox %{buildroot}/bin/\$a; done
	install -m 755 $rpmout/standin/sbin/dkms %{buildroot}/usr/sbin/dkms
	%files
	/bin/*
	/usr/sbin/dkms
	EOF
	if rpmbuild --define "_topdir $rpmout/top" --define '__os_install_post %{nil}' \
		--define 'debug_package %{nil}' -bb "$rpmout/standin.spec" >"$rpmout/standin.log" 2>&1; then
		cp "$rpmout"/top/RPMS/*/*.rpm "${rpm_pkgs[@]}" "$rpmout/repo/"
		createrepo_c -q "$rpmout/repo"
		# Scriptlets redirect to /dev/null inside the root.
		mkdir -p "$rpmout/root/dev"
		mknod -m 666 "$rpmout/root/dev/null" c 1 3
		# Two kernels with headers: a hook kernel and a stock one.
		for k in "$rel_A:CONFIG_LLFREE_HOOKS=y" "6.12.0-fedora-stock:# CONFIG_LLFREE_HOOKS is not set"; do
			kd=$rpmout/root/lib/modules/${k%%:*}/build
			mkdir -p "$kd/include"
			echo "${k#*:}" >"$kd/.config"
		done
		# shellcheck disable=SC2054 # the commas belong to the values
		dnf=(dnf -y -q --installroot="$rpmout/root" --releasever=40 --disablerepo='*'
			--repofrompath=local,"file://$rpmout/repo" --enablerepo=local --nogpgcheck
			--setopt=cachedir="$rpmout/cache" --setopt=install_weak_deps=False
			--refresh)
		if "${dnf[@]}" install llfree-morsel-fedora-standin llfree-morsel-dkms libmorsel \
			libmorsel-devel morsel-tools >"$rpmout/dnf-install.log" 2>&1; then
			pass rpm.dnf-install
		else
			fail rpm.dnf-install "see $rpmout/dnf-install.log: $(tail -n 3 "$rpmout/dnf-install.log" | tr '\n' ' ')"
		fi
		sed 's/^/    | /' "$rpmout/dnf-install.log" | head -n 10
		r=$rpmout/root
		if grep -qx "PACKAGE_VERSION=\"$ver\"" "$r/usr/src/$NAME-$ver/dkms.conf" 2>/dev/null &&
			grep -q 'GROUP="morsel"' "$r/usr/lib/udev/rules.d/60-morsel.rules" 2>/dev/null &&
			grep -qx 'g morsel -' "$r/usr/lib/sysusers.d/morsel.conf" 2>/dev/null &&
			[ -f "$r/usr/share/man/man4/morsel.4.gz" ]; then
			pass rpm.files.dkms
		else
			fail rpm.files.dkms "dkms.conf with the version, 60-morsel.rules, sysusers.d/morsel.conf or morsel(4) missing"
		fi
		missing=''
		for f in usr/lib64/libmorsel.so.1.0.0 usr/lib64/libmorsel.so usr/lib64/pkgconfig/morsel.pc \
			usr/include/morsel/libmorsel.h usr/include/morsel/linux/morsel.h usr/bin/morselctl \
			usr/share/bash-completion/completions/morselctl usr/share/man/man1/morselctl.1.gz \
			usr/share/man/man3/libmorsel.3.gz usr/share/man/man3/morsel_attach.3.gz; do
			[ -e "$r/$f" ] || missing="$missing /$f"
		done
		# Fedora: licenses/<name>/; rpm's default: licenses/<name>-<version>/.
		ls "$r"/usr/share/licenses/libmorsel*/COPYING.LGPL-2.1 >/dev/null 2>&1 ||
			missing="$missing /usr/share/licenses/libmorsel/COPYING.LGPL-2.1"
		[ "$(readlink "$r/usr/lib64/libmorsel.so.1" 2>/dev/null)" = libmorsel.so.1.0.0 ] ||
			missing="$missing /usr/lib64/libmorsel.so.1->libmorsel.so.1.0.0"
		[ ! -e "$r/usr/lib64/libmorsel.a" ] || missing="$missing (and libmorsel.a is there)"
		if [ -z "$missing" ]; then
			pass rpm.files.library-devel-tools
		else
			fail rpm.files.library-devel-tools "missing:$missing"
		fi
		# The soname and the symbol version as rpm's dependency generator
		# saw them, and what the tools and the -devel package need.
		if rpm -qp --provides build/pkg/libmorsel-"$ver"-1.x86_64.rpm | grep -qx 'libmorsel.so.1(LIBMORSEL_1)(64bit)' &&
			rpm -qp --requires build/pkg/morsel-tools-"$ver"-1.x86_64.rpm | grep -qx 'libmorsel.so.1(LIBMORSEL_1)(64bit)' &&
			rpm -qp --provides build/pkg/libmorsel-devel-"$ver"-1.x86_64.rpm | grep -qx "pkgconfig(morsel) = $ver"; then
			pass rpm.provides-soname-symbols-pkgconfig
		else
			fail rpm.provides-soname-symbols-pkgconfig "libmorsel.so.1(LIBMORSEL_1)(64bit) or pkgconfig(morsel) = $ver missing"
		fi
		# The installed files run: morselctl with its installed library (the
		# host's libc: the installroot's glibc is a stand-in), and a program
		# built against the installed -devel through pkg-config.
		ldso=(/lib64/ld-linux-x86-64.so.2 --library-path "$r/usr/lib64")
		got=$("${ldso[@]}" "$r/usr/bin/morselctl" version 2>&1 || true)
		if [ "$got" = "morselctl $ver" ]; then
			pass rpm.morselctl-runs
		else
			fail rpm.morselctl-runs "'$got'"
		fi
		flags=$(PKG_CONFIG_SYSROOT_DIR="$r" PKG_CONFIG_LIBDIR="$r/usr/lib64/pkgconfig" \
			pkg-config --cflags --libs morsel 2>&1 || true)
		echo "test-pkg: pkg-config --cflags --libs morsel (installroot): $flags"
		# shellcheck disable=SC2086 # the flags are words
		if cc -std=gnu11 -O2 -Wall -Wextra -Werror scripts/pkg/morsel-pkgcheck.c $flags \
			-o "$rpmout/morsel-pkgcheck" >"$rpmout/pkgcheck-cc.log" 2>&1; then
			pass rpm.pkg-config.compile
			"${ldso[@]}" "$rpmout/morsel-pkgcheck" --offline pkg.rpm.libmorsel || nfail=$((nfail + 1))
		else
			fail rpm.pkg-config.compile "see $rpmout/pkgcheck-cc.log: $(head -n 2 "$rpmout/pkgcheck-cc.log" | tr '\n' ' ')"
		fi
		slog=$r/var/log/dkms-standin.log
		sed 's/^/    dkms stand-in log: /' "$slog" 2>/dev/null || true
		if grep -qx "dkms add -m $NAME -v $ver --rpm_safe_upgrade" "$slog" 2>/dev/null &&
			grep -qx "dkms install -m $NAME -v $ver -k $rel_A" "$slog" &&
			grep -qx "dkms build -m $NAME -v $ver -k 6.12.0-fedora-stock" "$slog" &&
			! grep -q "install .* -k 6.12.0-fedora-stock" "$slog"; then
			pass rpm.post-scriptlet
		else
			fail rpm.post-scriptlet "expected add, install for $rel_A, only build for the stock kernel"
		fi
		if "${dnf[@]}" remove llfree-morsel-dkms morsel-tools libmorsel-devel libmorsel \
			>"$rpmout/dnf-remove.log" 2>&1 &&
			grep -qx "dkms remove -m $NAME -v $ver --all --rpm_safe_upgrade" "$slog" &&
			[ ! -e "$r/usr/src/$NAME-$ver" ] && [ ! -e "$r/usr/lib64/libmorsel.so.1.0.0" ] &&
			[ ! -e "$r/usr/bin/morselctl" ] && [ ! -e "$r/usr/include/morsel" ]; then
			pass rpm.preun-scriptlet-and-remove
		else
			fail rpm.preun-scriptlet-and-remove "no dkms remove logged or files left (see $rpmout/dnf-remove.log)"
		fi
	else
		fail rpm.standin "could not build the stand-in package, see $rpmout/standin.log"
	fi
fi

phase done "done"
echo "test-pkg: total $((SECONDS - t0))s"
[ "$nfail" -eq 0 ]
