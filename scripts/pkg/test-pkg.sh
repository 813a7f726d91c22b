#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make test-pkg`: build the packages and install them the way users do.
# Prints `PASS pkg.<name>` / `FAIL pkg.<name>: why` lines (and the VM's).
#
#  1. VERSION agrees with debian/changelog, the spec and dkms.conf; dkms.conf
#     picks the right modules, skip and AUTOINSTALL for fake kernels.
#  2. `make deb` (lintian: no output at all) and `make rpm` (rpmlint: no errors
#     or warnings with rpm/llfree-morsel-dkms.rpmlintrc).
#  3. Hook-kernel packages (scripts/pkg/kernel-deb.sh): kernel A is the cached
#     test kernel, kernel B the same build relinked as <release>-upgrade.
#  4. In a debootstrap'd Debian 12 root (scripts/pkg/debroot.sh, cached):
#     kernel A image + headers; `apt-get install ./llfree-morsel-dkms_*.deb`
#     (pulls in Debian's dkms 3.0.10) -> DKMS builds and installs the modules
#     Kbuild builds for A; kernel B's headers -> modules for B appear by
#     themselves; Debian's stock linux-headers-amd64 -> skipped, apt exits 0
#     (and, as a control, dkms' own hook without our workaround exits 11);
#     then boot kernel A in QEMU with that root's /lib/modules and modprobe
#     the modules; purge -> modules, DKMS tree, sources and hooks gone.
#  5. RPM: `dnf --installroot` from a local createrepo_c repo; the %post and
#     %preun scriptlets run against stand-ins for Fedora's packages (said
#     plainly in the output).
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
	cp "$deb" "$kdebs"/A/*.deb "$kdebs"/B/linux-headers-*.deb "$root/tmp/debs/"
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

	phase install-dkms "apt-get install ./$(basename "$deb")"
	rc=0
	apt_root_build install "$pkgdeb" >"$LOGS/apt-dkms.log" 2>&1 || rc=$?
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

	phase boot-modprobe "boot hook kernel A in QEMU, modprobe the packaged modules"
	vmout=$OUT/vm
	rm -rf "$vmout"
	mkdir -p "$vmout/stage/lib/modules"
	# The initramfs of the test scripts plus, appended as a second cpio
	# archive (the kernel unpacks both), the root's /lib/modules/<A>.
	if cp -a "$root/usr/lib/modules/$rel_A" "$vmout/stage/lib/modules/" &&
		scripts/vm/initramfs.sh "$vmout/pkg.cpio.gz" scripts/pkg/guest-modprobe.sh &&
		(cd "$vmout/stage" && find . | cpio -o -H newc --quiet | gzip -1) >>"$vmout/pkg.cpio.gz"; then
		scripts/vm/run.sh pkg-modprobe "$root/boot/vmlinuz-$rel_A" "$vmout/pkg.cpio.gz" \
			"$vmout/pkg-modprobe.log" --smp 2 --mem 2048 --timeout 600 || nfail=$((nfail + 1))
	else
		fail vm.image "could not pack the root's /lib/modules/$rel_A"
	fi

	phase purge "apt-get purge llfree-morsel-dkms"
	rc=0
	apt_root purge llfree-morsel-dkms >"$LOGS/apt-purge.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass deb.purge
	else
		fail deb.purge "apt-get exited $rc, see $LOGS/apt-purge.log"
	fi
	left=$(cd "$root" && find usr/lib/modules -path '*/updates/dkms/*' 2>/dev/null
		ls -d var/lib/dkms/$NAME usr/src/$NAME-* etc/kernel/*/zz-llfree-morsel-dkms 2>/dev/null || true)
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
rpm_pkg=$(ls build/pkg/llfree-morsel-dkms-"$ver"-*.noarch.rpm 2>/dev/null | head -n 1 || true)
if [ -z "$rpm_pkg" ]; then
	fail rpm.dnf "no .rpm built"
elif ! command -v dnf >/dev/null || ! command -v createrepo_c >/dev/null; then
	fail rpm.dnf "dnf or createrepo_c missing (make deps)"
else
	cat <<-'EOF'
	test-pkg: STAND-INS for Fedora's own packages, which are not reachable here:
	test-pkg:   /bin/sh     = Debian's busybox-static (package llfree-morsel-fedora-standin)
	test-pkg:   dkms        = a shell stub that logs its arguments and answers like dkms
	test-pkg:                 (build: exit 77 unless the kernel's .config has a hook); it builds nothing
	test-pkg:   kernel-devel = two fake /lib/modules/<release>/build trees (a hook kernel and a stock one)
	test-pkg: What is real: the .rpm, rpm's scriptlet execution, dnf's dependency resolution and repo.
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
	cat >"$rpmout/standin.spec" <<-EOF
	# Test-only stand-in for Fedora's /bin/sh and dkms (see test-pkg.sh).
	Name: llfree-morsel-fedora-standin
	Version: 1
	Release: 1
	Summary: Test stand-in for Fedora's shell and dkms
	License: GPL-2.0-only
	BuildArch: x86_64
	AutoReqProv: no
	Provides: /bin/sh
	Provides: dkms = 3.3.0
	%description
	Test only: busybox as /bin/sh and a logging dkms stub.
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
		cp "$rpmout"/top/RPMS/*/*.rpm "$rpm_pkg" "$rpmout/repo/"
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
		if "${dnf[@]}" install llfree-morsel-fedora-standin llfree-morsel-dkms >"$rpmout/dnf-install.log" 2>&1; then
			pass rpm.dnf-install
		else
			fail rpm.dnf-install "see $rpmout/dnf-install.log: $(tail -n 3 "$rpmout/dnf-install.log" | tr '\n' ' ')"
		fi
		sed 's/^/    | /' "$rpmout/dnf-install.log" | head -n 10
		if grep -qx "PACKAGE_VERSION=\"$ver\"" "$rpmout/root/usr/src/$NAME-$ver/dkms.conf" 2>/dev/null &&
			grep -q 'GROUP="morsel"' "$rpmout/root/usr/lib/udev/rules.d/60-morsel.rules" 2>/dev/null &&
			grep -qx 'g morsel -' "$rpmout/root/usr/lib/sysusers.d/morsel.conf" 2>/dev/null; then
			pass rpm.files
		else
			fail rpm.files "dkms.conf with the version, 60-morsel.rules or sysusers.d/morsel.conf missing"
		fi
		slog=$rpmout/root/var/log/dkms-standin.log
		sed 's/^/    dkms stand-in log: /' "$slog" 2>/dev/null || true
		if grep -qx "dkms add -m $NAME -v $ver --rpm_safe_upgrade" "$slog" 2>/dev/null &&
			grep -qx "dkms install -m $NAME -v $ver -k $rel_A" "$slog" &&
			grep -qx "dkms build -m $NAME -v $ver -k 6.12.0-fedora-stock" "$slog" &&
			! grep -q "install .* -k 6.12.0-fedora-stock" "$slog"; then
			pass rpm.post-scriptlet
		else
			fail rpm.post-scriptlet "expected add, install for $rel_A, only build for the stock kernel"
		fi
		if "${dnf[@]}" remove llfree-morsel-dkms >"$rpmout/dnf-remove.log" 2>&1 &&
			grep -qx "dkms remove -m $NAME -v $ver --all --rpm_safe_upgrade" "$slog" &&
			[ ! -e "$rpmout/root/usr/src/$NAME-$ver" ]; then
			pass rpm.preun-scriptlet
		else
			fail rpm.preun-scriptlet "no dkms remove logged or files left (see $rpmout/dnf-remove.log)"
		fi
	else
		fail rpm.standin "could not build the stand-in package, see $rpmout/standin.log"
	fi
fi

phase done "done"
echo "test-pkg: total $((SECONDS - t0))s"
[ "$nfail" -eq 0 ]
