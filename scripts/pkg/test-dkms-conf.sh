#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit test of dkms.conf's logic, without dkms: source it the way dkms does
# (bash, $kernelver and $kernel_source_dir set, $0 = dkms) for fake kernels
# and check the module list, the make command, the skip and the AUTOINSTALL
# gate. Prints PASS/FAIL lines.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

# A fake dkms that only knows --version, and a source tree whose Kbuild
# builds morsel.o or not.
fake_dkms() { # VERSION
	mkdir -p "$tmp/bin-$1"
	printf '#!/bin/sh\necho dkms-%s\n' "$1" >"$tmp/bin-$1/dkms"
	chmod +x "$tmp/bin-$1/dkms"
	echo "$tmp/bin-$1/dkms"
}
kernel() { # NAME CONFIG-LINES...
	local d=$tmp/k-$1
	shift
	mkdir -p "$d/include/config"
	printf '%s\n' "$@" >"$d/include/config/auto.conf"
	echo "$d"
}
# Prints: modules|make flags|exclusive config|exclusive kernel|autoinstall
probe() { # KSRC KERNELVER DKMS KBUILD-WITH-MORSEL(0/1)
	local src=$tmp/src-$4
	mkdir -p "$src/llfree-morsel/0.1.0/source"
	if [ "$4" = 1 ]; then
		echo 'obj-$(CONFIG_MORSEL) += morsel.o' >"$src/llfree-morsel/0.1.0/source/Kbuild"
	else
		echo '# no morsel yet' >"$src/llfree-morsel/0.1.0/source/Kbuild"
	fi
	sed 's/#MODULE_VERSION#/0.1.0/' "$REPO/dkms.conf" >"$tmp/dkms.conf"
	kernel_source_dir=$1 kernelver=$2 dkms_tree=$src source_tree=/nonexistent \
		bash -c '. "$1"; echo "${BUILT_MODULE_NAME[*]}|${MAKE[0]#* M=* }|${BUILD_EXCLUSIVE_CONFIG:-}|${BUILD_EXCLUSIVE_KERNEL:+set}|${AUTOINSTALL:-}"' \
		"$3" "$tmp/dkms.conf"
}
check() { # NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		echo "PASS pkg.dkms-conf.$1"
	else
		echo "FAIL pkg.dkms-conf.$1: expected '$2', got '$3'"
		rc=1
	fi
}

new=$(fake_dkms 3.3.0)
old=$(fake_dkms 3.0.10)
both=$(kernel both CONFIG_LLFREE_HOOKS=y CONFIG_MORSEL_HOOKS=y)
llf=$(kernel llfree CONFIG_LLFREE_HOOKS=y)
mor=$(kernel morsel CONFIG_MORSEL_HOOKS=y)
stock=$(kernel stock CONFIG_SMP=y)
skip='CONFIG_LLFREE_HOOKS CONFIG_MORSEL_HOOKS|set'

check llfree-hook "llfree|CONFIG_LLFREE=m modules|||yes" "$(probe "$llf" 6.12.1-a "$new" 1)"
check both-hooks "llfree morsel|CONFIG_LLFREE=m modules|||yes" "$(probe "$both" 6.12.1-b "$new" 1)"
check both-hooks-no-morsel-in-kbuild "llfree|CONFIG_LLFREE=m modules|||yes" "$(probe "$both" 6.12.1-b "$new" 0)"
check morsel-hook-only "morsel|CONFIG_LLFREE= modules|||yes" "$(probe "$mor" 6.12.1-c "$new" 1)"
check stock-skipped "llfree|CONFIG_LLFREE= modules|$skip|yes" "$(probe "$stock" 6.1.0-1-amd64 "$new" 1)"
check no-config-skipped "llfree|CONFIG_LLFREE= modules|$skip|yes" "$(probe "$tmp/none" 6.1.0-2-amd64 "$new" 1)"
check no-kernel "llfree|CONFIG_LLFREE= modules|||yes" "$(probe "$tmp/none" "" "$new" 1)"
check autoinstall-off-on-dkms-3.0.10 "llfree|CONFIG_LLFREE=m modules|||" "$(probe "$llf" 6.12.1-a "$old" 1)"
check autoinstall-on-dkms-3.0.11 "yes" "$(probe "$llf" 6.12.1-a "$(fake_dkms 3.0.11)" 1 | cut -d'|' -f5)"
check autoinstall-off-on-dkms-2.8 "" "$(probe "$llf" 6.12.1-a "$(fake_dkms 2.8.7)" 1 | cut -d'|' -f5)"
exit $rc
