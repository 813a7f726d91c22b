#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack a busybox initramfs for the QEMU tests.
#
# Usage: initramfs.sh OUT.cpio.gz SCRIPT [FILE...]
#   SCRIPT runs as /test/run.sh after boot; FILEs (modules, static test
#   programs) are copied into /test. The serial log ends with VM-DONE.
set -euo pipefail

out=$(realpath -m "$1")
script=$2
shift 2

BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "initramfs: busybox-static missing (make deps)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# mktemp -d makes it 0700: the guest's / must be searchable by other uids.
chmod 755 "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,test,mnt}
cp "$BUSYBOX" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$script" "$root/test/run.sh"
chmod +x "$root/test/run.sh"
for f in "$@"; do
	cp "$f" "$root/test/"
done

cat >"$root/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
echo "VM-START $(uname -r) cpus=$(nproc)"
cd /test && sh ./run.sh
echo "VM-DONE rc=$?"
reboot -f
INIT
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
