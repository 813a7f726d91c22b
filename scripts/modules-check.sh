#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build llfree.ko out of tree against Debian's stock 6.12 and 6.1 headers, with
# the default Kconfig values and with the non-default extremes, at W=1.
# A build passes only with zero compiler and modpost warnings. (morsel.ko and
# the KUnit suites need the hooks: make kunit builds them at W=1 against the
# hook kernel.) Then the in-tree side: with this checkout staged into the
# patched tree as mm/llfree_morsel, Kconfig must take every option of ours.
# Logs: build/check/modules-*.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
make=${MAKE:-make}

# --one NAME KDIR OUT [VAR=VALUE...]: one build, run by run-step.sh.
if [ "${1:-}" = --one ]; then
	name=$2 kdir=$3 out=$4
	shift 4
	rc=0
	$make modules KDIR="$kdir" KMOD_OUT="$out" W=1 "$@" 2>&1 | tee "$out.out" || rc=$?
	warnings=$(grep -ciE '(^|[^[:alpha:]])warning:' "$out.out" || true)
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $name: build failed"
	elif [ "$warnings" -ne 0 ]; then
		echo "FAIL $name: $warnings warnings"
	elif [ ! -f "$out/llfree.ko" ]; then
		echo "FAIL $name: no llfree.ko"
	else
		echo "PASS $name"
	fi
	exit 0
fi

# --kconfig: our Kconfig in the patched tree, every option set survives.
in_tree_kconfig() {
	local tree tmp opt missing=''
	tree=$(scripts/kernel-tree.sh) || { echo "FAIL modules.in-tree-kconfig: no kernel tree"; return; }
	tmp=$(mktemp -d)
	make -s -C "$tree" O="$tmp" ARCH=x86_64 defconfig
	local opts=(CONFIG_LLFREE_HOOKS=y CONFIG_MORSEL_HOOKS=y CONFIG_KUNIT=y CONFIG_LLFREE=m
		CONFIG_LLFREE_FAST_FREE=y CONFIG_LLFREE_TREE_HUGE_ORDER=4 CONFIG_LLFREE_KUNIT_TEST=m
		CONFIG_MORSEL=m CONFIG_MORSEL_KUNIT_TEST=m)
	printf '%s\n' "${opts[@]}" >>"$tmp/.config"
	make -s -C "$tree" O="$tmp" ARCH=x86_64 olddefconfig
	for opt in "${opts[@]}"; do
		grep -qxF "$opt" "$tmp/.config" || missing+=" $opt"
	done
	rm -rf "$tmp"
	if [ -n "$missing" ]; then
		echo "FAIL modules.in-tree-kconfig: olddefconfig dropped$missing"
	else
		echo "PASS modules.in-tree-kconfig"
	fi
}
if [ "${1:-}" = --kconfig ]; then
	in_tree_kconfig
	exit 0
fi

# Hold the kernel-build lock once for all builds (the inner `make modules`
# calls inherit it) instead of queueing four times behind other builds.
if [ -z "${LLFREE_MODCHECK_LOCKED:-}" ]; then
	LLFREE_MODCHECK_LOCKED=1 exec scripts/kbuild-lock.sh "$0" "$@"
fi

variants=(
	"default"
	"fastfree-order6 CONFIG_LLFREE_FAST_FREE=y CONFIG_LLFREE_TREE_HUGE_ORDER=6"
)
rc=0
for series in 6.12 6.1; do
	kdir=$(ls -d /usr/src/linux-headers-"$series".*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$kdir" ]; then
		mkdir -p build/check
		echo "FAIL modules.$series: no /usr/src/linux-headers-$series.*-amd64 (make deps)" |
			tee build/check/modules-"$series".log
		rc=1
		continue
	fi
	release=${kdir#/usr/src/linux-headers-}
	for v in "${variants[@]}"; do
		read -r vname vars <<<"$v"
		name=modules.$release.$vname
		out=build/kmod-check/$release-$vname
		# From scratch: an up-to-date object would hide its warnings.
		rm -rf "$out"
		mkdir -p "$out"
		# shellcheck disable=SC2086 # $vars is a list of VAR=VALUE words
		scripts/run-step.sh "$name" "build/check/modules-$release-$vname.log" \
			"$0" --one "$name" "$kdir" "$out" $vars || rc=1
	done
done
scripts/run-step.sh modules.in-tree-kconfig build/check/modules-in-tree-kconfig.log \
	"$0" --kconfig || rc=1
exit $rc
