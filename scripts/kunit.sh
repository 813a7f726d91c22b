#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make kunit`: the KUnit suites of kunit/ in the debug test kernel that
# make vm-test boots (scripts/vm/build-kernel.sh: KUnit, KASAN, lockdep,
# DEBUG_VM, THP, both hooks). They are linked into llfree.ko and morsel.ko,
# built against that kernel as DKMS would (CONFIG_*_KUNIT_TEST=m), and
# loaded one after the other in one QEMU boot (tools/vm/kunit-test.sh):
# KUnit runs a module's suites as it loads. That tree's own kunit.py parses
# each module's KTAP (kunit.py parse --json). One kernel serves KUnit and
# the VM tests: a second kernel build would not fit CI's time (docs/ci.md).
#
# Prints per-suite and per-case results and `N passed, N failed` last; the
# same lines go to build/check/kunit.log, the console to
# build/kunit/console.log. Environment: LLFREE_KUNIT_TIMEOUT (seconds for
# the boot, default 900), LLFREE_KUNIT_FILTER (kunit.filter_glob, e.g.
# 'llfree_bitfield*').
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=$REPO/build/kunit
log=$REPO/build/check/kunit.log
rm -rf "$out"
mkdir -p "$out" "$REPO/build/check"

fail() {
	echo "FAIL kunit: $*" | tee "$log"
	echo "0 passed, 1 failed" | tee -a "$log"
	exit 1
}

kout=$("$REPO/scripts/vm/build-kernel.sh") || fail "could not build the test kernel"
tree=$(readlink -f "$kout/source")
# At W=1 with zero warnings: the only build of morsel.ko and of the suites
# that checks (modules-check builds against headers without the hooks).
make -s -C "$REPO" modules KDIR="$kout" KMOD_OUT="${out#"$REPO"/}/kmod" KMOD_CONFIG="W=1 \
	CONFIG_LLFREE_FAST_FREE=y CONFIG_LLFREE_KUNIT_TEST=m CONFIG_MORSEL_KUNIT_TEST=m" \
	>"$out/modules.log" 2>&1 || fail "building the modules with their suites failed (build/kunit/modules.log)"
[ -f "$out/kmod/morsel.ko" ] || fail "the test kernel has no morsel hooks: no morsel.ko"
if grep -qiE '(^|[^[:alpha:]])warning:' "$out/modules.log"; then
	w1="FAIL kunit.modules-w1: $(grep -ciE '(^|[^[:alpha:]])warning:' "$out/modules.log") warnings (build/kunit/modules.log)"
else
	w1="PASS kunit.modules-w1"
fi
"$REPO/scripts/vm/initramfs.sh" "$out/kunit.cpio.gz" "$REPO/tools/vm/kunit-test.sh" \
	"$out/kmod/llfree.ko" "$out/kmod/morsel.ko"

append=
[ -n "${LLFREE_KUNIT_FILTER:-}" ] && append="kunit.filter_glob=$LLFREE_KUNIT_FILTER"
echo "kunit: $kout, tree $tree"
"$REPO/scripts/vm/run.sh" kunit "$kout/arch/x86/boot/bzImage" "$out/kunit.cpio.gz" \
	"$out/console.log" --smp 2 --mem 2048 --timeout "${LLFREE_KUNIT_TIMEOUT:-900}" \
	--append "$append" >"$out/vm.txt" || true

# Each module's KTAP, as kunit.py parse takes it (one document per file).
jsons=() noktap=()
for m in llfree morsel; do
	sed -n "/KUNIT-LOG-BEGIN $m/,/KUNIT-LOG-END $m/p" "$out/console.log" >"$out/$m.ktap"
	python3 "$tree/tools/testing/kunit/kunit.py" parse --json="$out/$m.json" \
		"$out/$m.ktap" >"$out/$m.parse.log" 2>&1 || true
	if [ -s "$out/$m.json" ] && grep -q '"test_cases"\|"sub_groups"' "$out/$m.json"; then
		jsons+=("$out/$m.json")
	else
		noktap+=("FAIL kunit.$m.ktap: no KTAP from $m.ko (build/kunit/$m.parse.log)")
	fi
done
{
	grep '^TIME ' "$out/vm.txt" || true
	echo "$w1"
	# The boot's own verdicts: the guest's loads and unloads, VM-DONE, no
	# kernel report (KASAN, lockdep, WARN) while the suites ran.
	grep -E '^(PASS|FAIL) ' "$out/vm.txt" || true
	[ ${#noktap[@]} -eq 0 ] || printf '%s\n' "${noktap[@]}"
	python3 "$REPO/scripts/kunit-summary.py" "${jsons[@]}" || true
} | grep -Ev '^[0-9]+ passed, [0-9]+ failed$' >"$log"
# The closing line counts every result above: the cases and the boot's.
npass=$(grep -c '^PASS ' "$log" || true)
nfail=$(grep -c '^FAIL ' "$log" || true)
echo "$npass passed, $nfail failed" >>"$log"
cat "$log"
[ "$nfail" -eq 0 ]
